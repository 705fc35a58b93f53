/**
 * Long sessions (issue 12 item 5): a viewer stays in a room for hours behind a proxy that
 * closes connections idle for 60 s, with userSigs that expire every hour. The server, both SDK
 * instances and the proxy's idle timer share one manual clock, moved in steps of 2.5 s (the
 * server's sweep period); after each step the test waits until every ping has had its pong and
 * every request its answer, so the bytes on the real sockets keep up with the clock.
 */
import { describe, expect, it } from 'vitest';
import TIM, { Client, type Message, type RefreshUserSig } from '@stadium/sdk';
import type { ClientEnvironment } from '../packages/sdk/src/client-environment.js';
import type { TimerHandle } from '../packages/server/src/clock/clock.js';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { collectMessages, nextEvent } from './support/events.js';
import { FrameTrace } from './support/frame-trace.js';
import { RawClient } from './support/raw-client.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const START = 1_700_000_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The server's sweep period with the default options: max(250, min(25 000, 5 000) / 2). */
const STEP = 2_500;
/** The proxy closes connections without a byte either way for this long (a common load-balancer default). */
const IDLE_TIMEOUT_MS = 60_000;
/** The host speaks this often: longer than the proxy's idle timeout, so only heartbeats keep the viewer's connection. */
const SEND_EVERY = 4 * MINUTE;

/**
 * The manual clock as an SDK instance's environment. `random` is 0 (reconnects without delay)
 * unless `distinct`: then it differs on each call, so that two messages made in the same
 * millisecond of the frozen clock get different IDs (the server takes a repeated ID for a retry).
 */
function environment(clock: ManualClock, distinct = false): Partial<ClientEnvironment> {
  let n = 0;
  const random = distinct ? () => (n = (n + 1) % 1_000_000) / 1_000_000 : () => 0;
  return { now: () => clock.now(), setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (h) => clock.clearTimeout(h as TimerHandle), random };
}

const textsOf = (inbox: Message[]): string[] => inbox.filter((m) => m.type === TIM.TYPES.MSG_TEXT).map((m) => (m.payload as { text: string }).text);
const tipsOf = (inbox: Message[], operationType: number): Message[] =>
  inbox.filter((m) => m.type === TIM.TYPES.MSG_GRP_TIP && (m.payload as { operationType?: number }).operationType === operationType);

interface LongSession {
  clock: ManualClock;
  t: TestStadium;
  proxy: TcpProxy;
  host: Client;
  viewer: Client;
  viewerTrace: FrameTrace;
  groupID: string;
  viewerInbox: Message[];
  hostInbox: Message[];
  /** Events of the viewer that end or disturb a session. */
  viewerEvents: Array<{ name: string; data: unknown; at: number }>;
  sent: string[];
  send(text: string): Promise<void>;
  /** Move the clock `ms` in steps, sending every {@link SEND_EVERY} and waiting for traffic and messages to arrive. */
  run(ms: number, until?: () => boolean): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A server, a proxy, a host and a viewer (through the proxy, userSig valid 1 h) in one room, all on one manual clock. */
async function longSession(viewerOptions: { refreshUserSig?: RefreshUserSig } = {}): Promise<LongSession> {
  const clock = new ManualClock(START);
  // A resume window longer than the longest time a viewer is away here (20 min): what it missed is resent.
  const t = await startTestStadium({ batchWindowMs: 0, resumeWindowMs: 60 * 60_000 }, { clock });
  const proxy = await startTcpProxy(t.url, { idleTimeoutMs: IDLE_TIMEOUT_MS, clock });
  const hostTrace = new FrameTrace();
  const viewerTrace = new FrameTrace();
  const host = new Client({ SDKAppID: t.app.sdkAppId, server: t.url, WebSocket: hostTrace.WebSocket, logLevel: 4 }, {}, environment(clock, true));
  const viewer = new Client({ SDKAppID: t.app.sdkAppId, server: proxy.url, WebSocket: viewerTrace.WebSocket, logLevel: 4, ...viewerOptions }, {}, environment(clock));
  await host.login({ userID: 'host', userSig: t.sig('host', 24 * 3600) });
  const { groupID } = (await host.createGroup({ name: 'long', type: 'AVChatRoom' })).data.group;
  await host.joinGroup({ groupID });
  const hostInbox = collectMessages(host);
  await viewer.login({ userID: 'viewer', userSig: t.sig('viewer', 3600) });
  await viewer.joinGroup({ groupID });
  const viewerInbox = collectMessages(viewer);
  const viewerEvents: LongSession['viewerEvents'] = [];
  for (const name of [TIM.EVENT.KICKED_OUT, TIM.EVENT.ERROR, TIM.EVENT.SDK_NOT_READY, TIM.EVENT.NET_STATE_CHANGE]) {
    viewer.on(name, (e: { data: unknown }) => viewerEvents.push({ name, data: e.data, at: clock.now() }));
  }
  const sent: string[] = [];
  let nextSendAt = clock.now();
  const viewerConnected = (): boolean => {
    const last = viewerEvents.filter((e) => e.name === TIM.EVENT.NET_STATE_CHANGE).at(-1);
    return last === undefined || (last.data as { state: string }).state === TIM.TYPES.NET_STATE_CONNECTED;
  };
  const quiet = async (): Promise<void> => {
    await Promise.all([hostTrace.quiet(), viewerTrace.quiet()]);
  };
  const session: LongSession = {
    clock,
    t,
    proxy,
    host,
    viewer,
    viewerTrace,
    groupID,
    viewerInbox,
    hostInbox,
    viewerEvents,
    sent,
    async send(text) {
      await host.sendMessage(host.createTextMessage({ to: groupID, conversationType: 'GROUP', payload: { text } }));
      sent.push(text);
    },
    async run(ms, until = () => false) {
      const end = clock.now() + ms;
      while (clock.now() < end && !until()) {
        if (clock.now() >= nextSendAt) {
          await session.send(`at ${(clock.now() - START) / 1000} s`);
          nextSendAt += SEND_EVERY;
        }
        clock.advance(STEP);
        await quiet();
        // Messages leave the room's batch on the clock: wait for those sent so far while the viewer is in the room.
        while (viewerConnected() && viewerEvents.every((e) => e.name !== TIM.EVENT.KICKED_OUT) && textsOf(viewerInbox).length < sent.length) {
          await nextEvent(viewer, TIM.EVENT.MESSAGE_RECEIVED);
        }
      }
    },
    async [Symbol.asyncDispose]() {
      await viewer.destroy();
      await host.destroy();
      await proxy[Symbol.asyncDispose]();
      await t[Symbol.asyncDispose]();
    },
  };
  return session;
}

// The manual clock drives an in-process server only: a multi-process node runs on real time.
describe.skipIf(TEST_WORKERS > 1)('long session', () => {
  it('stays in the room for 3 hours through a 60 s idle-timeout proxy, refreshing its hourly userSig on the live connection', async () => {
    const refreshedAt: number[] = [];
    const ref: { session?: LongSession } = {};
    const refreshUserSig: RefreshUserSig = async (userID) => {
      const s = ref.session!;
      refreshedAt.push(s.clock.now() - START);
      // A message arrives while the viewer logs in again.
      await s.send(`during refresh ${refreshedAt.length}`);
      return s.t.sig(userID, 3600);
    };
    await using session = await longSession({ refreshUserSig });
    ref.session = session;
    const { clock, proxy, host, viewer, viewerTrace, groupID, viewerInbox, hostInbox, viewerEvents, sent } = session;

    await session.run(3 * HOUR);

    // Refreshed at 55 min into each userSig's hour (the later of 90 % of the lifetime and 5 min before the end), never more.
    expect(refreshedAt).toEqual([55 * MINUTE, 110 * MINUTE, 165 * MINUTE]);
    // Over the same connection: one TCP connection through the proxy, never idle-closed; the
    // first login and one more per refresh, one join.
    expect(proxy.opened).toBe(1);
    expect(proxy.idleClosed).toBe(0);
    expect(viewerTrace.opened).toBe(1);
    expect(viewerTrace.commands.filter((c) => c === 'login')).toHaveLength(4);
    expect(viewerTrace.commands.filter((c) => c === 'group.join')).toHaveLength(1);
    expect(viewerEvents).toEqual([]);
    // Every message once, in order.
    expect(sent).toHaveLength(3 * 15 + 3);
    expect(textsOf(viewerInbox)).toEqual(sent);
    const ids = viewerInbox.map((m) => m.ID);
    expect(new Set(ids).size).toBe(ids.length);
    const seqs = viewerInbox.map((m) => m.sequence);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Never left the room: no quit tip, no second join tip, still a member.
    expect(tipsOf(hostInbox, TIM.TYPES.GRP_TIP_MBR_QUIT)).toEqual([]);
    expect(tipsOf(hostInbox, TIM.TYPES.GRP_TIP_MBR_JOIN).map((m) => (m.payload as { userIDList?: string[] }).userIDList)).toEqual([['viewer']]);
    const members = (await host.getGroupMemberList({ groupID })).data.memberList.map((m) => m.userID).sort();
    expect(members).toEqual(['host', 'viewer']);
    expect((await viewer.getMyProfile()).data.userID).toBe('viewer');
    expect(clock.now() - START).toBe(3 * HOUR);
  }, 180_000);

  it('logs in with the refreshed userSig after a reconnect past the first one’s expiry, and keeps its refresh plan', async () => {
    const refreshedAt: number[] = [];
    const ref: { session?: LongSession } = {};
    await using session = await longSession({
      refreshUserSig: (userID) => {
        refreshedAt.push(ref.session!.clock.now() - START);
        return ref.session!.t.sig(userID, 3600);
      },
    });
    ref.session = session;
    const { proxy, viewer, viewerTrace, viewerInbox, viewerEvents, sent } = session;
    await session.run(70 * MINUTE);
    expect(refreshedAt).toEqual([55 * MINUTE]);
    // The network drops 10 minutes after the first userSig expired.
    const down = nextEvent(viewer, TIM.EVENT.NET_STATE_CHANGE, (d: { state: string }) => d.state === TIM.TYPES.NET_STATE_DISCONNECTED);
    proxy.cut();
    await down;
    let back = false;
    void nextEvent(viewer, TIM.EVENT.NET_STATE_CHANGE, (d: { state: string }) => d.state === TIM.TYPES.NET_STATE_CONNECTED).then(() => (back = true));
    await session.run(HOUR, () => back);
    await session.run(2 * HOUR - (session.clock.now() - START));

    expect(refreshedAt).toEqual([55 * MINUTE, 110 * MINUTE]);
    expect(proxy.opened).toBe(2);
    expect(viewerTrace.commands).toEqual(['login', 'group.join', 'login', 'login', 'group.join', 'login']);
    expect(viewerEvents.map((e) => e.name)).toEqual([TIM.EVENT.NET_STATE_CHANGE, TIM.EVENT.NET_STATE_CHANGE, TIM.EVENT.NET_STATE_CHANGE]);
    expect(textsOf(viewerInbox)).toEqual(sent);
  }, 120_000);

  it('after a disconnection past the userSig’s expiry (refreshes failing meanwhile), logs in with a fresh userSig and stays in the room', async () => {
    const refreshedAt: number[] = [];
    const ref: { session?: LongSession } = {};
    await using session = await longSession({
      refreshUserSig: (userID) => {
        refreshedAt.push(ref.session!.clock.now() - START);
        return ref.session!.t.sig(userID, 3600);
      },
    });
    ref.session = session;
    const { proxy, viewer, viewerTrace, viewerInbox, viewerEvents, sent, host, groupID } = session;
    await session.run(50 * MINUTE);
    // The laptop sleeps: no connection gets through from 50 to 70 min.
    proxy.refuse = true;
    const down = nextEvent(viewer, TIM.EVENT.NET_STATE_CHANGE, (d: { state: string }) => d.state === TIM.TYPES.NET_STATE_DISCONNECTED);
    proxy.cut();
    await down;
    await session.run(20 * MINUTE);
    // At 55 min, and 4 retries: each renewal waits in the queue for requestTimeoutMs (15 s), then 5, 10, 20, 40 s.
    expect(refreshedAt).toEqual([55 * MINUTE, 55 * MINUTE + 20_000, 55 * MINUTE + 45_000, 56 * MINUTE + 20_000, 57 * MINUTE + 15_000]);
    const before = refreshedAt.length;
    proxy.refuse = false;
    let back = false;
    void nextEvent(viewer, TIM.EVENT.NET_STATE_CHANGE, (d: { state: string }) => d.state === TIM.TYPES.NET_STATE_CONNECTED).then(() => (back = true));
    await session.run(HOUR, () => back);
    const backAt = session.clock.now() - START;
    await session.run(56 * MINUTE);

    // The queued renewals timed out while down; once back, the expired userSig is refused and one fresh one logs in.
    expect(refreshedAt.slice(before)).toEqual([backAt, backAt + 55 * MINUTE]);
    expect(viewerTrace.commands.slice(-4)).toEqual(['login', 'login', 'group.join', 'login']);
    expect(viewerEvents.filter((e) => e.name !== TIM.EVENT.NET_STATE_CHANGE)).toEqual([]);
    expect(textsOf(viewerInbox)).toEqual(sent);
    const members = (await host.getGroupMemberList({ groupID })).data.memberList.map((m) => m.userID).sort();
    expect(members).toEqual(['host', 'viewer']);
  }, 120_000);

  it('without refreshUserSig the viewer is kicked at the first sweep after its userSig expires', async () => {
    await using session = await longSession();
    const { viewer, viewerEvents, proxy, clock } = session;
    await session.run(HOUR);
    // The userSig expires at START + 1 h; the sweep at that very moment lets it be.
    expect(viewerEvents).toEqual([]);
    const kicked = nextEvent(viewer, TIM.EVENT.KICKED_OUT);
    clock.advance(STEP);
    await kicked;
    expect(viewerEvents.filter((e) => e.name !== TIM.EVENT.NET_STATE_CHANGE)).toEqual([
      { name: TIM.EVENT.KICKED_OUT, data: { type: 'userSigExpired' }, at: START + HOUR + STEP },
      { name: TIM.EVENT.SDK_NOT_READY, data: undefined, at: START + HOUR + STEP },
    ]);
    // Kept alive until then through the proxy.
    expect(proxy.opened).toBe(1);
    expect(proxy.idleClosed).toBe(0);
  }, 120_000);

  it('retries a refreshUserSig that throws, 5 s, 10 s, 20 s and 40 s later, then surfaces the expiry kick', async () => {
    const calls: number[] = [];
    const ref: { clock?: ManualClock } = {};
    await using session = await longSession({
      refreshUserSig: () => {
        calls.push(ref.clock!.now() - START);
        throw new Error('backend down');
      },
    });
    const { clock } = session;
    ref.clock = clock;
    const { viewer, viewerEvents, viewerTrace } = session;
    await session.run(HOUR);
    expect(calls).toEqual([55 * MINUTE, 55 * MINUTE + 5_000, 55 * MINUTE + 15_000, 55 * MINUTE + 35_000, 56 * MINUTE + 15_000]);
    expect(viewerEvents).toEqual([]);
    const kicked = nextEvent(viewer, TIM.EVENT.KICKED_OUT);
    clock.advance(STEP);
    await kicked;
    expect(viewerEvents.filter((e) => e.name === TIM.EVENT.KICKED_OUT)).toEqual([{ name: TIM.EVENT.KICKED_OUT, data: { type: 'userSigExpired' }, at: START + HOUR + STEP }]);
    expect(viewerTrace.commands.filter((c) => c === 'login')).toHaveLength(1);
  }, 120_000);
});

describe.skipIf(TEST_WORKERS > 1)('login again on a logged-in connection', () => {
  it('answers the new expireAt, keeps rooms and messages without tips, and the sweep uses the new expiry', async () => {
    const clock = new ManualClock(START);
    await using t = await startTestStadium({ batchWindowMs: 0 }, { clock });
    const query = `sdkappid=${t.app.sdkAppId}&v=1`;
    const host = await RawClient.connect(t.url, query);
    const viewer = await RawClient.connect(t.url, query);
    try {
      expect((await host.request('login', { userID: 'host', userSig: t.sig('host', 86_400) })).code).toBe(0);
      const groupID = ((await host.request('group.create', { name: 'r', type: 'AVChatRoom' })) as { data: { group: { groupID: string } } }).data.group.groupID;
      expect((await host.request('group.join', { groupID })).code).toBe(0);
      const first = await viewer.request('login', { userID: 'viewer', userSig: t.sig('viewer', 100) });
      expect(first).toMatchObject({ code: 0, data: { userID: 'viewer', time: START / 1000, expireAt: START + 100_000 } });
      expect((await viewer.request('group.join', { groupID })).code).toBe(0);
      clock.advance(50_000);
      host.frames.length = 0;
      const again = await viewer.request('login', { userID: 'viewer', userSig: t.sig('viewer', 100) });
      expect(again).toMatchObject({ code: 0, data: { userID: 'viewer', time: START / 1000 + 50, expireAt: START + 150_000 } });
      expect((await host.request('msg.send', { groupID, message: { id: 'm1', type: 'TIMTextElem', payload: { text: 'hi' }, priority: 'Normal', random: 7 } })).code).toBe(0);
      clock.advance(20);
      await viewer.next((f) => f.t === 'msgs' && f.m.some((m) => m.type === 'TIMTextElem'));
      // Once (the viewer's own join tip came before it, at its join).
      const texts = viewer.frames.flatMap((f) => (f.t === 'msgs' ? f.m.filter((m) => m.type === 'TIMTextElem').map((m) => (m.payload as { text: string }).text) : []));
      expect(texts).toEqual(['hi']);
      // Past the first userSig's expiry: still logged in (pings keep it alive).
      for (let at = 50_020; at < 150_000; at += 10_000) {
        viewer.sendRaw('{"t":"ping"}');
        host.sendRaw('{"t":"ping"}');
        await Promise.race([viewer.next((f) => f.t === 'pong' && f.time === clock.now()), viewer.closed()]);
        expect(viewer.frames.filter((f) => f.t === 'kick')).toEqual([]);
        clock.advance(10_000);
      }
      expect(viewer.closeCode).toBeNull();
      // The host saw no tip of the viewer's second login: its only messages are its own.
      const hostMessages = host.frames.flatMap((f) => (f.t === 'msgs' ? f.m : []));
      expect(hostMessages.map((m) => m.type)).toEqual(['TIMTextElem']);
      clock.advance(5_000);
      const kick = await viewer.next((f) => f.t === 'kick');
      expect(kick).toMatchObject({ t: 'kick', type: 'userSigExpired' });
      await viewer.closed();
      expect(viewer.closeCode).toBe(4011);
    } finally {
      await viewer.close();
      await host.close();
    }
  });
});

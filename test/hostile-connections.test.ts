/**
 * Hostile connections (issue 7): one outbound budget per connection with backpressure, request
 * budgets, and frame-level refusals. Clients that do not read and flood requests are closed in
 * bounded time and the server's memory stays bounded, while a normal client keeps being served.
 */
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame, StadiumError } from '@stadium/protocol';
import TIM from '@stadium/sdk';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { nextEvent } from './support/events.js';
import { RawClient } from './support/raw-client.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

type Res = ServerFrame & { t: 'res' };

const connect = (t: TestStadium, query = `sdkappid=${t.app.sdkAppId}&v=1`): Promise<RawClient> => RawClient.connect(t.url, query);

async function loggedIn(t: TestStadium, userID: string): Promise<RawClient> {
  const c = await connect(t);
  expect((await c.request('login', { userID, userSig: t.sig(userID) })).code).toBe(0);
  return c;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** Stop reading: the client's socket is paused, so the server's writes pile up. */
function stopReading(c: RawClient): void {
  (c.ws as unknown as { _socket: Socket })._socket.pause();
}

/**
 * Send `frame()` as fast as this process's own socket takes it, until the connection closes or
 * `stop` is set. Bounded on our side (at most 256 KiB buffered here), so what grows, if
 * anything, is the server.
 */
async function flood(c: RawClient, frame: (i: number) => string, stop: { done: boolean }): Promise<number> {
  let sent = 0;
  while (!stop.done && c.ws.readyState === WebSocket.OPEN) {
    // At most 1,000 frames per turn, so the server (in this process) gets its turns too.
    for (let i = 0; i < 1000 && c.ws.bufferedAmount < 262_144 && c.ws.readyState === WebSocket.OPEN; i++) c.ws.send(frame(sent++));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

const rss = (): number => process.memoryUsage().rss;
/** A full garbage collection, so heap sizes compare what is still referenced. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

describe('one outbound budget per connection', () => {
  // Memory is measured in this process, so the server must run here.
  it.runIf(TEST_WORKERS === 1)(
    'closes a non-reading guest and a non-reading user who flood requests, keeps RSS bounded, and serves a third client',
    async () => {
      const budget = 1_048_576;
      await using t = await startTestStadium({
        maxPendingBytes: budget,
        slowConsumerTimeoutMs: 1000,
        // Only the outbound budget is under test: request budgets out of the way.
        requestsPerSec: 10_000_000,
        requestBurst: 10_000_000,
        maxRequestsInFlight: 1_000_000,
        maxRefusedRequestsPerMinute: 1_000_000,
        maxFramesPerSec: 1_000_000_000,
        frameBurst: 1_000_000_000,
      });
      const host = await loggedIn(t, 'host');
      // The amplifier: the largest profile, so one profile.get of 100 × it answers ~800 KB.
      const custom = Array.from({ length: 10 }, (_, i) => ({ key: `Tag_Profile_Custom_K${i}`, value: 'v'.repeat(500) }));
      expect((await host.request('profile.update', { nick: 'n'.repeat(500), selfSignature: 's'.repeat(500), profileCustomField: custom })).code).toBe(0);
      const created = (await host.request('group.create', {
        name: 'live',
        type: 'AVChatRoom',
        introduction: 'i'.repeat(240),
        notification: 'n'.repeat(300),
        settings: { memberTips: false },
      })) as Res & { data: { group: { groupID: string } } };
      const groupID = created.data.group.groupID;
      expect((await host.request('group.join', { groupID })).code).toBe(0);
      const normal = await loggedIn(t, 'normal');
      expect((await normal.request('group.join', { groupID })).code).toBe(0);
      const guest = await connect(t);
      expect((await guest.request('group.join', { groupID })).code).toBe(0);
      const attacker = await loggedIn(t, 'attacker');
      expect((await attacker.request('group.join', { groupID })).code).toBe(0);

      collectGarbage();
      const heapBefore = process.memoryUsage().heapUsed;
      const before = rss();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
      stopReading(guest);
      stopReading(attacker);
      const stop = { done: false };
      const ids = Array.from({ length: 100 }, () => 'host');
      const started = Date.now();
      const floods = [
        flood(guest, (i) => (i % 2 ? `{"t":"req","id":${i},"cmd":"group.get","body":{"groupID":${JSON.stringify(groupID)}}}` : '{"t":"ping"}'), stop),
        flood(attacker, (i) => JSON.stringify({ t: 'req', id: i, cmd: 'profile.get', body: { userIDList: ids } }), stop),
      ];

      // Meanwhile the room goes on and the normal client is answered.
      let n = 0;
      while ((await metric(t.url, 'stadium_slow_consumer_closes_total')) < 2) {
        expect(Date.now() - started, 'both flooders closed within 20 s').toBeLessThan(20_000);
        const id = `m${n++}`;
        expect((await host.request('msg.send', { groupID, message: { id, type: 'TIMTextElem', payload: { text: 'x'.repeat(500) }, priority: 'Normal', random: n } })).code).toBe(0);
        await normal.next((f) => f.t === 'msgs' && f.m.some((m) => m.id === id));
        expect(await normal.request('group.online', { groupID })).toMatchObject({ code: 0 });
      }
      // Counted at the server: the flooders cannot read the 4008 close frame (queued behind what
      // they did not read), so they see the terminated socket a second later as 1006.
      const closedAfterMs = Date.now() - started;
      stop.done = true;
      const sent = await Promise.all(floods);
      clearInterval(sampler);
      await expect.poll(() => metric(t.url, 'stadium_connections'), { timeout: 5000 }).toBe(2);
      const grown = peak - before;
      // budget × 2 connections, plus a generous baseline for the heap and the test's own work.
      const bound = 2 * budget + 150 * 1048576;
      expect(grown, `RSS grew ${mb(grown)} (peak ${mb(peak)}) while ${sent.join(' + ')} frames were sent; bound ${mb(bound)}; closed after ${closedAfterMs} ms`).toBeLessThan(
        bound,
      );
      // What the flooders made the server hold is given back once they are gone.
      collectGarbage();
      const heapLeft = process.memoryUsage().heapUsed - heapBefore;
      expect(heapLeft, `heap ${mb(heapLeft)} above its size before the flood, after both flooders left`).toBeLessThan(16 * 1048576);
      // Still served after they left.
      expect(await normal.request('group.get', { groupID })).toMatchObject({ code: 0 });
      await Promise.all([host.close(), normal.close()]);
    },
    60_000,
  );
});

describe('request budget', () => {
  // The bucket runs on the server's clock: a manual one makes the counts exact (in-process only).
  it.runIf(TEST_WORKERS === 1)('admits requestBurst tokens, refuses the next with 2996, and refills with time', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ requestsPerSec: 2, requestBurst: 20, heartbeatMs: 10_000_000 }, { clock });
    const c = await connect(t);
    const other = await connect(t);
    // 20 tokens: 20 pings, or 10 group.join (cost 2) …
    for (let i = 0; i < 20; i++) c.sendRaw('{"t":"ping"}');
    const answers = await c.next((f) => f.t === 'pong' && c.frames.filter((g) => g.t === 'pong').length === 20);
    expect(answers.t).toBe('pong');
    const refused = await c.request('group.online', { groupID: 'nope' });
    expect(refused).toMatchObject({ code: 2996, name: 'REQUESTS_RATE_LIMITED' });
    expect((refused as Res & { message: string }).message).toMatch(/^0\.0 of 20 tokens left, 2 added per second: /);
    // A refused ping gets an err frame.
    c.sendRaw('{"t":"ping"}');
    expect(await c.next((f) => f.t === 'err')).toMatchObject({ code: 2996, name: 'REQUESTS_RATE_LIMITED' });
    // Half a second is one token: one cheap request, not two; a join (cost 2) needs a whole second.
    clock.advance(500);
    expect(await c.request('group.online', { groupID: 'nope' })).toMatchObject({ name: 'GROUP_NOT_FOUND' });
    expect(await c.request('group.online', { groupID: 'nope' })).toMatchObject({ name: 'REQUESTS_RATE_LIMITED' });
    clock.advance(500);
    expect(await c.request('group.join', { groupID: 'nope' })).toMatchObject({ name: 'REQUESTS_RATE_LIMITED' });
    clock.advance(500);
    expect(await c.request('group.join', { groupID: 'nope' })).toMatchObject({ name: 'GROUP_NOT_FOUND' });
    // Another connection has its own budget.
    expect(await other.request('group.online', { groupID: 'nope' })).toMatchObject({ name: 'GROUP_NOT_FOUND' });
    expect(await metric(t.url, 'stadium_request_errors_total{name="REQUESTS_RATE_LIMITED"}')).toBe(4);
    await Promise.all([c.close(), other.close()]);
  });

  it.runIf(TEST_WORKERS === 1)('caps requests in flight with 60018, and frees a slot with each answer', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ maxRequestsInFlight: 3, batchWindowMs: 1000, heartbeatMs: 10_000_000 }, { clock });
    const host = await loggedIn(t, 'host');
    const created = (await host.request('group.create', { name: 'live', type: 'AVChatRoom' })) as Res & { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    expect((await host.request('group.join', { groupID })).code).toBe(0);
    // Normal messages wait for the batch window, which only the manual clock ends: 3 stay in flight.
    const send = (id: string): Promise<Res> => host.request('msg.send', { groupID, message: { id, type: 'TIMTextElem', payload: { text: id }, priority: 'Normal', random: 1 } });
    const pending = [send('a'), send('b'), send('c')];
    expect(await send('d')).toMatchObject({ code: 60018, name: 'TOO_MANY_REQUESTS_IN_FLIGHT' });
    clock.advance(1000);
    for (const r of await Promise.all(pending)) expect(r.code).toBe(0);
    expect(await host.request('group.online', { groupID })).toMatchObject({ code: 0 });
    await host.close();
  });

  it.runIf(TEST_WORKERS === 1)('closes a connection that keeps flooding with 4029 after an err frame, and nobody else', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ requestsPerSec: 1, requestBurst: 20, maxRefusedRequestsPerMinute: 5, heartbeatMs: 10_000_000 }, { clock });
    const flooder = await connect(t);
    const bystander = await connect(t);
    for (let i = 0; i < 20; i++) flooder.sendRaw('{"t":"ping"}');
    // Refusals 1–5 are answered; the 6th closes the connection.
    for (let i = 1; i <= 6; i++) flooder.sendRaw(JSON.stringify({ t: 'req', id: i, cmd: 'group.online', body: { groupID: 'g' } }));
    await flooder.closed();
    expect(flooder.closeCode).toBe(4029);
    const refused = flooder.frames.filter((f) => f.t === 'res');
    expect(refused.map((f) => (f as Res & { name: string }).name)).toEqual(Array.from({ length: 5 }, () => 'REQUESTS_RATE_LIMITED'));
    expect(flooder.frames.at(-1)).toMatchObject({ t: 'err', code: 19020, name: 'REQUEST_FLOOD' });
    expect(await metric(t.url, 'stadium_request_flood_closes_total')).toBe(1);
    expect(await bystander.request('group.online', { groupID: 'g' })).toMatchObject({ name: 'GROUP_NOT_FOUND' });
    await bystander.close();
  });

  it('with the defaults, closes a guest that floods pings without reading in bounded time', async () => {
    await using t = await startTestStadium();
    const guest = await connect(t);
    const bystander = await connect(t);
    stopReading(guest);
    const stop = { done: false };
    const started = Date.now();
    const flooding = flood(guest, () => '{"t":"ping"}', stop);
    await expect
      .poll(async () => (await metric(t.url, 'stadium_request_flood_closes_total')) + (await metric(t.url, 'stadium_slow_consumer_closes_total')), { timeout: 10_000 })
      .toBe(1);
    stop.done = true;
    await flooding;
    expect(Date.now() - started).toBeLessThan(10_000);
    const pong = bystander.next((f) => f.t === 'pong');
    bystander.sendRaw('{"t":"ping"}');
    expect(await pong).toMatchObject({ t: 'pong' });
    await bystander.close();
  });

  it('lets the SDK-sized traffic of a reconnect through with the defaults: login and 100 rejoins at once', async () => {
    await using t = await startTestStadium({ maxRoomsPerConnection: 100 });
    // Five owners of 20 rooms each (group.create costs 10: 200 tokens of each one's burst).
    const rooms: string[] = [];
    const owners = await Promise.all([0, 1, 2, 3, 4].map((i) => loggedIn(t, `host${i}`)));
    for (const [o, owner] of owners.entries()) {
      for (let i = 0; i < 20; i++) {
        const groupID = `room-${o}-${i}`;
        expect((await owner.request('group.create', { name: 'r', type: 'AVChatRoom', groupID })).code).toBe(0);
        rooms.push(groupID);
      }
    }
    const viewer = await connect(t);
    const login = viewer.request('login', { userID: 'viewer', userSig: t.sig('viewer') });
    const joins = rooms.map((groupID) => viewer.request('group.join', { groupID, sinceSeq: 0 }));
    expect((await login).code).toBe(0);
    for (const r of await Promise.all(joins)) expect(r.code).toBe(0);
    await Promise.all([...owners.map((o) => o.close()), viewer.close()]);
  });
});

describe('frame level', () => {
  it('answers invalid UTF-8 with an err frame and counts it as a bad frame', async () => {
    await using t = await startTestStadium({ maxBadFramesPerMinute: 3 });
    const c = await connect(t);
    // A text frame whose bytes are not UTF-8 (0xff never occurs in UTF-8; 0xc3 0x28 is a broken pair).
    const bad = Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0xff, 0xc3, 0x28, 0x7d]);
    c.ws.send(bad, { binary: false });
    expect(await c.next((f) => f.t === 'err')).toMatchObject({ t: 'err', code: 60003, name: 'INVALID_UTF8' });
    // Each kind counts: invalid UTF-8, binary, not JSON, wrong shape … the 4th closes with 4002 after an err.
    c.ws.send(Buffer.from('{"t":"ping"}'), { binary: true });
    c.sendRaw('not json');
    c.ws.send(bad, { binary: false });
    await c.closed();
    expect(c.closeCode).toBe(4002);
    const errs = c.frames.filter((f) => f.t === 'err').map((f) => (f as { name: string }).name);
    expect(errs).toEqual(['INVALID_UTF8', 'BAD_FRAME', 'BAD_FRAME', 'TOO_MANY_BAD_FRAMES']);
    expect(await metric(t.url, 'stadium_bad_frames_total')).toBe(4);
  });

  it('sends an err frame before the WebSocket layer closes a frame that is too large (1009)', async () => {
    await using t = await startTestStadium({ maxFrameBytes: 32_768 });
    const c = await connect(t);
    c.sendRaw('x'.repeat(40_000));
    await c.closed();
    expect(c.closeCode).toBe(1009);
    expect(c.frames.at(-1)).toMatchObject({ t: 'err', code: 60008, name: 'FRAME_TOO_LARGE' });
  });

  it('sends an err frame before the WebSocket layer closes on invalid framing (1002)', async () => {
    await using t = await startTestStadium();
    const c = await connect(t);
    // A client frame without a mask: text "hi", written under ws's framing.
    (c.ws as unknown as { _socket: Socket })._socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
    await c.closed();
    expect(c.closeCode).toBe(1002);
    expect(c.frames.at(-1)).toMatchObject({ t: 'err', code: 60003, name: 'WEBSOCKET_PROTOCOL_ERROR' });
    expect((c.frames.at(-1) as { message: string }).message).toMatch(/^WS_ERR_EXPECTED_MASK: /);
  });

  it('refuses a loosely written sdkappid on upgrade with a clear err and 4004', async () => {
    await using t = await startTestStadium();
    // Number() would read most of these as a number (16, 1000, 1, 1, 1, 1, 0, …).
    for (const text of ['0x10', '1e3', ' 1', '01', '+1', '1.0', '4294967296', '', '١']) {
      const c = await connect(t, `sdkappid=${encodeURIComponent(text)}&v=1`);
      await c.closed();
      expect(c.closeCode, text).toBe(4004);
      expect(c.frames[0], text).toMatchObject({ t: 'err', code: 70020, name: 'UNKNOWN_APP' });
      expect((c.frames[0] as { message: string }).message, text).toMatch(/is not an SDKAppID \(decimal digits/);
    }
  });

  it('accepts the decimal SDKAppID and says so when the parameter is missing', async () => {
    await using t = await startTestStadium();
    const ok = await connect(t);
    expect(ok.frames[0]).toMatchObject({ t: 'hello' });
    const missing = await connect(t, 'v=1');
    await missing.closed();
    expect((missing.frames[0] as { message: string }).message).toMatch(/^the sdkappid query parameter is missing/);
    await ok.close();
  });
});

describe('the SDK', () => {
  it('rejects the refused call with 2996 REQUESTS_RATE_LIMITED, reports a 4029 close as ERROR and comes back', async () => {
    await using t = await startTestStadium({ requestsPerSec: 1, requestBurst: 20, maxRefusedRequestsPerMinute: 3 });
    const host = await loggedIn(t, 'host');
    const created = (await host.request('group.create', { name: 'live', type: 'AVChatRoom' })) as Res & { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    const tim = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url, reconnectBaseMs: 20, reconnectMaxMs: 200 });
    tim.setLogLevel(4);
    await tim.login({ userID: 'viewer', userSig: t.sig('viewer') });
    await tim.joinGroup({ groupID });
    const flood = nextEvent<{ code: number }>(tim, TIM.EVENT.ERROR, (e) => e.code === 19020);
    const back = nextEvent<{ state: string }>(tim, TIM.EVENT.NET_STATE_CHANGE, (d) => d.state === TIM.TYPES.NET_STATE_CONNECTED);
    // 13 tokens are left after login (5) and join (2): 30 calls at once are too many.
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => tim.getGroupOnlineMemberCount(groupID)));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as StadiumError] : []));
    // The rest were answered, or were still in flight when the connection closed (2800).
    expect(errors.filter((e) => e.code !== 2996 && e.code !== 2800)).toEqual([]);
    const limited = errors.filter((e) => e.code === 2996);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(limited[0]).toMatchObject({ reason: 'REQUESTS_RATE_LIMITED' });
    // The 4th refusal closed the connection: the SDK says why, reconnects, logs in, rejoins.
    expect(await flood).toMatchObject({ code: 19020 });
    await back;
    await expect.poll(async () => (await tim.getGroupOnlineMemberCount(groupID).catch((e: StadiumError) => e)).code, { timeout: 5000 }).toBe(0);
    await tim.destroy();
    await host.close();
  });
});

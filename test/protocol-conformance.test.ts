/**
 * Black-box conformance of a running server against docs/protocol.md, over raw frames:
 * every bad input gets a clear error, and nobody else is disturbed by it.
 */
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { createHmac } from 'node:crypto';
import type { ServerFrame, WireMessage } from '@stadium/protocol';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { RawClient } from './support/raw-client.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

type Res = ServerFrame & { t: 'res' };

async function connect(t: TestStadium, query = ''): Promise<RawClient> {
  return RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1${query}`);
}

async function loggedIn(t: TestStadium, userID: string): Promise<RawClient> {
  const c = await connect(t);
  const res = await c.request('login', { userID, userSig: t.sig(userID) });
  expect(res.code).toBe(0);
  return c;
}

async function roomWith(t: TestStadium, owner: RawClient, settings?: Record<string, unknown>): Promise<string> {
  const res = (await owner.request('group.create', { name: 'live', type: 'AVChatRoom', settings })) as Res & { data: { group: { groupID: string } } };
  expect(res.code).toBe(0);
  const groupID = res.data.group.groupID;
  expect((await owner.request('group.join', { groupID })).code).toBe(0);
  return groupID;
}

const text = (id: string, body: string, priority = 'Normal') => ({ id, type: 'TIMTextElem', payload: { text: body }, priority, random: 7 });

function messagesOf(c: RawClient, groupID: string): WireMessage[] {
  return c.frames.flatMap((f) => (f.t === 'msgs' && f.g === groupID ? f.m : []));
}

describe('connection handshake', () => {
  it('greets with hello carrying the version and heartbeat', async () => {
    await using t = await startTestStadium();
    const c = await connect(t);
    expect(c.frames[0]).toMatchObject({ t: 'hello', v: 1, heartbeatMs: 25_000, maxMessageBytes: 12_000 });
    await c.close();
  });

  it('refuses an unknown SDKAppID with 70020 and close 4004', async () => {
    await using t = await startTestStadium();
    const c = await RawClient.connect(t.url, 'sdkappid=42&v=1');
    await c.closed();
    expect(c.frames[0]).toMatchObject({ t: 'err', code: 70020, name: 'UNKNOWN_APP' });
    expect(c.closeCode).toBe(4004);
  });

  it('refuses an unsupported protocol version with close 4001', async () => {
    await using t = await startTestStadium();
    const c = await connect(t, '&v=99'.replace('&v=1', ''));
    const bad = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=99`);
    await bad.closed();
    expect(bad.closeCode).toBe(4001);
    expect(bad.frames[0]).toMatchObject({ t: 'err', name: 'UNSUPPORTED_VERSION' });
    await c.close();
  });

  it('answers ping with pong, and closes a silent connection with 4010', async () => {
    await using t = await startTestStadium({ heartbeatMs: 200 });
    const c = await connect(t);
    c.sendRaw('{"t":"ping"}');
    expect(await c.next((f) => f.t === 'pong')).toMatchObject({ t: 'pong' });
    await c.closed();
    expect(c.closeCode).toBe(4010);
  });
});

describe('bad frames', () => {
  it('answers malformed and unknown frames with errors and keeps serving everyone', async () => {
    await using t = await startTestStadium();
    const owner = await loggedIn(t, 'owner');
    const groupID = await roomWith(t, owner);
    const viewer = await connect(t);
    expect((await viewer.request('group.join', { groupID })).code).toBe(0);
    const bad = await loggedIn(t, 'mallory');
    expect((await bad.request('group.join', { groupID })).code).toBe(0);

    bad.sendRaw('this is not json');
    expect(await bad.next((f) => f.t === 'err')).toMatchObject({ code: 60003, name: 'BAD_FRAME' });
    bad.sendRaw(Buffer.from([1, 2, 3]));
    bad.sendRaw('{"t":"req","cmd":"login"}');
    expect(bad.frames.filter((f) => f.t === 'err').length).toBeGreaterThanOrEqual(1);
    expect(await bad.request('no.such.command')).toMatchObject({ code: 10003, name: 'UNKNOWN_COMMAND' });
    bad.sendRaw('{"t":"req","id":99,"cmd":"msg.send","body":[1]}');
    expect(await bad.next((f) => f.t === 'res' && f.id === 99)).toMatchObject({ code: 10004, name: 'INVALID_PARAMETER' });

    const big = 'x'.repeat(12_001);
    expect(await bad.request('msg.send', { groupID, message: text('big', big) })).toMatchObject({ code: 80002, name: 'MESSAGE_TOO_LONG' });
    expect(await bad.request('msg.send', { groupID, message: text('e', '') })).toMatchObject({ code: 10004, name: 'EMPTY_MESSAGE' });
    expect(await bad.request('msg.send', { groupID, message: { ...text('u', 'x'), type: 'TIMImageElem' } })).toMatchObject({ name: 'UNSUPPORTED_MESSAGE_TYPE' });
    expect(await bad.request('msg.send', { groupID, message: text('p', 'x', 'Urgent') })).toMatchObject({ code: 10004, name: 'INVALID_PRIORITY' });
    expect(await bad.request('msg.send', { groupID: 'nope', message: text('n', 'x') })).toMatchObject({ code: 10007, name: 'NOT_GROUP_MEMBER' });
    expect(await bad.request('msg.revoke', { groupID, id: 'x' })).toMatchObject({ code: 10035, name: 'REVOKE_NOT_SUPPORTED' });

    // Nothing above reached the room; the room still works for everyone.
    expect(messagesOf(viewer, groupID).filter((m) => m.type !== 'TIMGroupTipElem')).toHaveLength(0);
    expect((await owner.request('msg.send', { groupID, message: text('ok', 'still here') })).code).toBe(0);
    const got = await viewer.next((f) => f.t === 'msgs' && f.m.some((m) => m.id === 'ok'));
    expect(got.t).toBe('msgs');
    await Promise.all([owner.close(), viewer.close(), bad.close()]);
  });

  it('closes a client that keeps sending garbage (4002) and one that sends an oversized frame (1009)', async () => {
    await using t = await startTestStadium({ maxBadFramesPerMinute: 5, maxFrameBytes: 32_768 });
    const bystander = await loggedIn(t, 'bob');
    const noisy = await connect(t);
    for (let i = 0; i < 10; i++) noisy.sendRaw('garbage');
    await noisy.closed();
    expect(noisy.closeCode).toBe(4002);
    const huge = await connect(t);
    huge.sendRaw(JSON.stringify({ t: 'req', id: 1, cmd: 'login', body: { userID: 'x', userSig: 'y'.repeat(40_000) } }));
    await huge.closed();
    expect(huge.closeCode).toBe(1009);
    const pong = bystander.next((f) => f.t === 'pong');
    bystander.sendRaw('{"t":"ping"}');
    expect(await pong).toMatchObject({ t: 'pong' });
    await bystander.close();
  });
});

describe('userSig', () => {
  it('refuses bad userSigs with distinct codes and counts them', async () => {
    await using t = await startTestStadium();
    const c = await connect(t);
    const now = Math.floor(Date.now() / 1000);
    const forge = (fields: Record<string, unknown>, key = t.app.secretKey): string => {
      const doc = { 'TLS.ver': '2.0', 'TLS.identifier': 'alice', 'TLS.sdkappid': t.app.sdkAppId, 'TLS.time': now, 'TLS.expire': 3600, ...fields };
      const content = `TLS.identifier:${doc['TLS.identifier']}\nTLS.sdkappid:${doc['TLS.sdkappid']}\nTLS.time:${doc['TLS.time']}\nTLS.expire:${doc['TLS.expire']}\n`;
      const sig = createHmac('sha256', key).update(content).digest('base64');
      return deflateSync(JSON.stringify({ ...doc, 'TLS.sig': sig }))
        .toString('base64')
        .replace(/\+/g, '*')
        .replace(/\//g, '-')
        .replace(/=/g, '_');
    };
    const attempt = async (userSig: string) => c.request('login', { userID: 'alice', userSig });
    expect(await attempt('')).toMatchObject({ code: 70002, name: 'USERSIG_EMPTY' });
    expect(await attempt('not-a-sig')).toMatchObject({ code: 70003, name: 'USERSIG_INVALID' });
    expect(await attempt(forge({ 'TLS.time': now - 7200 }))).toMatchObject({ code: 70001, name: 'USERSIG_EXPIRED' });
    expect(await attempt(forge({}, 'another-key'))).toMatchObject({ code: 70009, name: 'USERSIG_BAD_SIGNATURE' });
    expect(await attempt(forge({ 'TLS.identifier': 'bob' }))).toMatchObject({ code: 70013, name: 'USERSIG_USER_MISMATCH' });
    expect(await attempt(forge({ 'TLS.sdkappid': t.app.sdkAppId + 1 }))).toMatchObject({ code: 70014, name: 'USERSIG_APP_MISMATCH' });
    expect(await attempt(t.sig('bob'))).toMatchObject({ code: 70013 });
    expect(await attempt(forge({}))).toMatchObject({ code: 0 });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/stadium_auth_failures_total\{reason="USERSIG_EXPIRED"\} 1/);
    await c.close();
  });
});

describe('room rules', () => {
  it('guests receive but cannot send; the owner cannot quit; dismissal reaches guests', async () => {
    await using t = await startTestStadium();
    const owner = await loggedIn(t, 'host');
    const groupID = await roomWith(t, owner);
    const guest = await connect(t);
    expect(await guest.request('group.join', { groupID })).toMatchObject({ code: 0, data: { status: 'JoinedSuccess' } });
    expect(await guest.request('group.join', { groupID })).toMatchObject({ code: 0, data: { status: 'AlreadyInGroup' } });
    expect(await guest.request('msg.send', { groupID, message: text('g', 'hi') })).toMatchObject({ code: 2024, name: 'NOT_LOGGED_IN' });
    expect(await owner.request('group.quit', { groupID })).toMatchObject({ code: 10009, name: 'OWNER_CANNOT_QUIT' });
    expect(await owner.request('msg.send', { groupID, message: text('h', 'hello') })).toMatchObject({ code: 0 });
    await guest.next((f) => f.t === 'msgs' && f.m.some((m) => m.id === 'h'));
    expect(await guest.request('group.dismiss', { groupID })).toMatchObject({ code: 2024 });
    expect(await owner.request('group.dismiss', { groupID })).toMatchObject({ code: 0 });
    const notice = await guest.next((f) => f.t === 'msgs' && f.m.some((m) => m.type === 'TIMGroupSystemNoticeElem'));
    expect(notice.t === 'msgs' && notice.m[0]).toMatchObject({ payload: { operationType: 5, operatorID: 'host' } });
    expect(await guest.request('group.join', { groupID })).toMatchObject({ code: 10010, name: 'GROUP_NOT_FOUND' });
    await Promise.all([owner.close(), guest.close()]);
  });

  it('numbers every message of a room without gaps, tips included', async () => {
    await using t = await startTestStadium();
    const owner = await loggedIn(t, 'host');
    const groupID = await roomWith(t, owner);
    const viewer = await loggedIn(t, 'viewer');
    expect((await viewer.request('group.join', { groupID })).code).toBe(0);
    for (let i = 0; i < 10; i++) expect((await owner.request('msg.send', { groupID, message: text(`m${i}`, `n${i}`) })).code).toBe(0);
    await viewer.next((f) => f.t === 'msgs' && f.m.some((m) => m.id === 'm9'));
    const seqs = messagesOf(viewer, groupID).map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    const join = messagesOf(owner, groupID).find((m) => m.type === 'TIMGroupTipElem' && m.from === 'viewer');
    expect(join).toMatchObject({ payload: { operationType: 1, userIDList: ['viewer'] } });
    await Promise.all([owner.close(), viewer.close()]);
  });
});

describe('rate limit and priority', () => {
  /**
   * In-process the server runs on a manual clock, so the bucket never refills while requests
   * arrive and every count is exact. Against a multi-process node (real time) the bound is the
   * burst plus what the measured elapsed time refilled.
   */
  const manual = TEST_WORKERS === 1;

  /** Wait until the server has taken `n` messages in, then end the window. */
  async function endWindow(t: TestStadium, clock: ManualClock, n: number, windowMs: number): Promise<void> {
    const taken = async (): Promise<number> => (await t.server.metrics!.messagesIn.get()).values.reduce((sum, v) => sum + v.value, 0);
    await expect.poll(taken).toBe(n);
    clock.advance(windowMs);
  }

  it('sheds the lowest priorities first, tells each shed sender, and counts every shed', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ batchWindowMs: 100 }, { clock });
    const owner = await loggedIn(t, 'host');
    const groupID = await roomWith(t, owner, { memberTips: false });
    const viewer = await connect(t);
    expect((await viewer.request('group.join', { groupID })).code).toBe(0);
    const priorities = ['Lowest', 'Low', 'Normal', 'High'] as const;
    const offered = Array.from({ length: 120 }, (_, i) => ({ id: `m${i}`, priority: priorities[i % 4]! }));
    const began = Date.now();
    const pending = Promise.all(offered.map((m) => owner.request('msg.send', { groupID, message: text(m.id, m.id, m.priority) })));
    if (manual) await endWindow(t, clock, 120, 100);
    const results = await pending;
    const elapsedSec = (Date.now() - began) / 1000;
    const admitted = offered.filter((_, i) => results[i]!.code === 0);
    const shed = offered.filter((_, i) => results[i]!.code !== 0);
    expect(results.filter((r) => r.code !== 0).every((r) => r.code === 10023 && (r as { name?: string }).name === 'RATE_LIMITED')).toBe(true);
    if (manual) {
      // A full bucket of 40: the 30 High go out as they arrive; the window's 100 ms refill 4,
      // and Normal takes what is left down to High's 10 % reserve (4): 10. Low and Lowest get none.
      expect(admitted.filter((m) => m.priority === 'High')).toHaveLength(30);
      expect(admitted.filter((m) => m.priority === 'Normal')).toHaveLength(10);
      expect(admitted).toHaveLength(40);
    } else {
      expect(admitted.length).toBeLessThanOrEqual(Math.ceil(40 * (1 + elapsedSec)));
      expect(admitted.filter((m) => m.priority === 'High')).toHaveLength(30);
    }
    const rank = { High: 0, Normal: 1, Low: 2, Lowest: 3 } as const;
    const worstAdmitted = Math.max(...admitted.map((m) => rank[m.priority]));
    const bestShed = Math.min(...shed.map((m) => rank[m.priority]));
    expect(worstAdmitted).toBeLessThanOrEqual(bestShed);

    const last = admitted[admitted.length - 1]!;
    await viewer.next((f) => f.t === 'msgs' && f.m.some((m) => m.id === last.id));
    const received = messagesOf(viewer, groupID);
    expect(received.map((m) => m.id).sort()).toEqual(admitted.map((m) => m.id).sort());
    expect(received.map((m) => m.seq)).toEqual(received.map((_, i) => received[0]!.seq + i));

    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const shedCount = [...metrics.matchAll(/stadium_messages_shed_total\{priority="\w+"\} (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
    expect(shedCount).toBe(shed.length);
    await Promise.all([owner.close(), viewer.close()]);
  });

  it('honours a per-room rate set by the owner', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ batchWindowMs: 50 }, { clock });
    const owner = await loggedIn(t, 'host');
    const groupID = await roomWith(t, owner, { memberTips: false });
    expect(await owner.request('group.settings', { groupID, rateLimitPerSec: 5 })).toMatchObject({ code: 0, data: { settings: { rateLimitPerSec: 5 } } });
    const began = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => owner.request('msg.send', { groupID, message: text(`m${i}`, 'x', 'High') })));
    const ok = results.filter((r) => r.code === 0).length;
    if (manual) expect(ok).toBe(5);
    else expect(ok).toBeLessThanOrEqual(Math.ceil(5 * (1 + (Date.now() - began) / 1000)));
    expect(await owner.request('group.settings', { groupID, rateLimitPerSec: 0 })).toMatchObject({ code: 10004 });
    await owner.close();
  });
});

describe('group IDs', () => {
  it('accepts caller-chosen IDs within the compatible rules and refuses the rest', async () => {
    await using t = await startTestStadium();
    const a = await loggedIn(t, 'alice');
    const b = await loggedIn(t, 'bob');
    expect(await a.request('group.create', { name: 'mine', type: 'AVChatRoom', groupID: 'class-101' })).toMatchObject({
      code: 0,
      data: { group: { groupID: 'class-101', ownerID: 'alice' } },
    });
    expect(await a.request('group.create', { name: 'again', type: 'AVChatRoom', groupID: 'class-101' })).toMatchObject({ code: 10025, name: 'GROUP_ID_IN_USE' });
    expect(await b.request('group.create', { name: 'theirs', type: 'AVChatRoom', groupID: 'class-101' })).toMatchObject({ code: 10021, name: 'GROUP_ID_TAKEN' });
    expect(await a.request('group.create', { name: 'x', type: 'AVChatRoom', groupID: '@TGS#abc' })).toMatchObject({ code: 10015, name: 'INVALID_GROUP_ID' });
    expect(await a.request('group.create', { name: 'x', type: 'AVChatRoom', groupID: 'x'.repeat(49) })).toMatchObject({ code: 10015 });
    expect(await a.request('group.create', { name: 'x', type: 'Public' })).toMatchObject({ code: 10004, name: 'GROUP_TYPE_NOT_SUPPORTED' });
    expect(await a.request('group.create', { name: 'x'.repeat(31), type: 'AVChatRoom' })).toMatchObject({ code: 10004, name: 'INVALID_GROUP_FIELD' });
    const guest = await connect(t);
    expect(await guest.request('group.create', { name: 'x', type: 'AVChatRoom' })).toMatchObject({ code: 2024 });
    expect(await guest.request('group.join', { groupID: 'class-101' })).toMatchObject({ code: 0, data: { status: 'JoinedSuccess', group: { groupID: 'class-101' } } });
    await Promise.all([a.close(), b.close(), guest.close()]);
  });
});

describe('limits per connection', () => {
  it('refuses a join past maxRoomsPerConnection and keeps the rooms already joined', async () => {
    await using t = await startTestStadium({ maxRoomsPerConnection: 2 });
    const owner = await loggedIn(t, 'host');
    const rooms = [await roomWith(t, owner), await roomWith(t, owner)];
    const third = (await owner.request('group.create', { name: 'third', type: 'AVChatRoom' })) as Res & { data: { group: { groupID: string } } };
    expect(await owner.request('group.join', { groupID: third.data.group.groupID })).toMatchObject({ code: 19012, name: 'TOO_MANY_ROOMS' });
    expect((await owner.request('msg.send', { groupID: rooms[1], message: text('still', 'in') })).code).toBe(0);
    expect((await owner.request('group.dismiss', { groupID: rooms[0] })).code).toBe(0);
    expect((await owner.request('group.join', { groupID: third.data.group.groupID })).code).toBe(0);
    await owner.close();
  });
});

import { StadiumError, type WireMessage } from '@stadium/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from './client.js';
import type { Message } from './message.js';
import { ManualClock } from './testing/manual-clock.js';
import { ScriptedServer } from './testing/scripted-server.js';
import { catchError, next, record, silent } from './testing/test-helpers.js';
import { TIM } from './tim.js';

const APP = 1400000001;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Record<string, unknown> = {}): Promise<{ server: ScriptedServer; tim: Client }> {
  const server = await ScriptedServer.start();
  cleanups.push(() => server.close());
  const tim = instance(server, options);
  return { server, tim };
}

function instance(server: ScriptedServer, options: Record<string, unknown> = {}): Client {
  const tim = TIM.createInstance({ SDKAppID: APP, server: server.url, logger: silent, reconnectBaseMs: 5, reconnectMaxMs: 20, ...options });
  cleanups.push(() => tim.destroy());
  return tim;
}

describe('TIM', () => {
  it('exposes the exact constants and caches create() per SDKAppID, but not createInstance()', async () => {
    expect(TIM.EVENT.SDK_READY).toBe('sdkStateReady');
    expect(TIM.TYPES.GRP_AVCHATROOM).toBe('AVChatRoom');
    const a = TIM.create({ SDKAppID: 1234, server: 'http://127.0.0.1:1', logger: silent });
    expect(TIM.create({ SDKAppID: 1234, server: 'http://127.0.0.1:1' })).toBe(a);
    const b = TIM.createInstance({ SDKAppID: 1234, server: 'http://127.0.0.1:1', logger: silent });
    expect(b).not.toBe(a);
    await b.destroy();
    expect(TIM.create({ SDKAppID: 1234 })).toBe(a);
    await a.destroy();
    const c = TIM.create({ SDKAppID: 1234, logger: silent });
    expect(c).not.toBe(a);
    await c.destroy();
    expect(() => TIM.create({ SDKAppID: Number.NaN })).toThrowError(expect.objectContaining({ code: 2000 }) as Error);
  });
});

describe('login', () => {
  it('connects lazily, logs in, emits NET_STATE_CHANGE and SDK_READY, and reports repeat logins', async () => {
    const { server, tim } = await setup();
    const events = record(tim, TIM.EVENT.NET_STATE_CHANGE, TIM.EVENT.SDK_READY);
    expect(server.sockets).toHaveLength(0);
    const result = await tim.login({ userID: 'alice', userSig: 'sig' });
    expect(result).toEqual({ code: 0, data: { actionStatus: 'OK', errorCode: 0, errorInfo: '', repeatLogin: false } });
    expect(events).toEqual([{ name: 'netStateChange', data: { state: 'connecting' } }, { name: 'netStateChange', data: { state: 'connected' } }, { name: 'sdkStateReady' }]);
    expect(server.urls[0]).toBe(`/ws?sdkappid=${APP}&v=1&platform=Web`);
    expect((await tim.login({ userID: 'alice', userSig: 'sig' })).data.repeatLogin).toBe(true);
    expect(server.requestsOf('login')).toHaveLength(1);
  });

  it('validates locally and rejects with the server code on auth failure', async () => {
    const { tim } = await setup();
    expect((await catchError(tim.login({ userID: '', userSig: 'x' }))).code).toBe(2002);
    expect((await catchError(tim.login({ userID: 'alice', userSig: '' }))).code).toBe(2003);
    const error = await catchError(tim.login({ userID: 'alice', userSig: 'bad' }));
    expect(error).toBeInstanceOf(StadiumError);
    expect(error.code).toBe(70009);
    expect(error.reason).toBe('USERSIG_BAD_SIGNATURE');
    expect(error.message).toBe('signature mismatch (test)');
    expect((await catchError(tim.getMyProfile())).code).toBe(2999);
  });

  it('logout emits SDK_NOT_READY and later calls need login again', async () => {
    const { tim } = await setup();
    await tim.login({ userID: 'alice', userSig: 'sig' });
    const notReady = next(tim, TIM.EVENT.SDK_NOT_READY);
    expect(await tim.logout()).toEqual({ code: 0, data: {} });
    await notReady;
    expect((await catchError(tim.updateMyProfile({ nick: 'x' }))).code).toBe(2999);
    expect((await tim.login({ userID: 'alice', userSig: 'sig' })).data.repeatLogin).toBe(false);
  });
});

describe('local send errors', () => {
  it('rejects before login with 2999 and marks the message failed', async () => {
    const { server, tim } = await setup();
    const message = tim.createTextMessage({ to: 'room1', conversationType: TIM.TYPES.CONV_GROUP, payload: { text: 'hi' } });
    const error = await catchError(tim.sendMessage(message));
    expect(error.code).toBe(2999);
    expect(error.data).toEqual({ message });
    expect(message.status).toBe('fail');
    expect((await catchError(tim.createGroup({ name: 'x', type: 'AVChatRoom' }))).code).toBe(2999);
    expect(server.sockets).toHaveLength(0);
  });

  it('rejects sends to rooms not joined (2101), bad arguments (2105, 2106) and non-live group types (2600)', async () => {
    const { tim } = await setup();
    await tim.login({ userID: 'alice', userSig: 'sig' });
    const message = tim.createCustomMessage({ to: 'room1', conversationType: 'GROUP', payload: { data: 'like', description: '', extension: '' } });
    expect((await catchError(tim.sendMessage(message))).code).toBe(2101);
    expect((await catchError(tim.sendMessage({} as Message))).code).toBe(2105);
    const c2c = tim.createTextMessage({ to: 'bob', conversationType: 'C2C', payload: { text: 'hi' } });
    expect((await catchError(tim.sendMessage(c2c))).code).toBe(2106);
    expect((await catchError(tim.createGroup({ name: 'x', type: 'Public' }))).code).toBe(2600);
    expect(await tim.getMessageList({ conversationID: 'GROUProom1' })).toEqual({ code: 0, data: { messageList: [], nextReqMessageID: '', isCompleted: true } });
  });

  it('getMessageList asks for history up to the lastSeq of the join answer and pages back with nextReqMessageID', async () => {
    const { server, tim } = await setup();
    const wire = (seq: number) => ({ id: `m${seq}`, seq, time: 1, type: 'TIMTextElem', payload: { text: `t${seq}` }, from: 'bob', priority: 'Normal' });
    server.results.set('msg.history', (body) => (body.beforeSeq === undefined ? { messages: [wire(3), wire(4)], isCompleted: false } : { messages: [wire(2)], isCompleted: true }));
    server.results.set('group.join', () => ({ status: 'JoinedSuccess', group: { groupID: 'room1' }, lastSeq: 4 }));
    await tim.joinGroup({ groupID: 'room1' });
    const first = await tim.getMessageList({ conversationID: 'GROUProom1', count: 2 });
    expect(first.data.messageList.map((m) => [m.ID, m.sequence, m.conversationID])).toEqual([
      ['m3', 3, 'GROUProom1'],
      ['m4', 4, 'GROUProom1'],
    ]);
    expect(first.data).toMatchObject({ nextReqMessageID: 'm3', isCompleted: false });
    const second = await tim.getMessageList({ conversationID: 'GROUProom1', nextReqMessageID: 'm3' });
    expect(second.data).toMatchObject({ nextReqMessageID: '', isCompleted: true });
    expect(server.requestsOf('msg.history').map((f) => f.body)).toEqual([
      { groupID: 'room1', toSeq: 4, count: 2 },
      { groupID: 'room1', toSeq: 4, beforeSeq: 3 },
    ]);
    expect((await catchError(tim.getMessageList({ conversationID: 'GROUProom1', nextReqMessageID: 'unknown' }))).code).toBe(10004);
  });

  it('times out requests the server never answers (2801)', async () => {
    const { server, tim } = await setup({ requestTimeoutMs: 50 });
    server.ignore.add('group.online');
    expect((await catchError(tim.getGroupOnlineMemberCount('room1'))).code).toBe(2801);
  });
});

describe('rooms and messages', () => {
  it('lets guests join, delivers msgs frames as one MESSAGE_RECEIVED array, and ignores duplicate sequences', async () => {
    const { server, tim } = await setup();
    server.publish('room1', { id: 'old' });
    const joined = await tim.joinGroup({ groupID: 'room1', type: TIM.TYPES.GRP_AVCHATROOM });
    expect(joined.data.status).toBe('JoinedSuccess');
    expect(joined.data.group.groupID).toBe('room1');
    expect((await tim.joinGroup({ groupID: 'room1' })).data.status).toBe('AlreadyInGroup');

    const received = record(tim, TIM.EVENT.MESSAGE_RECEIVED);
    const socket = server.sockets[0]!;
    const m2: WireMessage = { id: 'b-1', seq: 2, type: 'TIMTextElem', payload: { text: 'two' }, from: 'bob', nick: 'Bob', time: 5, priority: 'Normal' };
    const m3: WireMessage = { ...m2, id: 'b-2', seq: 3, type: 'TIMCustomElem', payload: { data: 'gift', description: 'rose', extension: '' } };
    const first = next(tim, TIM.EVENT.MESSAGE_RECEIVED);
    server.send(socket, { t: 'msgs', g: 'room1', m: [m2, m3] });
    await first;
    const second = next(tim, TIM.EVENT.MESSAGE_RECEIVED);
    server.send(socket, { t: 'msgs', g: 'room1', m: [m3] });
    server.send(socket, { t: 'msgs', g: 'room1', m: [{ ...m2, id: 'b-3', seq: 4 }] });
    await second;

    expect(received).toHaveLength(2);
    const batch = received[0]!.data as Message[];
    expect(batch.map((m) => [m.ID, m.sequence, m.flow, m.conversationID, m.type])).toEqual([
      ['b-1', 2, 'in', 'GROUProom1', 'TIMTextElem'],
      ['b-2', 3, 'in', 'GROUProom1', 'TIMCustomElem'],
    ]);
    expect((received[1]!.data as Message[]).map((m) => m.ID)).toEqual(['b-3']);
    expect((await tim.getGroupOnlineMemberCount('room1')).data.memberCount).toBe(3);
    expect(await tim.quitGroup('room1')).toEqual({ code: 0, data: { groupID: 'room1' } });
    expect((await catchError(tim.quitGroup('room1'))).code).toBe(2623);
  });

  it('sends, drops its own echo, and other members receive the message', async () => {
    const server = await ScriptedServer.start();
    cleanups.push(() => server.close());
    const alice = instance(server);
    const viewer = instance(server);
    await alice.login({ userID: 'alice', userSig: 'sig' });
    await alice.joinGroup({ groupID: 'room1', type: 'AVChatRoom' });
    await viewer.joinGroup({ groupID: 'room1', type: 'AVChatRoom' });
    const aliceEvents = record(alice, TIM.EVENT.MESSAGE_RECEIVED);
    const seen = next<Message[]>(viewer, TIM.EVENT.MESSAGE_RECEIVED);

    const message = alice.createTextMessage({ to: 'room1', conversationType: TIM.TYPES.CONV_GROUP, priority: TIM.TYPES.MSG_PRIORITY_HIGH, payload: { text: 'hello' } });
    expect(message.ID.startsWith('alice-')).toBe(true);
    const sent = await alice.sendMessage(message);
    expect(sent.data.message).toBe(message);
    expect(message).toMatchObject({ status: 'success', sequence: 1, time: 1_700_000_000, from: 'alice', flow: 'out', nick: 'nick-alice', priority: 'High' });
    const sentFrame = server.requestsOf('msg.send')[0]!;
    expect(sentFrame.body).toMatchObject({
      groupID: 'room1',
      message: { id: message.ID, type: 'TIMTextElem', payload: { text: 'hello' }, priority: 'High', random: message.random },
    });

    const event = await seen;
    expect(event.data?.map((m) => [m.ID, m.from, m.flow])).toEqual([[message.ID, 'alice', 'in']]);
    const marker = next(alice, TIM.EVENT.MESSAGE_RECEIVED);
    server.publish('room1', { id: 'marker' });
    await marker;
    expect(aliceEvents.map((e) => (e.data as Message[]).map((m) => m.ID))).toEqual([['marker']]);

    const revoke = await catchError(alice.revokeMessage(message));
    expect(revoke.code).toBe(10035);
    expect(revoke.data).toEqual({ message });
  });

  it('leaves a room after a dismissal notice, after emitting it', async () => {
    const { server, tim } = await setup();
    await tim.login({ userID: 'alice', userSig: 'sig' });
    await tim.joinGroup({ groupID: 'room1' });
    const got = next<Message[]>(tim, TIM.EVENT.MESSAGE_RECEIVED);
    server.publish('room1', { id: 'n1', type: 'TIMGroupSystemNoticeElem', from: 'owner', payload: { operationType: 5, operatorID: 'owner' } });
    const event = await got;
    expect(event.data?.[0]).toMatchObject({ conversationType: '@TIM#SYSTEM', conversationID: '@TIM#SYSTEM', to: 'room1' });
    const message = tim.createTextMessage({ to: 'room1', conversationType: 'GROUP', payload: { text: 'still here?' } });
    expect((await catchError(tim.sendMessage(message))).code).toBe(2101);
  });
});

describe('connection', () => {
  it('reconnects after a 1001 close, logs in again and rejoins with sinceSeq, delivering what was missed once', async () => {
    const { server, tim } = await setup();
    await tim.login({ userID: 'alice', userSig: 'sig' });
    await tim.joinGroup({ groupID: 'room1' });
    const received = record(tim, TIM.EVENT.MESSAGE_RECEIVED);
    server.publish('room1', { id: 'a' });
    server.publish('room1', { id: 'b' });
    await server.until(() => received.length === 2);
    const states = record(tim, TIM.EVENT.NET_STATE_CHANGE);

    const oldSocket = server.sockets[0]!;
    server.members.delete(oldSocket);
    oldSocket.close(1001, 'shutting down');
    await server.until(() => server.sockets.length === 2);
    server.publish('room1', { id: 'c' });
    const reconnected = next(tim, TIM.EVENT.NET_STATE_CHANGE, (e) => (e.data as { state: string }).state === 'connected');
    await reconnected;
    await server.until(() => received.length >= 3);

    expect(states.map((e) => (e.data as { state: string }).state)).toEqual(['disconnected', 'connecting', 'connected']);
    expect(server.requestsOf('login')).toHaveLength(2);
    const joins = server.requestsOf('group.join');
    expect(joins.at(-1)!.body).toEqual({ groupID: 'room1', sinceSeq: 2 });
    expect(received.slice(2).flatMap((e) => (e.data as Message[]).map((m) => m.ID))).toEqual(['c']);

    const message = tim.createTextMessage({ to: 'room1', conversationType: 'GROUP', payload: { text: 'back' } });
    expect((await tim.sendMessage(message)).data.message.sequence).toBe(4);
  });

  it('holds requests made while reconnecting and sends them after the session is restored', async () => {
    const { server, tim } = await setup({ reconnectBaseMs: 30, reconnectMaxMs: 30 });
    await tim.login({ userID: 'alice', userSig: 'sig' });
    const down = next(tim, TIM.EVENT.NET_STATE_CHANGE, (e) => (e.data as { state: string }).state === 'disconnected');
    server.sockets[0]!.close(1001);
    await down;
    const count = await tim.getGroupOnlineMemberCount('room1');
    expect(count.data.memberCount).toBe(3);
    const order = server.requests.filter((r) => r.socket === server.sockets[1]).map((r) => r.frame.cmd);
    expect(order).toEqual(['login', 'group.online']);
  });

  it('on kick emits KICKED_OUT and SDK_NOT_READY and does not reconnect', async () => {
    const { server, tim } = await setup();
    await tim.login({ userID: 'alice', userSig: 'sig' });
    const events = record(tim, TIM.EVENT.KICKED_OUT, TIM.EVENT.SDK_NOT_READY, TIM.EVENT.NET_STATE_CHANGE);
    const down = next(tim, TIM.EVENT.NET_STATE_CHANGE, (e) => (e.data as { state: string }).state === 'disconnected');
    const socket = server.sockets[0]!;
    server.send(socket, { t: 'kick', type: 'multipleAccount', code: 19007, name: 'KICKED', message: 'kicked (test)' });
    socket.close(4011, 'kicked');
    await down;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(events).toEqual([{ name: 'kickedOut', data: { type: 'multipleAccount' } }, { name: 'sdkStateNotReady' }, { name: 'netStateChange', data: { state: 'disconnected' } }]);
    expect(server.sockets).toHaveLength(1);
    expect((await catchError(tim.getMyProfile())).code).toBe(2999);
  });

  it('pings every heartbeatMs and reconnects when the server goes silent', async () => {
    const server = await ScriptedServer.start();
    cleanups.push(() => server.close());
    server.heartbeatMs = 1000;
    const clock = new ManualClock();
    const start = clock.now();
    // random 0: the reconnect after the heartbeat timeout waits 0 ms of manual time.
    const tim = new Client({ SDKAppID: APP, server: server.url, logger: silent }, {}, clock.environment(0));
    cleanups.push(() => tim.destroy());
    await tim.joinGroup({ groupID: 'room1' });
    // Frames on one socket arrive in order: once a request made now is answered, every ping sent before it has arrived.
    const pingsNow = async () => {
      await tim.getGroupOnlineMemberCount('room1');
      return server.pings.length;
    };

    clock.advance(999);
    expect(await pingsNow()).toBe(0);
    clock.advance(1);
    expect(await pingsNow()).toBe(1);
    for (let beat = 2; beat <= 4; beat++) {
      clock.advance(1000);
      expect(await pingsNow()).toBe(beat);
    }

    // The server goes silent: pings go unanswered, and 2.5 heartbeats after its last frame the SDK gives up on the socket.
    server.ignore.add('ping');
    const downAt = next(tim, TIM.EVENT.NET_STATE_CHANGE, (e) => (e.data as { state: string }).state === 'disconnected').then(() => clock.now());
    const reconnected = next(tim, TIM.EVENT.NET_STATE_CHANGE, (e) => (e.data as { state: string }).state === 'connected');
    clock.advance(1000);
    await server.until(() => server.pings.length === 5);
    clock.advance(1000);
    await server.until(() => server.pings.length === 6);
    clock.advance(1000);
    expect(await downAt).toBe(start + 7000);
    await reconnected;
    expect(server.sockets).toHaveLength(2);
    expect(server.pings).toHaveLength(6);
    expect(server.pings.every((socket) => socket === server.sockets[0])).toBe(true);
    expect(server.requestsOf('group.join').at(-1)!.body).toEqual({ groupID: 'room1', sinceSeq: 0 });
  });

  it('destroy rejects pending requests with 2905', async () => {
    const { server, tim } = await setup();
    server.ignore.add('group.online');
    const pending = catchError(tim.getGroupOnlineMemberCount('room1'));
    await server.until(() => server.requestsOf('group.online').length === 1);
    await tim.destroy();
    expect((await pending).code).toBe(2905);
    expect((await catchError(tim.joinGroup({ groupID: 'room1' }))).code).toBe(2905);
  });
});

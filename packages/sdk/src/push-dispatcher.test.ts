import type { WireMessage } from '@stadium/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from './message.js';
import { TestBed } from './testing/test-bed.js';
import { catchError, next, record } from './testing/test-helpers.js';
import { TIM } from './tim.js';

let bed: TestBed;
afterEach(async () => {
  await bed.close();
});

const wire = (seq: number, id: string): WireMessage => ({ id, seq, type: 'TIMTextElem', payload: { text: id }, from: 'bob', time: 1, priority: 'Normal' });

/** Frames on one socket arrive in order: once a request made now is answered, every frame pushed before it was handled. */
async function handled(tim: ReturnType<TestBed['instance']>): Promise<void> {
  await tim.getGroupOnlineMemberCount('room1');
}

describe('PushDispatcher', () => {
  it('turns counters frames into one GROUP_COUNTER_UPDATED per changed counter, for joined rooms only', async () => {
    bed = await TestBed.start();
    const tim = bed.instance();
    await tim.joinGroup({ groupID: 'room1' });
    const events = record(tim, TIM.EVENT.GROUP_COUNTER_UPDATED);
    const socket = bed.server.sockets[0]!;
    bed.server.send(socket, { t: 'counters', g: 'room1', c: { likes: 1, gifts: 2 } });
    bed.server.send(socket, { t: 'counters', g: 'room1', c: { likes: 3, gifts: 2 } });
    bed.server.send(socket, { t: 'counters', g: 'other', c: { likes: 9 } });
    await handled(tim);
    expect(events.map((e) => e.data)).toEqual([
      { groupID: 'room1', key: 'likes', value: 1 },
      { groupID: 'room1', key: 'gifts', value: 2 },
      { groupID: 'room1', key: 'likes', value: 3 },
    ]);
  });

  it('reports err frames as ERROR and drops messages of rooms not joined', async () => {
    bed = await TestBed.start();
    const tim = bed.instance();
    await tim.joinGroup({ groupID: 'room1' });
    const events = record(tim, TIM.EVENT.ERROR, TIM.EVENT.MESSAGE_RECEIVED);
    const socket = bed.server.sockets[0]!;
    bed.server.send(socket, { t: 'msgs', g: 'other', m: [wire(1, 'elsewhere')] });
    bed.server.send(socket, { t: 'err', code: 10023, name: 'RATE_LIMITED', message: 'slow down (test)' });
    bed.server.send(socket, { t: 'msgs', g: 'room1', m: [wire(1, 'here')], lost: 4 });
    await handled(tim);
    expect(events.map((e) => (e.name === TIM.EVENT.ERROR ? e.data : (e.data as Message[]).map((m) => m.ID)))).toEqual([{ code: 10023, message: 'slow down (test)' }, ['here']]);
  });

  it('turns a missed-messages notice (242) into GROUP_MESSAGES_MISSED, in order with the messages around it, and not into a message', async () => {
    bed = await TestBed.start();
    const tim = bed.instance();
    await tim.joinGroup({ groupID: 'room1' });
    const events = record(tim, TIM.EVENT.GROUP_MESSAGES_MISSED, TIM.EVENT.MESSAGE_RECEIVED);
    const notice: WireMessage = {
      id: 'missed-2-4',
      seq: 0,
      type: 'TIMGroupSystemNoticeElem',
      payload: { operationType: 242, operatorID: '', fromSeq: 2, toSeq: 4 },
      from: '',
      time: 1,
      priority: 'High',
    };
    const socket = bed.server.sockets[0]!;
    bed.server.send(socket, { t: 'msgs', g: 'room1', m: [wire(1, 'before')] });
    bed.server.send(socket, { t: 'msgs', g: 'room1', m: [notice, wire(5, 'after')] });
    await handled(tim);
    expect(events.map((e) => (e.name === TIM.EVENT.GROUP_MESSAGES_MISSED ? e.data : (e.data as Message[]).map((m) => m.ID)))).toEqual([
      ['before'],
      { groupID: 'room1', fromSeq: 2, toSeq: 4, reason: 'expired' },
      ['after'],
    ]);
  });

  it('emits c2c frames for the logged-in user as C2C messages, and ignores them otherwise', async () => {
    bed = await TestBed.start();
    const tim = bed.instance();
    await tim.joinGroup({ groupID: 'room1' });
    const events = record(tim, TIM.EVENT.MESSAGE_RECEIVED);
    const socket = bed.server.sockets[0]!;
    bed.server.send(socket, { t: 'c2c', to: 'alice', m: wire(5, 'as-guest') });
    await handled(tim);
    expect(events).toEqual([]);
    await tim.login({ userID: 'alice', userSig: 'sig' });
    bed.server.send(socket, { t: 'c2c', to: 'carol', m: wire(6, 'not-mine') });
    bed.server.send(socket, { t: 'c2c', to: 'alice', m: wire(7, 'to-me') });
    bed.server.send(socket, { t: 'c2c', to: 'bob', m: { ...wire(8, 'my-copy'), from: 'alice' } });
    await handled(tim);
    const got = events.flatMap((e) => e.data as Message[]);
    expect(got.map((m) => [m.ID, m.conversationType, m.conversationID, m.flow, m.to, m.sequence])).toEqual([
      ['to-me', 'C2C', 'C2Cbob', 'in', 'alice', 7],
      ['my-copy', 'C2C', 'C2Cbob', 'out', 'bob', 8],
    ]);
  });

  it('on a kick frame emits KICKED_OUT, leaves every room and ends the session', async () => {
    bed = await TestBed.start();
    const tim = bed.instance();
    await tim.login({ userID: 'alice', userSig: 'sig' });
    await tim.joinGroup({ groupID: 'room1' });
    const kicked = next(tim, TIM.EVENT.KICKED_OUT);
    bed.server.send(bed.server.sockets[0]!, { t: 'kick', type: 'userSigExpired', code: 19007, name: 'KICKED', message: 'kicked (test)' });
    expect((await kicked).data).toEqual({ type: 'userSigExpired' });
    const message = tim.createTextMessage({ to: 'room1', conversationType: 'GROUP', payload: { text: 'x' } });
    expect((await catchError(tim.sendMessage(message))).code).toBe(2999);
    expect((await catchError(tim.quitGroup('room1'))).code).toBe(2623);
  });
});

import type { WireMessage } from '@stadium/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from './message.js';
import { MAX_SEND_ATTEMPTS } from './message-sender.js';
import { TestBed } from './testing/test-bed.js';
import { catchError, record } from './testing/test-helpers.js';
import { TIM } from './tim.js';

let bed: TestBed;
afterEach(async () => {
  await bed.close();
});

async function loggedInMember(): Promise<ReturnType<TestBed['instance']>> {
  const tim = bed.instance();
  await tim.login({ userID: 'alice', userSig: 'sig' });
  await tim.joinGroup({ groupID: 'room1' });
  return tim;
}

const echo = (message: Message, seq: number): WireMessage => ({ id: message.ID, seq, type: 'TIMTextElem', payload: { text: 'x' }, from: 'alice', time: 1, priority: 'Normal' });

describe('MessageSender', () => {
  it('stamps outgoing messages with the session profile and the injected clock', async () => {
    bed = await TestBed.start();
    const tim = bed.instance({}, { now: () => 1_234_000, random: () => 0.5 });
    await tim.login({ userID: 'alice', userSig: 'sig' });
    const message = tim.createTextMessage({ to: 'room1', conversationType: 'GROUP', payload: { text: 'hi' } });
    expect(message).toMatchObject({ from: 'alice', nick: 'nick-alice', time: 1234, random: 0x8000_0000 });
  });

  it('a failed send marks the message failed, puts it in the error data, and forgets its ID', async () => {
    bed = await TestBed.start();
    const tim = await loggedInMember();
    bed.server.failures.set('msg.send', { code: 10017, name: 'GROUP_MUTED_ALL', message: 'muted (test)' });
    const message = tim.createTextMessage({ to: 'room1', conversationType: 'GROUP', payload: { text: 'hi' } });
    const error = await catchError(tim.sendMessage(message));
    expect(error.reason).toBe('GROUP_MUTED_ALL');
    expect(error.data).toEqual({ message });
    expect(message.status).toBe('fail');
    // Its ID is no longer taken for an echo of this instance's own send.
    const received = record(tim, TIM.EVENT.MESSAGE_RECEIVED);
    bed.server.send(bed.server.sockets[0]!, { t: 'msgs', g: 'room1', m: [echo(message, 1)] });
    await tim.getGroupOnlineMemberCount('room1');
    expect(received.flatMap((e) => (e.data as Message[]).map((m) => m.ID))).toEqual([message.ID]);
  });

  it('a sampled send succeeds with isSampled, and its ID is not kept for an echo', async () => {
    bed = await TestBed.start();
    const tim = await loggedInMember();
    bed.server.results.set('msg.send', () => ({ seq: 0, time: 7, sampled: true }));
    const message = tim.createTextMessage({ to: 'room1', conversationType: 'GROUP', payload: { text: 'hi' } });
    expect((await tim.sendMessage(message)).data.message).toMatchObject({ status: 'success', isSampled: true, sequence: 0, time: 7 });
    const received = record(tim, TIM.EVENT.MESSAGE_RECEIVED);
    bed.server.send(bed.server.sockets[0]!, { t: 'msgs', g: 'room1', m: [echo(message, 1)] });
    await tim.getGroupOnlineMemberCount('room1');
    expect(received).toHaveLength(1);
  });

  it('resends the same message with the same ID after a lost answer, and reports the final seq', async () => {
    bed = await TestBed.start();
    const tim = await loggedInMember();
    bed.server.ignore.add('msg.send');
    const message = tim.createTextMessage({ to: 'room1', conversationType: 'GROUP', payload: { text: 'hi' } });
    const sent = tim.sendMessage(message);
    await bed.server.until(() => bed.server.requestsOf('msg.send').length === 1);
    // The answer is lost with the connection; the server answers the resend.
    bed.server.ignore.delete('msg.send');
    bed.server.results.set('msg.send', () => ({ seq: 41, time: 9, id: message.ID }));
    bed.server.sockets[0]!.terminate();
    expect((await sent).data.message).toMatchObject({ status: 'success', sequence: 41, time: 9 });
    const attempts = bed.server.requestsOf('msg.send').map((r) => (r.body as { message: { id: string; random: number } }).message);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]).toEqual(attempts[0]);
    expect(attempts[0]!.id).toBe(message.ID);
  });

  it('gives up after MAX_SEND_ATTEMPTS lost answers, and does not resend a refusal', async () => {
    bed = await TestBed.start();
    const tim = await loggedInMember();
    bed.server.ignore.add('msg.send');
    const message = tim.createTextMessage({ to: 'room1', conversationType: 'GROUP', payload: { text: 'hi' } });
    const failed = catchError(tim.sendMessage(message));
    for (let n = 1; n <= MAX_SEND_ATTEMPTS; n++) {
      await bed.server.until(() => bed.server.requestsOf('msg.send').length === n);
      bed.server.sockets.at(-1)!.terminate();
    }
    expect((await failed).reason).toBe('SDK_NETWORK_ERROR');
    expect(message.status).toBe('fail');
    expect(bed.server.requestsOf('msg.send')).toHaveLength(MAX_SEND_ATTEMPTS);
    bed.server.ignore.delete('msg.send');
    bed.server.failures.set('msg.send', { code: 10017, name: 'GROUP_MUTED_ALL', message: 'muted (test)' });
    expect((await catchError(tim.sendMessage(tim.createTextMessage({ to: 'room1', conversationType: 'GROUP', payload: { text: 'x' } })))).reason).toBe('GROUP_MUTED_ALL');
    expect(bed.server.requestsOf('msg.send')).toHaveLength(MAX_SEND_ATTEMPTS + 1);
  });
});

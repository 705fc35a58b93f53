import { afterEach, describe, expect, it } from 'vitest';
import { TestBed } from './testing/test-bed.js';
import { catchError, next, record } from './testing/test-helpers.js';
import { TIM } from './tim.js';

let bed: TestBed;
afterEach(async () => {
  await bed.close();
});

describe('Session', () => {
  it('shares one login in flight, refuses another user, and logs in once', async () => {
    bed = await TestBed.start();
    const tim = bed.instance();
    const first = tim.login({ userID: 'alice', userSig: 'sig' });
    expect(tim.login({ userID: 'alice', userSig: 'sig' })).toBe(first);
    expect((await catchError(tim.login({ userID: 'bob', userSig: 'sig' }))).reason).toBe('LOGIN_CONFLICT');
    expect((await first).data.repeatLogin).toBe(false);
    expect((await catchError(tim.login({ userID: 'bob', userSig: 'sig' }))).code).toBe(19006);
    expect(bed.server.requestsOf('login')).toHaveLength(1);
  });

  it('logout needs a login (2024); a failed login leaves the instance a guest that can log in again', async () => {
    bed = await TestBed.start();
    const tim = bed.instance();
    expect((await catchError(tim.logout())).code).toBe(2024);
    expect((await catchError(tim.login({ userID: 'alice', userSig: 'bad' }))).code).toBe(70009);
    expect((await catchError(tim.logout())).code).toBe(2024);
    expect((await tim.login({ userID: 'alice', userSig: 'sig' })).data.repeatLogin).toBe(false);
  });

  it('when logging in again after a reconnect is refused: ERROR, then SDK_NOT_READY, and the rooms are rejoined as a guest', async () => {
    bed = await TestBed.start();
    const { server } = bed;
    const tim = bed.instance();
    await tim.login({ userID: 'alice', userSig: 'sig' });
    await tim.joinGroup({ groupID: 'room1' });
    const events = record(tim, TIM.EVENT.ERROR, TIM.EVENT.SDK_NOT_READY);
    const reconnected = next(tim, TIM.EVENT.NET_STATE_CHANGE, (e) => (e.data as { state: string }).state === 'connected');
    server.failures.set('login', { code: 70001, name: 'USERSIG_EXPIRED', message: 'expired (test)' });
    server.sockets[0]!.close(1001);
    await reconnected;
    expect(events).toEqual([{ name: 'error', data: { code: 70001, message: 'expired (test)' } }, { name: 'sdkStateNotReady' }]);
    expect(server.requestsOf('group.join').at(-1)!.body).toEqual({ groupID: 'room1', sinceSeq: 0 });
    expect((await catchError(tim.getMyProfile())).code).toBe(2999);
    const message = tim.createTextMessage({ to: 'room1', conversationType: 'GROUP', payload: { text: 'x' } });
    expect((await catchError(tim.sendMessage(message))).code).toBe(2999);
  });

  it('after destroy every call fails with 2905 and nothing connects', async () => {
    bed = await TestBed.start();
    const tim = bed.instance();
    await tim.destroy();
    expect((await catchError(tim.login({ userID: 'alice', userSig: 'sig' }))).code).toBe(2905);
    expect((await catchError(tim.logout())).code).toBe(2905);
    expect((await catchError(tim.getGroupCounters({ groupID: 'room1' }))).code).toBe(2905);
    expect((await catchError(tim.getUserProfile({ userIDList: ['bob'] }))).code).toBe(2905);
    expect(await tim.destroy()).toEqual({ code: 0, data: {} });
    expect(bed.server.sockets).toHaveLength(0);
  });
});

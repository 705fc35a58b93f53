import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './testing/manual-clock.js';
import { TestBed } from './testing/test-bed.js';
import type { RefreshUserSig } from './user-sig-refresher.js';

const START = 1_700_000_000_000;
const MINUTE = 60_000;

let bed: TestBed;
afterEach(async () => {
  await bed.close();
});

/** A bed whose server answers each login with an expiry `lifetimeOf(userSig)` ms after the manual clock's now. */
async function setup(refreshUserSig: RefreshUserSig | undefined, lifetimeOf: (userSig: string) => number = () => 60 * MINUTE, options = {}) {
  bed = await TestBed.start();
  // Heartbeats far apart: these tests move the clock by hours at once.
  bed.server.heartbeatMs = 24 * 60 * MINUTE;
  const clock = new ManualClock(START);
  bed.server.results.set('login', (body) => ({
    userID: body.userID,
    profile: { userID: body.userID, nick: '', avatar: '' },
    isAdmin: false,
    time: Math.floor(clock.now() / 1000),
    expireAt: clock.now() + lifetimeOf(String(body.userSig)),
  }));
  const tim = bed.instance({ ...(refreshUserSig ? { refreshUserSig } : {}), ...options }, clock.environment(0));
  await tim.login({ userID: 'alice', userSig: 'sig-0' });
  const logins = () => bed.server.requestsOf('login').map((r) => r.body as { userID: string; userSig: string });
  /**
   * Advance to `ms` after the start, then let what that set off run: promise callbacks (the
   * app's function, the login it leads to), then a round trip behind that login, whose answer
   * comes after the login's.
   */
  const advanceTo = async (ms: number) => {
    clock.advance(START + ms - clock.now());
    await new Promise<void>((resolve) => setImmediate(resolve));
    await tim.getGroupOnlineMemberCount('room1');
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  return { tim, clock, logins, advanceTo };
}

describe('UserSigRefresher', () => {
  it('asks at 55 min of an hour-long userSig, logs in again on the same socket, and plans from the new answer', async () => {
    const calls: Array<[string, number]> = [];
    let n = 0;
    const { clock, logins, advanceTo } = await setup((userID) => {
      calls.push([userID, clock.now() - START]);
      return Promise.resolve(`sig-${++n}`);
    });
    await advanceTo(55 * MINUTE - 1);
    expect(calls).toEqual([]);
    await advanceTo(55 * MINUTE);
    await advanceTo(110 * MINUTE - 1);
    expect(calls).toHaveLength(1);
    await advanceTo(110 * MINUTE);
    expect(calls).toEqual([
      ['alice', 55 * MINUTE],
      ['alice', 110 * MINUTE],
    ]);
    expect(logins()).toEqual([
      { userID: 'alice', userSig: 'sig-0' },
      { userID: 'alice', userSig: 'sig-1' },
      { userID: 'alice', userSig: 'sig-2' },
    ]);
    expect(bed.server.sockets).toHaveLength(1);
  });

  it('without the option nothing is asked and only the first login is sent', async () => {
    const { logins, advanceTo } = await setup(undefined);
    await advanceTo(3 * 60 * MINUTE);
    expect(logins()).toHaveLength(1);
  });

  it('counts an empty userSig, a refused login and a userSig expiring no later as failures, and retries 5, 10, 20 s later', async () => {
    const answers = ['', 'bad', 'same', 'fresh'];
    const calls: number[] = [];
    const { clock, logins, advanceTo } = await setup(
      () => {
        calls.push(clock.now() - START);
        return answers.shift()!;
      },
      (userSig) => (userSig === 'same' ? 60 * MINUTE - 55 * MINUTE - 5_000 - 15_000 : 60 * MINUTE),
    );
    const at = 55 * MINUTE;
    await advanceTo(at);
    expect(logins()).toHaveLength(1);
    bed.server.failures.set('login', { code: 70009, name: 'USERSIG_BAD_SIGNATURE', message: 'bad (test)' });
    await advanceTo(at + 5_000);
    bed.server.failures.clear();
    await advanceTo(at + 15_000);
    await advanceTo(at + 35_000 - 1);
    expect(calls).toEqual([at, at + 5_000, at + 15_000]);
    await advanceTo(at + 35_000);
    expect(calls).toEqual([at, at + 5_000, at + 15_000, at + 35_000]);
    expect(logins().map((l) => l.userSig)).toEqual(['sig-0', 'bad', 'same', 'fresh']);
    // 'fresh' worked: the next attempt comes 55 min after it.
    await advanceTo(at + 35_000 + 55 * MINUTE - 1);
    expect(calls).toHaveLength(4);
    await advanceTo(at + 35_000 + 55 * MINUTE);
    expect(calls).toHaveLength(5);
  });

  it('gives up after the retries', async () => {
    const calls: number[] = [];
    const { clock, advanceTo } = await setup(
      () => {
        calls.push(clock.now() - START);
        throw new Error('down');
      },
      undefined,
      { userSigRefreshRetries: 1 },
    );
    await advanceTo(55 * MINUTE);
    await advanceTo(55 * MINUTE + 5_000);
    await advanceTo(60 * MINUTE);
    expect(calls).toEqual([55 * MINUTE, 55 * MINUTE + 5_000]);
    await advanceTo(2 * 60 * MINUTE);
    expect(calls).toHaveLength(2);
  });

  it('treats a refreshUserSig that does not answer within requestTimeoutMs as failed', async () => {
    let calls = 0;
    const { logins, advanceTo } = await setup(
      () => {
        calls++;
        return calls === 1 ? new Promise<string>(() => {}) : 'sig-late';
      },
      undefined,
      { requestTimeoutMs: 2_000 },
    );
    await advanceTo(55 * MINUTE);
    expect(calls).toBe(1);
    // 2 s without an answer, then the first retry 5 s later.
    await advanceTo(55 * MINUTE + 2_000);
    await advanceTo(55 * MINUTE + 2_000 + 5_000 - 1);
    expect(calls).toBe(1);
    await advanceTo(55 * MINUTE + 2_000 + 5_000);
    expect(calls).toBe(2);
    expect(logins().at(-1)).toEqual({ userID: 'alice', userSig: 'sig-late' });
  });

  it('plans nothing more after logout', async () => {
    const calls: number[] = [];
    const { tim, clock, advanceTo } = await setup(() => {
      calls.push(clock.now() - START);
      return 'sig-1';
    });
    await advanceTo(MINUTE);
    await tim.logout();
    await advanceTo(3 * 60 * MINUTE);
    expect(calls).toEqual([]);
  });

  it('refuses a refreshUserSig that is not a function', async () => {
    bed = await TestBed.start();
    expect(() => bed.instance({ refreshUserSig: 'nope' as unknown as RefreshUserSig })).toThrow(/refreshUserSig must be a function/);
  });
});

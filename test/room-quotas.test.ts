/**
 * Room quotas over a real server: per user per hour, live rooms per user and per app. A
 * refused creation stores nothing; app admins are exempt from the per-user quotas only.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@stadium/protocol';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { RawClient } from './support/raw-client.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

type Res = ServerFrame & { t: 'res'; name?: string };

async function loggedIn(t: TestStadium, userID: string): Promise<RawClient> {
  const c = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
  expect((await c.request('login', { userID, userSig: t.sig(userID, 86_400) })).code).toBe(0);
  return c;
}

const create = (c: RawClient, groupID: string): Promise<Res> => c.request('group.create', { name: 'live', type: 'AVChatRoom', groupID });

describe('room quotas', () => {
  it('maxRoomsPerUser counts live rooms in the store: a dismissal frees a place', async () => {
    await using t = await startTestStadium({ maxRoomsPerUser: 2 });
    const host = await loggedIn(t, 'host');
    const other = await loggedIn(t, 'other');
    expect((await create(host, 'a')).code).toBe(0);
    expect((await create(host, 'b')).code).toBe(0);
    expect(await create(host, 'c')).toMatchObject({ code: 10036, name: 'USER_ROOM_LIMIT' });
    expect(await host.request('group.get', { groupID: 'c' })).toMatchObject({ name: 'GROUP_NOT_FOUND' });
    expect((await create(other, 'c')).code).toBe(0);
    expect((await host.request('group.dismiss', { groupID: 'a' })).code).toBe(0);
    expect((await create(host, 'c2')).code).toBe(0);
    // Counted in the store, so a restart does not reset it.
    await t.restart();
    const again = await loggedIn(t, 'host');
    expect(await create(again, 'd')).toMatchObject({ name: 'USER_ROOM_LIMIT' });
  });

  it('maxRoomsPerApp applies to everyone, app admins too', async () => {
    await using t = await startTestStadium({ maxRoomsPerApp: 3, maxRoomsPerUser: 1 });
    const admin = await loggedIn(t, t.app.adminUserId);
    const users = await Promise.all(['u1', 'u2'].map((id) => loggedIn(t, id)));
    expect((await create(users[0]!, 'r1')).code).toBe(0);
    expect(await create(users[0]!, 'r1b')).toMatchObject({ name: 'USER_ROOM_LIMIT' });
    // The admin is exempt from maxRoomsPerUser …
    expect((await create(admin, 'r2')).code).toBe(0);
    expect((await create(admin, 'r3')).code).toBe(0);
    // … not from maxRoomsPerApp.
    expect(await create(admin, 'r4')).toMatchObject({ code: 10036, name: 'APP_ROOM_LIMIT' });
    expect(await create(users[1]!, 'r4')).toMatchObject({ name: 'APP_ROOM_LIMIT' });
    expect(await users[1]!.request('group.get', { groupID: 'r4' })).toMatchObject({ name: 'GROUP_NOT_FOUND' });
  });

  // The hour is driven by a manual clock, so in-process only (heartbeats made long enough
  // that the hour passing closes nobody).
  it.runIf(TEST_WORKERS === 1)('maxRoomsCreatedPerUserPerHour: a window of one hour per user, per node', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ maxRoomsCreatedPerUserPerHour: 3, heartbeatMs: 10_000_000 }, { clock });
    const host = await loggedIn(t, 'host');
    const admin = await loggedIn(t, t.app.adminUserId);
    for (const id of ['a', 'b', 'c']) expect((await create(host, id)).code).toBe(0);
    expect(await create(host, 'd')).toMatchObject({ code: 10006, name: 'ROOM_CREATE_RATE_LIMITED' });
    expect(await host.request('group.get', { groupID: 'd' })).toMatchObject({ name: 'GROUP_NOT_FOUND' });
    // Refused creations do not count, and other users and the app admin are not affected. and the app admin are not affected.
    expect((await create(admin, 'e')).code).toBe(0);
    expect((await create(admin, 'f')).code).toBe(0);
    expect((await create(admin, 'g')).code).toBe(0);
    expect((await create(admin, 'h')).code).toBe(0);
    clock.advance(3_599_000);
    expect(await create(host, 'd')).toMatchObject({ name: 'ROOM_CREATE_RATE_LIMITED' });
    clock.advance(1000);
    expect((await create(host, 'd')).code).toBe(0);
  });
});

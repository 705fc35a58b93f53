/**
 * Apps on one server are isolated (docs/security.md, "Another app"): the same groupID and
 * userID in two apps are different rooms and users, messages and counters do not cross, and a
 * userSig of one app opens nothing in another, over WebSocket or REST.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '@stadium/protocol';
import { createApp } from '../packages/server/src/apps/create-app.js';
import { genUserSig } from '../packages/server/src/auth/user-sig.js';
import { systemClock } from '../packages/server/src/clock/clock.js';
import { DEFAULT_SQLITE_FILE } from '../packages/server/src/storage/open-store.js';
import { SqliteStore } from '../packages/server/src/storage/sqlite-store.js';
import type { AppRecord } from '../packages/server/src/storage/store.js';
import { RawClient } from './support/raw-client.js';
import { rest } from './support/rest.js';
import { startTestStadium, type TestStadium } from './support/stadium.js';

const sigFor = (app: AppRecord, userId: string): string =>
  genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId, expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) });

async function loggedIn(t: TestStadium, app: AppRecord, userId: string): Promise<RawClient> {
  const c = await RawClient.connect(t.url, `sdkappid=${app.sdkAppId}&v=1`);
  expect((await c.request('login', { userID: userId, userSig: sigFor(app, userId) })).code).toBe(0);
  return c;
}

describe('app isolation', () => {
  it('the same groupID and userID in two apps are different rooms and users; nothing crosses', async () => {
    await using t = await startTestStadium();
    const store = await SqliteStore.open(join(t.dataDir, DEFAULT_SQLITE_FILE));
    const other = await createApp(store, { name: 'other' }, systemClock);
    await store.close();

    const a = await loggedIn(t, t.app, 'host');
    expect((await a.request('profile.update', { nick: 'Host of A' })).code).toBe(0);
    expect((await a.request('group.create', { name: 'live', type: 'AVChatRoom', groupID: 'same' })).code).toBe(0);
    expect((await a.request('group.join', { groupID: 'same' })).code).toBe(0);
    expect((await a.request('group.counters', { groupID: 'same', op: 'set', counters: { likes: 5 } })).code).toBe(0);

    const b = await loggedIn(t, other, 'host');
    expect(await b.request('group.get', { groupID: 'same' })).toMatchObject({ name: 'GROUP_NOT_FOUND' });
    expect(await b.request('profile.get', { userIDList: ['host'] })).toMatchObject({ code: 0, data: { profiles: [{ userID: 'host', nick: '' }] } });
    // B's own room under the same ID: B owns it, it has none of A's counters, and A cannot change it.
    expect(await b.request('group.create', { name: 'b-live', type: 'AVChatRoom', groupID: 'same' })).toMatchObject({ code: 0, data: { group: { name: 'b-live' } } });
    expect((await b.request('group.join', { groupID: 'same' })).code).toBe(0);
    expect(await b.request('group.counters', { groupID: 'same', op: 'get' })).toMatchObject({ code: 0, data: { counters: {} } });
    const sent = await b.request('msg.send', { groupID: 'same', message: { id: 'b1', type: 'TIMTextElem', payload: { text: 'in B' }, priority: 'High' } });
    expect(sent.code).toBe(0);
    await b.next((f) => f.t === 'msgs' && f.m.some((m) => m.id === 'b1'));
    // A round trip on A after B's message was delivered: had it crossed, it would be here.
    expect(await a.request('group.get', { groupID: 'same' })).toMatchObject({ code: 0, data: { group: { name: 'live', ownerID: 'host' } } });
    expect(a.frames.some((f) => f.t === 'msgs' && f.m.some((m) => m.id === 'b1'))).toBe(false);
    expect(await a.request('group.counters', { groupID: 'same', op: 'get' })).toMatchObject({ data: { counters: { likes: 5 } } });
    await Promise.all([a.close(), b.close()]);
  });

  it('a userSig of one app opens nothing in another, over WebSocket or REST', async () => {
    await using t = await startTestStadium();
    const store = await SqliteStore.open(join(t.dataDir, DEFAULT_SQLITE_FILE));
    const other = await createApp(store, { name: 'other' }, systemClock);
    await store.close();

    const c = await RawClient.connect(t.url, `sdkappid=${other.sdkAppId}&v=1`);
    expect(await c.request('login', { userID: 'host', userSig: sigFor(t.app, 'host') })).toMatchObject({ name: 'USERSIG_APP_MISMATCH' });
    expect(await c.request('group.create', { name: 'x', type: 'AVChatRoom' })).toMatchObject({ name: 'NOT_LOGGED_IN' });
    await c.close();
    // App A's admin signature, presented to app B (whose admin has the same name).
    const query = `sdkappid=${other.sdkAppId}&identifier=${t.app.adminUserId}&usersig=${encodeURIComponent(sigFor(t.app, t.app.adminUserId))}&random=1&contenttype=json`;
    const answer = await rest(t, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: 'x' }, { query });
    expect(answer).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: ERRORS.USERSIG_APP_MISMATCH.code });
  });
});

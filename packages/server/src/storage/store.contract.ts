/**
 * The Store contract: one vitest suite that every adapter runs (`describeStoreContract` from
 * its own `*.test.ts`), so the in-memory, SQLite and later PostgreSQL stores behave the same.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Profile } from '@stadium/protocol';
import { StadiumError, emptyProfile } from '@stadium/protocol';
import { allCallbacks, noCallbacks } from '../core/app-callbacks.js';
import { SDK_APP_ID_MAX, SDK_APP_ID_MIN } from './app-ids.js';
import { DEFAULT_APP_SETTINGS, type GroupRecord, type HeldMessage, type NewApp, type ResumeWindowEntry, type Store } from './store.js';

/** Options of {@link describeStoreContract}. */
export interface StoreContractOptions {
  /**
   * For persistent adapters: reopen the data of a store made by `makeStore` after it was
   * closed. When given, the suite also checks that everything survives close and reopen.
   */
  reopen?: (closed: Store) => Promise<Store>;
}

/** A NewApp with test defaults. */
export function sampleApp(overrides: Partial<NewApp> = {}): NewApp {
  return {
    name: 'Test app',
    secretKey: 'k'.repeat(64),
    adminUserId: 'administrator',
    callbackUrl: null,
    createdAt: 1_700_000_000_000,
    settings: { ...DEFAULT_APP_SETTINGS },
    ...overrides,
  };
}

/** A Profile with test defaults. */
export function sampleProfile(userID: string, overrides: Partial<Profile> = {}): Profile {
  return {
    ...emptyProfile(userID),
    nick: `nick of ${userID}`,
    avatar: `https://example.com/${userID}.png`,
    profileCustomField: [{ key: 'Tag_Profile_Custom_Level', value: '3' }],
    ...overrides,
  };
}

/** A GroupRecord with test defaults. */
export function sampleGroup(sdkAppId: number, groupId: string, overrides: Partial<GroupRecord> = {}): GroupRecord {
  return {
    sdkAppId,
    groupId,
    type: 'AVChatRoom',
    name: `Room ${groupId}`,
    ownerId: 'host',
    introduction: 'intro',
    notification: 'notice',
    faceUrl: '',
    createdAt: 1_700_000_000_000,
    lastInfoAt: 1_700_000_000_000,
    muteAll: false,
    customFields: [{ key: 'topic', value: 'cooking' }],
    settings: { rateLimitPerSec: 80 },
    firstSeq: 1,
    counters: { likes: 12 },
    attributes: { stage: 'intro' },
    attributesVersion: 3,
    pinnedMessages: [],
    ...overrides,
  };
}

async function expectStadiumError(promise: Promise<unknown>, reason: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StadiumError);
  expect((err as StadiumError).reason).toBe(reason);
}

/** Register the shared Store suite for one adapter. `makeStore` returns a new, empty store. */
export function describeStoreContract(name: string, makeStore: () => Promise<Store>, options: StoreContractOptions = {}): void {
  describe(`Store contract: ${name}`, () => {
    const open: Store[] = [];
    const fresh = async (): Promise<Store> => {
      const store = await makeStore();
      open.push(store);
      return store;
    };

    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
    });

    describe('apps', () => {
      it('creates, gets, lists, updates and deletes an app', async () => {
        const store = await fresh();
        expect(await store.listApps()).toEqual([]);
        const app = await store.createApp(sampleApp({ name: 'Shop', callbackUrl: 'https://hooks.example.com/im' }));
        expect(app).toEqual({
          sdkAppId: expect.any(Number),
          name: 'Shop',
          secretKey: 'k'.repeat(64),
          adminUserId: 'administrator',
          callbackUrl: 'https://hooks.example.com/im',
          callbacks: noCallbacks(),
          createdAt: 1_700_000_000_000,
          settings: { ...DEFAULT_APP_SETTINGS },
        });
        expect(await store.getApp(app.sdkAppId)).toEqual(app);
        expect(await store.listApps()).toEqual([app]);

        const updated = await store.updateApp(app.sdkAppId, { name: 'Shop 2', callbackUrl: null, settings: { roomRateLimitPerSec: 10, memberTips: false, devLogin: true } });
        expect(updated).toEqual({ ...app, name: 'Shop 2', callbackUrl: null, settings: { roomRateLimitPerSec: 10, memberTips: false, devLogin: true } });
        expect(await store.getApp(app.sdkAppId)).toEqual(updated);
        expect(await store.updateApp(app.sdkAppId, {})).toEqual(updated);

        expect(await store.deleteApp(app.sdkAppId)).toBe(true);
        expect(await store.getApp(app.sdkAppId)).toBeUndefined();
        expect(await store.deleteApp(app.sdkAppId)).toBe(false);
        expect(await store.updateApp(app.sdkAppId, { name: 'x' })).toBeUndefined();
      });

      it('defaults callbackUrl to null', async () => {
        const store = await fresh();
        const { callbackUrl, ...withoutUrl } = sampleApp();
        expect(callbackUrl).toBeNull();
        expect((await store.createApp(withoutUrl)).callbackUrl).toBeNull();
      });

      it('stores and updates the callback settings', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp({ callbackUrl: 'https://hooks.example.com/im', callbacks: allCallbacks() }));
        expect(app.callbacks).toEqual(allCallbacks());
        const callbacks = { commands: ['Group.CallbackBeforeSendMsg' as const], timeoutMs: 750, failPolicy: 'reject' as const };
        const updated = await store.updateApp(app.sdkAppId, { callbacks });
        expect(updated).toEqual({ ...app, callbacks });
        expect(await store.getApp(app.sdkAppId)).toEqual(updated);
        // Changing the callback URL alone keeps the commands.
        expect((await store.updateApp(app.sdkAppId, { callbackUrl: 'https://other.example.com/cb' }))?.callbacks).toEqual(callbacks);
      });

      it('allocates distinct SDKAppIDs in 1400000000–1599999999 when none is given', async () => {
        const store = await fresh();
        const ids = new Set<number>();
        for (let i = 0; i < 20; i++) ids.add((await store.createApp(sampleApp({ createdAt: 1_700_000_000_000 + i }))).sdkAppId);
        expect(ids.size).toBe(20);
        for (const id of ids) {
          expect(Number.isInteger(id)).toBe(true);
          expect(id).toBeGreaterThanOrEqual(SDK_APP_ID_MIN);
          expect(id).toBeLessThanOrEqual(SDK_APP_ID_MAX);
        }
      });

      it('lists apps oldest first', async () => {
        const store = await fresh();
        const b = await store.createApp(sampleApp({ name: 'b', createdAt: 2 }));
        const a = await store.createApp(sampleApp({ name: 'a', createdAt: 1 }));
        expect((await store.listApps()).map((x) => x.sdkAppId)).toEqual([a.sdkAppId, b.sdkAppId]);
      });

      it('honours an explicit SDKAppID and rejects a duplicate', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp({ sdkAppId: 1400000123 }));
        expect(app.sdkAppId).toBe(1400000123);
        await expectStadiumError(store.createApp(sampleApp({ sdkAppId: 1400000123, name: 'other' })), 'INVALID_PARAMETER');
        expect((await store.getApp(1400000123))?.name).toBe('Test app');
        expect(await store.listApps()).toHaveLength(1);
      });

      it('rejects an SDKAppID that is not a positive integer', async () => {
        const store = await fresh();
        await expectStadiumError(store.createApp(sampleApp({ sdkAppId: 0 })), 'INVALID_PARAMETER');
        await expectStadiumError(store.createApp(sampleApp({ sdkAppId: 1.5 })), 'INVALID_PARAMETER');
      });

      it('refuses the 301st app with APP_LIMIT_REACHED', async () => {
        const store = await fresh();
        for (let i = 0; i < 300; i++) await store.createApp(sampleApp({ name: `app ${i}`, createdAt: i }));
        await expectStadiumError(store.createApp(sampleApp({ name: 'one too many' })), 'APP_LIMIT_REACHED');
        expect(await store.listApps()).toHaveLength(300);
      });

      it('returns copies that callers cannot use to change the store', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        app.settings.roomRateLimitPerSec = 1;
        app.name = 'changed';
        expect(await store.getApp(app.sdkAppId)).toMatchObject({ name: 'Test app', settings: { roomRateLimitPerSec: 40 } });
      });
    });

    describe('profiles', () => {
      it('puts, replaces and gets profiles per app', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        expect(await store.getProfile(app.sdkAppId, 'alice')).toBeUndefined();
        const alice = sampleProfile('alice', { lastUpdatedNumber: 3 });
        await store.putProfile(app.sdkAppId, alice);
        expect(await store.getProfile(app.sdkAppId, 'alice')).toEqual(alice);
        const renamed = { ...alice, nick: 'Alice 2', avatar: '' };
        await store.putProfile(app.sdkAppId, renamed);
        expect(await store.getProfile(app.sdkAppId, 'alice')).toEqual(renamed);
        expect(await store.getProfile(app.sdkAppId + 1, 'alice')).toBeUndefined();
      });

      it('getProfiles returns the known ones among several IDs, in request order', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        for (const id of ['a', 'b', 'c']) await store.putProfile(app.sdkAppId, sampleProfile(id));
        const got = await store.getProfiles(app.sdkAppId, ['c', 'nobody', 'a', 'c']);
        expect(got).toEqual([sampleProfile('c'), sampleProfile('a')]);
        expect(await store.getProfiles(app.sdkAppId, [])).toEqual([]);
        expect(await store.getProfiles(app.sdkAppId + 1, ['a'])).toEqual([]);
      });

      it('countProfiles counts the stored profiles of one app, each user once', async () => {
        const store = await fresh();
        const a = await store.createApp(sampleApp());
        const b = await store.createApp(sampleApp());
        expect(await store.countProfiles(a.sdkAppId)).toBe(0);
        for (const id of ['x', 'y', 'x']) await store.putProfile(a.sdkAppId, sampleProfile(id));
        await store.putProfile(b.sdkAppId, sampleProfile('z'));
        expect(await store.countProfiles(a.sdkAppId)).toBe(2);
        expect(await store.countProfiles(b.sdkAppId)).toBe(1);
        expect(await store.countProfiles(b.sdkAppId + 1)).toBe(0);
      });

      it('getProfiles handles long ID lists', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        const ids = Array.from({ length: 1200 }, (_, i) => `user${i}`);
        for (const id of ids.filter((_, i) => i % 2 === 0)) await store.putProfile(app.sdkAppId, sampleProfile(id));
        const got = await store.getProfiles(app.sdkAppId, ids);
        expect(got.map((p) => p.userID)).toEqual(ids.filter((_, i) => i % 2 === 0));
      });
    });

    describe('groups', () => {
      it('creates, gets, lists and deletes groups', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        const g1 = sampleGroup(app.sdkAppId, '@TGS#aaaa', { createdAt: 2 });
        const g2 = sampleGroup(app.sdkAppId, 'my-room', { createdAt: 1, muteAll: true, settings: {} });
        expect(await store.createGroup(g1)).toBe(true);
        expect(await store.createGroup(g2)).toBe(true);
        expect(await store.getGroup(app.sdkAppId, '@TGS#aaaa')).toEqual(g1);
        expect(await store.getGroup(app.sdkAppId, 'missing')).toBeUndefined();
        expect(await store.listGroups(app.sdkAppId)).toEqual([g2, g1]);
        expect(await store.listGroups(app.sdkAppId + 1)).toEqual([]);
        expect(await store.deleteGroup(app.sdkAppId, 'my-room')).toBe(true);
        expect(await store.deleteGroup(app.sdkAppId, 'my-room')).toBe(false);
        expect(await store.listGroups(app.sdkAppId)).toEqual([g1]);
      });

      it("countGroups counts an app's live groups, all or one owner's", async () => {
        const store = await fresh();
        const a = await store.createApp(sampleApp());
        const b = await store.createApp(sampleApp());
        expect(await store.countGroups(a.sdkAppId)).toBe(0);
        expect(await store.countGroups(a.sdkAppId, 'host')).toBe(0);
        await store.createGroup(sampleGroup(a.sdkAppId, 'r1', { ownerId: 'host' }));
        await store.createGroup(sampleGroup(a.sdkAppId, 'r2', { ownerId: 'host' }));
        await store.createGroup(sampleGroup(a.sdkAppId, 'r3', { ownerId: 'other' }));
        await store.createGroup(sampleGroup(a.sdkAppId, 'r1', { ownerId: 'other' }));
        await store.createGroup(sampleGroup(b.sdkAppId, 'r1', { ownerId: 'host' }));
        expect(await store.countGroups(a.sdkAppId)).toBe(3);
        expect(await store.countGroups(a.sdkAppId, 'host')).toBe(2);
        expect(await store.countGroups(a.sdkAppId, 'other')).toBe(1);
        expect(await store.countGroups(a.sdkAppId, 'nobody')).toBe(0);
        expect(await store.countGroups(b.sdkAppId)).toBe(1);
        await store.deleteGroup(a.sdkAppId, 'r1');
        expect(await store.countGroups(a.sdkAppId)).toBe(2);
        expect(await store.countGroups(a.sdkAppId, 'host')).toBe(1);
      });

      it('createGroup returns false on a duplicate ID and keeps the first', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        const first = sampleGroup(app.sdkAppId, 'room', { name: 'first' });
        expect(await store.createGroup(first)).toBe(true);
        expect(await store.createGroup(sampleGroup(app.sdkAppId, 'room', { name: 'second', ownerId: 'other' }))).toBe(false);
        expect(await store.getGroup(app.sdkAppId, 'room')).toEqual(first);
      });

      it('keys groups by app: the same ID may exist in two apps', async () => {
        const store = await fresh();
        const a = await store.createApp(sampleApp());
        const b = await store.createApp(sampleApp());
        expect(await store.createGroup(sampleGroup(a.sdkAppId, 'room', { name: 'in a' }))).toBe(true);
        expect(await store.createGroup(sampleGroup(b.sdkAppId, 'room', { name: 'in b' }))).toBe(true);
        expect((await store.getGroup(a.sdkAppId, 'room'))?.name).toBe('in a');
        expect((await store.getGroup(b.sdkAppId, 'room'))?.name).toBe('in b');
      });

      it('updateGroup replaces the attributes and their version together; other patches keep them', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        await store.createGroup(sampleGroup(app.sdkAppId, 'room'));
        const attributes = { stage: 'q&a', 舞台: '问答'.repeat(10), empty: '' };
        const patched = await store.updateGroup(app.sdkAppId, 'room', { attributes, attributesVersion: 4 });
        expect(patched).toMatchObject({ attributes, attributesVersion: 4 });
        await store.updateGroup(app.sdkAppId, 'room', { name: 'renamed' });
        expect(await store.getGroup(app.sdkAppId, 'room')).toMatchObject({ name: 'renamed', attributes, attributesVersion: 4 });
        await store.updateGroup(app.sdkAppId, 'room', { attributes: {}, attributesVersion: 5 });
        expect(await store.getGroup(app.sdkAppId, 'room')).toMatchObject({ attributes: {}, attributesVersion: 5 });
      });

      it('updateGroup replaces the pinned messages (as published, text and custom); other patches keep them', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        await store.createGroup(sampleGroup(app.sdkAppId, 'room'));
        const text = {
          id: 'm1',
          seq: 7,
          type: 'TIMTextElem' as const,
          payload: { text: '置顶 <b>pin</b>' },
          from: 'host',
          nick: 'Host',
          time: 1_700_000_000,
          priority: 'Normal' as const,
        };
        const custom = {
          id: 'm2',
          seq: 9,
          type: 'TIMCustomElem' as const,
          payload: { data: '{"gift":1}', description: 'rose', extension: '' },
          from: 'fan',
          time: 1_700_000_005,
          priority: 'High' as const,
        };
        const pins = [
          { message: text, pinnedBy: 'host', pinnedAt: 1_700_000_001_000, expireAt: 0 },
          { message: custom, pinnedBy: 'admin', pinnedAt: 1_700_000_006_000, expireAt: 1_700_000_066_000 },
        ];
        expect(await store.updateGroup(app.sdkAppId, 'room', { pinnedMessages: pins })).toMatchObject({ pinnedMessages: pins });
        await store.updateGroup(app.sdkAppId, 'room', { name: 'renamed' });
        expect((await store.getGroup(app.sdkAppId, 'room'))?.pinnedMessages).toEqual(pins);
        await store.updateGroup(app.sdkAppId, 'room', { pinnedMessages: [] });
        expect((await store.getGroup(app.sdkAppId, 'room'))?.pinnedMessages).toEqual([]);
      });

      it('updateGroup patches settings, custom fields and the other fields', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        const group = sampleGroup(app.sdkAppId, 'room');
        await store.createGroup(group);
        const patched = await store.updateGroup(app.sdkAppId, 'room', {
          settings: { memberTips: false },
          customFields: [{ key: 'likes', value: '42' }],
        });
        const expected = { ...group, settings: { memberTips: false }, customFields: [{ key: 'likes', value: '42' }] };
        expect(patched).toEqual(expected);
        expect(await store.getGroup(app.sdkAppId, 'room')).toEqual(expected);

        const more = await store.updateGroup(app.sdkAppId, 'room', {
          name: 'New name',
          ownerId: 'host2',
          introduction: 'i2',
          notification: 'n2',
          faceUrl: 'https://example.com/f.png',
          lastInfoAt: 1_800_000_000_000,
          muteAll: true,
          counters: undefined,
        });
        const expected2 = {
          ...expected,
          name: 'New name',
          ownerId: 'host2',
          introduction: 'i2',
          notification: 'n2',
          faceUrl: 'https://example.com/f.png',
          lastInfoAt: 1_800_000_000_000,
          muteAll: true,
        };
        expect(more).toEqual(expected2);
        expect(await store.getGroup(app.sdkAppId, 'room')).toEqual(expected2);
        expect(await store.updateGroup(app.sdkAppId, 'room', {})).toEqual(expected2);
        expect(await store.updateGroup(app.sdkAppId, 'missing', { name: 'x' })).toBeUndefined();
      });
    });

    describe('sequence reservations', () => {
      it('hands out disjoint blocks, atomically, even when reservations race', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        expect(await store.reserveSeq(app.sdkAppId, 'room', 100)).toBe(1);
        expect(await store.reserveSeq(app.sdkAppId, 'room', 100)).toBe(101);
        const firsts = await Promise.all(Array.from({ length: 20 }, () => store.reserveSeq(app.sdkAppId, 'room', 10)));
        expect(new Set(firsts).size).toBe(20);
        expect([...firsts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 201 + i * 10));
        expect(await store.reserveSeq(app.sdkAppId, 'other', 5)).toBe(1);
      });

      it('gives back the unused end only if nobody reserved since (compare-and-set)', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        const first = await store.reserveSeq(app.sdkAppId, 'room', 100);
        expect(await store.releaseSeq(app.sdkAppId, 'room', first + 100, 7)).toBe(true);
        expect(await store.reserveSeq(app.sdkAppId, 'room', 100)).toBe(7);
        // Someone else reserved after us: our release must not move the mark back.
        await store.reserveSeq(app.sdkAppId, 'room', 100);
        expect(await store.releaseSeq(app.sdkAppId, 'room', 107, 50)).toBe(false);
        expect(await store.reserveSeq(app.sdkAppId, 'room', 1)).toBe(207);
        expect(await store.releaseSeq(app.sdkAppId, 'nothing-reserved', 10, 5)).toBe(false);
      });

      it("never restarts a group ID's numbering: a re-created room starts above the old one", async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        expect(await store.createGroup(sampleGroup(app.sdkAppId, 'room', { firstSeq: 999 }))).toBe(true);
        expect((await store.getGroup(app.sdkAppId, 'room'))?.firstSeq).toBe(1);
        await store.reserveSeq(app.sdkAppId, 'room', 500);
        expect(await store.deleteGroup(app.sdkAppId, 'room')).toBe(true);
        expect(await store.createGroup(sampleGroup(app.sdkAppId, 'room'))).toBe(true);
        expect((await store.getGroup(app.sdkAppId, 'room'))?.firstSeq).toBe(501);
        expect(await store.reserveSeq(app.sdkAppId, 'room', 1)).toBe(501);
        // Deleting the app forgets the numbering with everything else.
        await store.deleteApp(app.sdkAppId);
        const again = await store.createApp(sampleApp({ sdkAppId: app.sdkAppId }));
        expect(await store.reserveSeq(again.sdkAppId, 'room', 1)).toBe(1);
      });
    });

    describe('room leases', () => {
      it('grants a lease to one node at a time; a renewal keeps the epoch, a lapsed lease goes to the next node one epoch up', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        const a = app.sdkAppId;
        expect(await store.acquireRoomLease(a, 'room', 'n1', 0, 1000, 5000)).toBe(1);
        // Held and unlapsed: nobody else gets it, and n1 without its epoch neither.
        expect(await store.acquireRoomLease(a, 'room', 'n2', 0, 4999, 9999)).toBe(0);
        expect(await store.acquireRoomLease(a, 'room', 'n1', 7, 4999, 9999)).toBe(0);
        // A renewal keeps the epoch and moves the end.
        expect(await store.acquireRoomLease(a, 'room', 'n1', 1, 4000, 8000)).toBe(1);
        expect(await store.acquireRoomLease(a, 'room', 'n2', 0, 7999, 12000)).toBe(0);
        // Lapsed: the next node takes it at a new epoch; the old holder cannot renew.
        expect(await store.acquireRoomLease(a, 'room', 'n2', 0, 8000, 12000)).toBe(2);
        expect(await store.acquireRoomLease(a, 'room', 'n1', 1, 8001, 13000)).toBe(0);
        // Another room is independent.
        expect(await store.acquireRoomLease(a, 'other', 'n1', 0, 8001, 13000)).toBe(1);
      });

      it('fences sequence reservations by the epoch: a deposed authority reserves nothing', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        const a = app.sdkAppId;
        expect(await store.reserveSeqFenced(a, 'room', 100, 1)).toBe(0);
        expect(await store.acquireRoomLease(a, 'room', 'n1', 0, 0, 1000)).toBe(1);
        expect(await store.reserveSeqFenced(a, 'room', 100, 1)).toBe(1);
        expect(await store.acquireRoomLease(a, 'room', 'n2', 0, 1000, 2000)).toBe(2);
        expect(await store.reserveSeqFenced(a, 'room', 100, 1)).toBe(0);
        // The new authority continues above the old reservation.
        expect(await store.reserveSeqFenced(a, 'room', 100, 2)).toBe(101);
        expect(await store.reserveSeq(a, 'room', 1)).toBe(201);
      });

      it('gives a lease up only for its holder, and the next holder gets a higher epoch; deleteApp forgets leases', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        const a = app.sdkAppId;
        expect(await store.acquireRoomLease(a, 'room', 'n1', 0, 0, 10_000)).toBe(1);
        expect(await store.releaseRoomLease(a, 'room', 'n2', 1)).toBe(false);
        expect(await store.releaseRoomLease(a, 'room', 'n1', 2)).toBe(false);
        expect(await store.releaseRoomLease(a, 'room', 'n1', 1)).toBe(true);
        expect(await store.acquireRoomLease(a, 'room', 'n2', 0, 10, 10_000)).toBe(2);
        expect(await store.releaseRoomLease(a, 'missing', 'n1', 1)).toBe(false);
        await store.deleteApp(a);
        const again = await store.createApp(sampleApp({ sdkAppId: a }));
        expect(await store.acquireRoomLease(again.sdkAppId, 'room', 'n3', 0, 0, 10)).toBe(1);
      });
    });

    describe('member moderation states', () => {
      it('puts, replaces, lists in user order and deletes a state with nothing left', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        await store.createGroup(sampleGroup(app.sdkAppId, 'room'));
        const now = 1_700_000_000_000;
        await store.putMemberState(app.sdkAppId, 'room', { userId: 'zed', admin: true, mutedUntil: 0, bannedUntil: 0 }, now);
        await store.putMemberState(app.sdkAppId, 'room', { userId: 'amy', admin: false, mutedUntil: now + 60_000, bannedUntil: 0 }, now);
        await store.putMemberState(app.sdkAppId, 'other', { userId: 'amy', admin: false, mutedUntil: 0, bannedUntil: now + 1 }, now);
        expect(await store.listMemberStates(app.sdkAppId, 'room')).toEqual([
          { userId: 'amy', admin: false, mutedUntil: now + 60_000, bannedUntil: 0 },
          { userId: 'zed', admin: true, mutedUntil: 0, bannedUntil: 0 },
        ]);
        await store.putMemberState(app.sdkAppId, 'room', { userId: 'zed', admin: true, mutedUntil: 0, bannedUntil: now + 5000 }, now);
        // Nothing left (the mute ended): the row goes.
        await store.putMemberState(app.sdkAppId, 'room', { userId: 'amy', admin: false, mutedUntil: now, bannedUntil: 0 }, now);
        expect(await store.listMemberStates(app.sdkAppId, 'room')).toEqual([{ userId: 'zed', admin: true, mutedUntil: 0, bannedUntil: now + 5000 }]);
        expect(await store.listMemberStates(app.sdkAppId, 'other')).toHaveLength(1);
      });

      it('deleteGroup and deleteApp delete the states', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        await store.createGroup(sampleGroup(app.sdkAppId, 'room'));
        await store.putMemberState(app.sdkAppId, 'room', { userId: 'amy', admin: true, mutedUntil: 0, bannedUntil: 0 }, 0);
        await store.putMemberState(app.sdkAppId, 'room2', { userId: 'amy', admin: true, mutedUntil: 0, bannedUntil: 0 }, 0);
        await store.deleteGroup(app.sdkAppId, 'room');
        expect(await store.listMemberStates(app.sdkAppId, 'room')).toEqual([]);
        expect(await store.listMemberStates(app.sdkAppId, 'room2')).toHaveLength(1);
        await store.deleteApp(app.sdkAppId);
        expect(await store.listMemberStates(app.sdkAppId, 'room2')).toEqual([]);
      });
    });

    describe('word lists', () => {
      it('puts, replaces, lists by name, deletes, and deleteApp deletes them', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        const other = await store.createApp(sampleApp({ name: 'other' }));
        await store.putWordList(app.sdkAppId, { name: 'zz', action: 'mask', words: ['bad', '坏词'], updatedAt: 1 });
        await store.putWordList(app.sdkAppId, { name: 'aa', action: 'reject', words: ['worse'], updatedAt: 2 });
        await store.putWordList(other.sdkAppId, { name: 'aa', action: 'mask', words: ['x'], updatedAt: 3 });
        await store.putWordList(app.sdkAppId, { name: 'zz', action: 'reject', words: ['bad'], updatedAt: 4 });
        expect(await store.listWordLists(app.sdkAppId)).toEqual([
          { name: 'aa', action: 'reject', words: ['worse'], updatedAt: 2 },
          { name: 'zz', action: 'reject', words: ['bad'], updatedAt: 4 },
        ]);
        expect(await store.deleteWordList(app.sdkAppId, 'aa')).toBe(true);
        expect(await store.deleteWordList(app.sdkAppId, 'aa')).toBe(false);
        expect((await store.listWordLists(app.sdkAppId)).map((l) => l.name)).toEqual(['zz']);
        await store.deleteApp(app.sdkAppId);
        expect(await store.listWordLists(app.sdkAppId)).toEqual([]);
        expect(await store.listWordLists(other.sdkAppId)).toEqual([{ name: 'aa', action: 'mask', words: ['x'], updatedAt: 3 }]);
      });
    });

    describe('held messages', () => {
      const held = (holdId: string, heldAt: number, text = 'hello'): HeldMessage => ({
        holdId,
        actor: { userId: 'amy', kind: 'user', origin: 'ws', platform: 'Web', clientIp: '' },
        message: { id: `m-${holdId}`, type: 'TIMTextElem', payload: { text }, from: 'amy', nick: 'Amy', priority: 'Normal' },
        afterStep: 'word-filter',
        skipBeforeSend: false,
        skipAfterSend: true,
        heldAt,
        expiresAt: heldAt + 1000,
      });

      it('puts, replaces, lists oldest first per room, and deletes by hold ID', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        await store.putHeldMessage(app.sdkAppId, 'room', held('h-b', 20));
        await store.putHeldMessage(app.sdkAppId, 'room', held('h-a', 30));
        await store.putHeldMessage(app.sdkAppId, 'room', held('h-c', 20));
        await store.putHeldMessage(app.sdkAppId, 'other', held('h-a', 5));
        await store.putHeldMessage(app.sdkAppId, 'room', held('h-a', 30, '坏词 again'));
        expect(await store.listHeldMessages(app.sdkAppId, 'room')).toEqual([held('h-b', 20), held('h-c', 20), held('h-a', 30, '坏词 again')]);
        expect(await store.deleteHeldMessages(app.sdkAppId, 'room', ['h-b', 'h-x', 'h-b'])).toBe(1);
        expect((await store.listHeldMessages(app.sdkAppId, 'room')).map((h) => h.holdId)).toEqual(['h-c', 'h-a']);
        expect(await store.listHeldMessages(app.sdkAppId, 'other')).toEqual([held('h-a', 5)]);
        expect(await store.listHeldMessages(app.sdkAppId, 'nowhere')).toEqual([]);
      });

      it('deleteGroup and deleteApp delete them', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        await store.createGroup(sampleGroup(app.sdkAppId, 'room'));
        await store.putHeldMessage(app.sdkAppId, 'room', held('h-1', 1));
        await store.putHeldMessage(app.sdkAppId, 'room2', held('h-2', 2));
        await store.deleteGroup(app.sdkAppId, 'room');
        expect(await store.listHeldMessages(app.sdkAppId, 'room')).toEqual([]);
        expect(await store.listHeldMessages(app.sdkAppId, 'room2')).toHaveLength(1);
        await store.deleteApp(app.sdkAppId);
        expect(await store.listHeldMessages(app.sdkAppId, 'room2')).toEqual([]);
      });
    });

    describe('room history', () => {
      const entry = (seq: number): { seq: number; json: string } => ({ seq, json: `{"seq":${seq},"text":"m${seq} 弹幕"}` });
      it('appends in one write, trims to the newest `keep`, pages by sequence', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        await store.createGroup(sampleGroup(app.sdkAppId, 'room'));
        await store.appendHistory(app.sdkAppId, 'room', [entry(1), entry(2), entry(3)], 5);
        await store.appendHistory(app.sdkAppId, 'room', [entry(4), entry(5), entry(7)], 5);
        expect(await store.lastHistory(app.sdkAppId, 'room', 10)).toEqual([entry(2), entry(3), entry(4), entry(5), entry(7)]);
        expect(await store.lastHistory(app.sdkAppId, 'room', 2)).toEqual([entry(5), entry(7)]);
        expect(await store.lastHistory(app.sdkAppId, 'room', 0)).toEqual([]);
        expect(await store.listHistory(app.sdkAppId, 'room', 0, 2)).toEqual([entry(2), entry(3)]);
        expect(await store.listHistory(app.sdkAppId, 'room', 3, 10)).toEqual([entry(4), entry(5), entry(7)]);
        expect(await store.listHistory(app.sdkAppId, 'room', 7, 10)).toEqual([]);
        await store.appendHistory(app.sdkAppId, 'room', [], 2);
        expect(await store.lastHistory(app.sdkAppId, 'room', 10)).toEqual([entry(5), entry(7)]);
        expect(await store.lastHistory(app.sdkAppId, 'other', 10)).toEqual([]);
      });

      it('keeps a large record whole and in order', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        const batch = Array.from({ length: 1200 }, (_, i) => entry(i + 1));
        await store.appendHistory(app.sdkAppId, 'room', batch, 1_000_000);
        const first = await store.listHistory(app.sdkAppId, 'room', 0, 1000);
        const rest = await store.listHistory(app.sdkAppId, 'room', first.at(-1)!.seq, 1000);
        expect([...first, ...rest]).toEqual(batch);
      });

      it('deleteGroup and deleteApp delete the history', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        await store.createGroup(sampleGroup(app.sdkAppId, 'room'));
        await store.createGroup(sampleGroup(app.sdkAppId, 'room2'));
        await store.appendHistory(app.sdkAppId, 'room', [entry(1)], 10);
        await store.appendHistory(app.sdkAppId, 'room2', [entry(1)], 10);
        await store.deleteGroup(app.sdkAppId, 'room');
        expect(await store.lastHistory(app.sdkAppId, 'room', 10)).toEqual([]);
        expect(await store.lastHistory(app.sdkAppId, 'room2', 10)).toEqual([entry(1)]);
        await store.deleteApp(app.sdkAppId);
        expect(await store.lastHistory(app.sdkAppId, 'room2', 10)).toEqual([]);
      });
    });

    describe('resume window', () => {
      const entry = (seq: number, atMs: number, rank: 0 | 1 | 2 | 3 = 1): ResumeWindowEntry => ({ seq, rank, json: `{"seq":${seq},"text":"m${seq} 弹幕"}`, atMs });
      it('appends in one write and trims to the newest `keep`', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        await store.appendResumeWindow(app.sdkAppId, 'room', [entry(1, 1000), entry(2, 1000, 0), entry(3, 1001, 3)], 4, 0);
        await store.appendResumeWindow(app.sdkAppId, 'room', [entry(4, 2000), entry(6, 2000)], 4, 0);
        expect(await store.lastResumeWindow(app.sdkAppId, 'room', 10)).toEqual([entry(2, 1000, 0), entry(3, 1001, 3), entry(4, 2000), entry(6, 2000)]);
        expect(await store.lastResumeWindow(app.sdkAppId, 'room', 2)).toEqual([entry(4, 2000), entry(6, 2000)]);
        expect(await store.lastResumeWindow(app.sdkAppId, 'room', 0)).toEqual([]);
        expect(await store.lastResumeWindow(app.sdkAppId, 'other', 10)).toEqual([]);
      });

      it('drops entries published before `notBeforeMs`, but always keeps the newest', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        await store.appendResumeWindow(app.sdkAppId, 'room', [entry(1, 1000), entry(2, 2000), entry(3, 3000)], 100, 0);
        await store.appendResumeWindow(app.sdkAppId, 'room', [entry(4, 4000)], 100, 3000);
        expect(await store.lastResumeWindow(app.sdkAppId, 'room', 10)).toEqual([entry(3, 3000), entry(4, 4000)]);
        await store.appendResumeWindow(app.sdkAppId, 'room', [], 100, 10_000);
        expect(await store.lastResumeWindow(app.sdkAppId, 'room', 10)).toEqual([entry(4, 4000)]);
      });

      it('deleteGroup and deleteApp delete the window', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        await store.createGroup(sampleGroup(app.sdkAppId, 'room'));
        await store.createGroup(sampleGroup(app.sdkAppId, 'room2'));
        await store.appendResumeWindow(app.sdkAppId, 'room', [entry(1, 1)], 10, 0);
        await store.appendResumeWindow(app.sdkAppId, 'room2', [entry(1, 1)], 10, 0);
        await store.deleteGroup(app.sdkAppId, 'room');
        expect(await store.lastResumeWindow(app.sdkAppId, 'room', 10)).toEqual([]);
        expect(await store.lastResumeWindow(app.sdkAppId, 'room2', 10)).toEqual([entry(1, 1)]);
        await store.deleteApp(app.sdkAppId);
        expect(await store.lastResumeWindow(app.sdkAppId, 'room2', 10)).toEqual([]);
      });
    });

    describe('userSig floors', () => {
      it('start at 0, only rise, are per app and user, and deleteApp deletes them', async () => {
        const store = await fresh();
        const app = await store.createApp(sampleApp());
        const other = await store.createApp(sampleApp({ name: 'other' }));
        expect(await store.getUserSigFloor(app.sdkAppId, 'alice')).toBe(0);
        await store.raiseUserSigFloor(app.sdkAppId, 'alice', 1_700_000_100);
        await store.raiseUserSigFloor(app.sdkAppId, 'alice', 1_700_000_050);
        await store.raiseUserSigFloor(other.sdkAppId, 'alice', 5);
        expect(await store.getUserSigFloor(app.sdkAppId, 'alice')).toBe(1_700_000_100);
        expect(await store.getUserSigFloor(app.sdkAppId, 'bob')).toBe(0);
        await store.raiseUserSigFloor(app.sdkAppId, 'alice', 1_700_000_200);
        expect(await store.getUserSigFloor(app.sdkAppId, 'alice')).toBe(1_700_000_200);
        await store.deleteApp(app.sdkAppId);
        expect(await store.getUserSigFloor(app.sdkAppId, 'alice')).toBe(0);
        expect(await store.getUserSigFloor(other.sdkAppId, 'alice')).toBe(5);
      });
    });

    describe('console operators', () => {
      it('creates once, reads, changes the password, and deleteApp leaves them alone', async () => {
        const store = await fresh();
        const operator = { name: 'operator', passwordHash: 'scrypt$hash1', createdAt: 5, updatedAt: 5 };
        expect(await store.getOperator('operator')).toBeUndefined();
        expect(await store.createOperator(operator)).toBe(true);
        expect(await store.createOperator({ ...operator, passwordHash: 'scrypt$other' })).toBe(false);
        expect(await store.getOperator('operator')).toEqual(operator);
        expect(await store.setOperatorPassword('operator', 'scrypt$hash2', 9)).toBe(true);
        expect(await store.setOperatorPassword('nobody', 'scrypt$hash2', 9)).toBe(false);
        expect(await store.getOperator('operator')).toEqual({ ...operator, passwordHash: 'scrypt$hash2', updatedAt: 9 });
        expect(await store.getOperator('nobody')).toBeUndefined();
        const app = await store.createApp(sampleApp());
        await store.deleteApp(app.sdkAppId);
        expect(await store.getOperator('operator')).toEqual({ ...operator, passwordHash: 'scrypt$hash2', updatedAt: 9 });
      });
    });

    describe('deleteApp', () => {
      it("removes the app's groups and profiles and leaves other apps alone", async () => {
        const store = await fresh();
        const doomed = await store.createApp(sampleApp({ name: 'doomed' }));
        const kept = await store.createApp(sampleApp({ name: 'kept' }));
        for (const app of [doomed, kept]) {
          await store.createGroup(sampleGroup(app.sdkAppId, 'room'));
          await store.createGroup(sampleGroup(app.sdkAppId, 'room2'));
          await store.putProfile(app.sdkAppId, sampleProfile('alice'));
        }
        expect(await store.deleteApp(doomed.sdkAppId)).toBe(true);
        expect(await store.getApp(doomed.sdkAppId)).toBeUndefined();
        expect(await store.listGroups(doomed.sdkAppId)).toEqual([]);
        expect(await store.getGroup(doomed.sdkAppId, 'room')).toBeUndefined();
        expect(await store.getProfile(doomed.sdkAppId, 'alice')).toBeUndefined();

        expect(await store.getApp(kept.sdkAppId)).toEqual(kept);
        expect(await store.listGroups(kept.sdkAppId)).toHaveLength(2);
        expect(await store.getProfile(kept.sdkAppId, 'alice')).toEqual(sampleProfile('alice'));

        const again = await store.createApp(sampleApp({ sdkAppId: doomed.sdkAppId }));
        expect(await store.listGroups(again.sdkAppId)).toEqual([]);
      });
    });

    if (options.reopen) {
      const reopen = options.reopen;
      it('keeps everything across close and reopen', async () => {
        const store = await makeStore();
        const app = await store.createApp(
          sampleApp({ callbackUrl: 'http://127.0.0.1:9000/cb', callbacks: { commands: ['State.StateChange'], timeoutMs: 500, failPolicy: 'reject' } }),
        );
        const group = sampleGroup(app.sdkAppId, 'room', { muteAll: true });
        await store.createGroup(group);
        expect(await store.reserveSeq(app.sdkAppId, 'room', 76)).toBe(1);
        await store.putProfile(app.sdkAppId, sampleProfile('alice'));
        await store.putMemberState(app.sdkAppId, 'room', { userId: 'bob', admin: true, mutedUntil: 9e12, bannedUntil: 0 }, 0);
        const kept: HeldMessage = {
          holdId: 'h-1',
          actor: { userId: 'amy', kind: 'user', origin: 'ws', platform: 'Web', clientIp: '' },
          message: { id: 'm-1', type: 'TIMTextElem', payload: { text: 'held' }, from: 'amy', priority: 'Low' },
          afterStep: 'word-filter',
          skipBeforeSend: true,
          skipAfterSend: false,
          heldAt: 10,
          expiresAt: 20,
        };
        await store.putHeldMessage(app.sdkAppId, 'room', kept);
        await store.appendHistory(app.sdkAppId, 'room', [{ seq: 3, json: '{"seq":3}' }], 10);
        await store.raiseUserSigFloor(app.sdkAppId, 'alice', 1_700_000_123);
        await store.createOperator({ name: 'operator', passwordHash: 'scrypt$h', createdAt: 1, updatedAt: 2 });
        await store.close();

        const reopened = await reopen(store);
        open.push(reopened);
        expect(await reopened.listApps()).toEqual([app]);
        expect(await reopened.getGroup(app.sdkAppId, 'room')).toEqual(group);
        expect(await reopened.reserveSeq(app.sdkAppId, 'room', 1)).toBe(77);
        expect(await reopened.getProfile(app.sdkAppId, 'alice')).toEqual(sampleProfile('alice'));
        expect(await reopened.listMemberStates(app.sdkAppId, 'room')).toEqual([{ userId: 'bob', admin: true, mutedUntil: 9e12, bannedUntil: 0 }]);
        expect(await reopened.listHeldMessages(app.sdkAppId, 'room')).toEqual([kept]);
        expect(await reopened.lastHistory(app.sdkAppId, 'room', 10)).toEqual([{ seq: 3, json: '{"seq":3}' }]);
        expect(await reopened.getUserSigFloor(app.sdkAppId, 'alice')).toBe(1_700_000_123);
        expect(await reopened.getOperator('operator')).toEqual({ name: 'operator', passwordHash: 'scrypt$h', createdAt: 1, updatedAt: 2 });
      });
    }
  });
}

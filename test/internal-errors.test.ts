/**
 * INTERNAL_ERROR is for real faults only (bad input gets a registry error: test/fuzz/), and
 * each real fault is logged once, with its cause: a store that fails on the node's side (a
 * profile read) and at the room's authority (a settings write) each give the client
 * INTERNAL_ERROR and exactly one error line naming the command and the cause.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Profile } from '@stadium/protocol';
import { createApp } from '../packages/server/src/apps/create-app.js';
import { genUserSig } from '../packages/server/src/auth/user-sig.js';
import { systemClock } from '../packages/server/src/clock/clock.js';
import { startStadium } from '../packages/server/src/server.js';
import { MemoryStore } from '../packages/server/src/storage/memory-store.js';
import type { GroupPatch, GroupRecord } from '../packages/server/src/storage/store.js';
import { RawClient } from './support/raw-client.js';

/** A MemoryStore whose next profile read or group update fails, as a broken disk would. */
class FaultyStore extends MemoryStore {
  failProfiles = false;
  failUpdates = false;

  override async getProfiles(sdkAppId: number, userIds: readonly string[]): Promise<Profile[]> {
    if (this.failProfiles) throw new Error('disk on fire (profiles)');
    return super.getProfiles(sdkAppId, userIds);
  }

  override async updateGroup(sdkAppId: number, groupId: string, changes: GroupPatch): Promise<GroupRecord | undefined> {
    if (this.failUpdates) throw new Error('disk on fire (groups)');
    return super.updateGroup(sdkAppId, groupId, changes);
  }
}

async function setUp(): Promise<{ store: FaultyStore; lines: Array<Record<string, unknown>>; host: RawClient; close: () => Promise<void> }> {
  const store = new FaultyStore();
  const app = await createApp(store, { name: 'faults' }, systemClock);
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const server = await startStadium({ port: 0, host: '127.0.0.1', dataDir: '.' }, { store, logger });
  const host = await RawClient.connect(server.url, `sdkappid=${app.sdkAppId}&v=1`);
  const userSig = genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId: 'host', expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) });
  expect((await host.request('login', { userID: 'host', userSig })).code).toBe(0);
  return { store, lines, host, close: () => server.close() };
}

describe('real faults', () => {
  it('a node-side fault answers INTERNAL_ERROR and is logged once with the command and its cause', async () => {
    const { store, lines, host, close } = await setUp();
    try {
      store.failProfiles = true;
      expect(await host.request('profile.get', { userIDList: ['a'] })).toMatchObject({ name: 'INTERNAL_ERROR', code: 10002 });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 50, msg: 'command failed', cmd: 'profile.get', err: { message: 'disk on fire (profiles)' } });
      store.failProfiles = false;
      expect((await host.request('profile.get', { userIDList: ['a'] })).code).toBe(0);
      expect(lines).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it('a fault at the room authority answers INTERNAL_ERROR and is logged once there, not again by the gateway', async () => {
    const { store, lines, host, close } = await setUp();
    try {
      expect((await host.request('group.create', { name: 'live', type: 'AVChatRoom', groupID: 'r1' })).code).toBe(0);
      store.failUpdates = true;
      expect(await host.request('group.settings', { groupID: 'r1', rateLimitPerSec: 10 })).toMatchObject({ name: 'INTERNAL_ERROR' });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 50, msg: 'authority request failed', cmd: 'settings', group: 'r1', err: { message: 'disk on fire (groups)' } });
      store.failUpdates = false;
      expect(await host.request('group.settings', { groupID: 'r1', rateLimitPerSec: 10 })).toMatchObject({ code: 0 });
      expect(lines).toHaveLength(1);
    } finally {
      await close();
    }
  });
});

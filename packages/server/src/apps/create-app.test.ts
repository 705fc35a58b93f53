import { StadiumError } from '@stadium/protocol';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/manual-clock.js';
import { MemoryStore } from '../storage/memory-store.js';
import { DEFAULT_APP_SETTINGS } from '../storage/store.js';
import { allCallbacks, noCallbacks } from '../core/app-callbacks.js';
import { createApp } from './create-app.js';

async function reasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(StadiumError);
    return (err as StadiumError).reason;
  }
}

describe('createApp', () => {
  const clock = new ManualClock(1_700_000_123_000);

  it('creates an app with a 64-hex secret key, the administrator account and default settings', async () => {
    const store = new MemoryStore();
    const app = await createApp(store, { name: 'Live shop' }, clock);
    expect(app).toEqual({
      sdkAppId: expect.any(Number),
      name: 'Live shop',
      secretKey: expect.stringMatching(/^[0-9a-f]{64}$/),
      adminUserId: 'administrator',
      callbackUrl: null,
      callbacks: noCallbacks(),
      createdAt: 1_700_000_123_000,
      settings: { ...DEFAULT_APP_SETTINGS },
    });
    expect(await store.getApp(app.sdkAppId)).toEqual(app);
    const other = await createApp(store, { name: 'Other' }, clock);
    expect(other.secretKey).not.toBe(app.secretKey);
  });

  it('stores a callback URL and an explicit SDKAppID', async () => {
    const store = new MemoryStore();
    const app = await createApp(store, { name: 'Hooks', callbackUrl: 'https://example.com/im/callback', sdkAppId: 1400000042 }, clock);
    expect(app.sdkAppId).toBe(1400000042);
    expect(app.callbackUrl).toBe('https://example.com/im/callback');
    // A callback URL given at creation enables every callback command.
    expect(app.callbacks).toEqual(allCallbacks());
  });

  it('validates the name: 1–64 characters', async () => {
    const store = new MemoryStore();
    expect(await reasonOf(createApp(store, { name: '' }, clock))).toBe('INVALID_APP_NAME');
    expect(await reasonOf(createApp(store, { name: '   ' }, clock))).toBe('INVALID_APP_NAME');
    expect(await reasonOf(createApp(store, { name: 'x'.repeat(65) }, clock))).toBe('INVALID_APP_NAME');
    expect(await reasonOf(createApp(store, { name: 1 as unknown as string }, clock))).toBe('INVALID_APP_NAME');
    expect((await createApp(store, { name: 'x'.repeat(64) }, clock)).name).toHaveLength(64);
    expect((await createApp(store, { name: '直播'.repeat(32) }, clock)).name).toHaveLength(64);
    expect(await store.listApps()).toHaveLength(2);
  });

  it('rejects a callback URL that is not http(s)', async () => {
    const store = new MemoryStore();
    for (const callbackUrl of ['ftp://example.com/x', 'not a url', '/relative', 'javascript:alert(1)']) {
      expect(await reasonOf(createApp(store, { name: 'a', callbackUrl }, clock))).toBe('INVALID_PARAMETER');
    }
    expect(await store.listApps()).toEqual([]);
  });

  it('passes on APP_LIMIT_REACHED from the store', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 300; i++) await createApp(store, { name: `app ${i}` }, clock);
    expect(await reasonOf(createApp(store, { name: 'too many' }, clock))).toBe('APP_LIMIT_REACHED');
  });
});

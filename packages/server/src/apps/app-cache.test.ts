import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/manual-clock.js';
import { MemoryStore } from '../storage/memory-store.js';
import { DEFAULT_APP_SETTINGS } from '../storage/store.js';
import { AppCache } from './app-cache.js';

describe('AppCache', () => {
  it('serves from the cache within the TTL and stays bounded under made-up SDKAppIDs', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const app = await store.createApp({ name: 'a', secretKey: 'k', adminUserId: 'administrator', createdAt: 0, settings: { ...DEFAULT_APP_SETTINGS } });
    const cache = new AppCache(store, clock, 5000);
    expect((await cache.get(app.sdkAppId))?.name).toBe('a');
    await store.updateApp(app.sdkAppId, { name: 'b' });
    expect((await cache.get(app.sdkAppId))?.name).toBe('a');
    clock.advance(5000);
    expect((await cache.get(app.sdkAppId))?.name).toBe('b');
    for (let id = 1; id <= 5000; id++) expect(await cache.get(id)).toBeUndefined();
    expect(cache.cached()).toHaveLength(1);
    expect(cache.size).toBeLessThanOrEqual(1000);
  });
});

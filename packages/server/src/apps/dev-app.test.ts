import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/manual-clock.js';
import { MemoryStore } from '../storage/memory-store.js';
import { createApp } from './create-app.js';
import { ensureDevApp } from './dev-app.js';

describe('ensureDevApp', () => {
  const clock = new ManualClock();

  it('creates a "Development" app in an empty store, then returns it without creating another', async () => {
    const store = new MemoryStore();
    const first = await ensureDevApp(store, clock);
    expect(first.created).toBe(true);
    expect(first.app).toMatchObject({ name: 'Development', adminUserId: 'administrator' });
    const second = await ensureDevApp(store, clock);
    expect(second).toEqual({ app: first.app, created: false });
    expect(await store.listApps()).toHaveLength(1);
  });

  it('leaves a store that already has an app alone', async () => {
    const store = new MemoryStore();
    const mine = await createApp(store, { name: 'Mine' }, clock);
    expect(await ensureDevApp(store, clock)).toEqual({ app: mine, created: false });
    expect(await store.listApps()).toEqual([mine]);
  });
});

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.js';
import { openStore } from './open-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { sampleApp } from './store.contract.js';

describe('openStore', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'stadium-open-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }
  function track(store: Store): Store {
    cleanup.push(() => store.close());
    return store;
  }

  it("opens <dataDir>/stadium.db for db '' and creates the folder", async () => {
    const dataDir = join(await tempDir(), 'nested', 'data');
    const store = track(await openStore({ db: '', dataDir }));
    expect(store).toBeInstanceOf(SqliteStore);
    expect(existsSync(join(dataDir, 'stadium.db'))).toBe(true);
  });

  it('opens the named file for sqlite:<path>', async () => {
    const file = join(await tempDir(), 'sub', 'custom.db');
    const store = track(await openStore({ db: `sqlite:${file}`, dataDir: '/nonexistent-should-not-be-used' }));
    const app = await store.createApp(sampleApp());
    await store.close();
    expect(existsSync(file)).toBe(true);
    const again = track(await openStore({ db: `sqlite:${file}`, dataDir: '' }));
    expect(await again.getApp(app.sdkAppId)).toEqual(app);
  });

  it('opens an in-memory SQLite database for sqlite::memory:', async () => {
    const store = track(await openStore({ db: 'sqlite::memory:', dataDir: '' }));
    expect(store).toBeInstanceOf(SqliteStore);
  });

  it('opens a MemoryStore for memory:', async () => {
    expect(track(await openStore({ db: 'memory:', dataDir: '' }))).toBeInstanceOf(MemoryStore);
  });

  it('loads nothing of pg unless a postgres:// URL is asked for', async () => {
    track(await openStore({ db: 'memory:', dataDir: '' }));
    track(await openStore({ db: 'sqlite::memory:', dataDir: '' }));
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.some((file) => file.includes('better-sqlite3'))).toBe(true);
    expect(loaded.filter((file) => /[\\/]node_modules[\\/]pg[\\/]/.test(file))).toEqual([]);
  });

  it('rejects other URLs with a TypeError naming the supported ones', async () => {
    for (const db of ['mysql://localhost/stadium', 'postgres:', 'sqlite:', 'foo']) {
      await expect(openStore({ db, dataDir: '' })).rejects.toThrow(TypeError);
    }
    await expect(openStore({ db: 'mysql://x', dataDir: '' })).rejects.toThrow(/sqlite:<file>.*memory:.*postgres:\/\//);
    // postgres:// URLs open a PostgresStore: see postgres/postgres-store.test.ts.
    await expect(openStore({ db: 'postgres://x/db?pool_size=none', dataDir: '' })).rejects.toThrow(/pool_size must be an integer/);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { allCallbacks, noCallbacks } from '../core/app-callbacks.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { describeStoreContract, sampleApp, sampleGroup } from './store.contract.js';

const dirs: string[] = [];
const files = new WeakMap<Store, string>();

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stadium-sqlite-'));
  dirs.push(dir);
  return join(dir, 'stadium.db');
}

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describeStoreContract(
  'SqliteStore',
  async () => {
    const file = await tempFile();
    const store = await SqliteStore.open(file);
    files.set(store, file);
    return store;
  },
  {
    reopen: async (closed) => {
      const file = files.get(closed);
      if (!file) throw new Error('store was not made by this test');
      return SqliteStore.open(file);
    },
  },
);

describeStoreContract('SqliteStore (:memory:)', () => SqliteStore.open(':memory:'));

describe('SqliteStore file', () => {
  it('uses WAL mode and composite keys', async () => {
    const file = await tempFile();
    const store = await SqliteStore.open(file);
    await store.close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const pk = (table: string) => (db.prepare(`select name, pk from pragma_table_info(?) where pk > 0 order by pk`).all(table) as Array<{ name: string }>).map((r) => r.name);
      expect(pk('apps')).toEqual(['sdk_app_id']);
      expect(pk('profiles')).toEqual(['sdk_app_id', 'user_id']);
      expect(pk('groups')).toEqual(['sdk_app_id', 'group_id']);
    } finally {
      db.close();
    }
  });

  it('opens an existing file without re-running migrations, and close is idempotent', async () => {
    const file = await tempFile();
    const first = await SqliteStore.open(file);
    const app = await first.createApp(sampleApp());
    await first.close();
    await first.close();
    const second = await SqliteStore.open(file);
    try {
      expect(await second.getApp(app.sdkAppId)).toEqual(app);
    } finally {
      await second.close();
    }
  });

  it('reads an app stored before a setting existed with that setting at its default (devLogin off)', async () => {
    const file = await tempFile();
    const store = await SqliteStore.open(file);
    const app = await store.createApp(sampleApp());
    await store.close();
    const db = new Database(file);
    try {
      db.prepare('update apps set settings = ? where sdk_app_id = ?').run(JSON.stringify({ roomRateLimitPerSec: 7, memberTips: true }), app.sdkAppId);
    } finally {
      db.close();
    }
    const reopened = await SqliteStore.open(file);
    try {
      expect((await reopened.getApp(app.sdkAppId))?.settings).toEqual({ roomRateLimitPerSec: 7, memberTips: true, devLogin: false });
    } finally {
      await reopened.close();
    }
  });

  it("lets two handles on one file see each other's writes (CLI beside a running server)", async () => {
    const file = await tempFile();
    const server = await SqliteStore.open(file);
    const cli = await SqliteStore.open(file);
    try {
      const app = await cli.createApp(sampleApp());
      expect(await server.getApp(app.sdkAppId)).toEqual(app);
    } finally {
      await cli.close();
      await server.close();
    }
  });

  it('0005_app_callbacks gives apps that already had a callback URL every callback command', async () => {
    const file = await tempFile();
    // A database as the build before callbacks left it (migrations 0001–0003).
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    const before = Object.fromEntries(Object.entries(SQLITE_MIGRATIONS).filter(([name]) => name < '0004'));
    expect((await new Migrator({ db: old, provider: { getMigrations: async () => before } }).migrateToLatest()).error).toBeUndefined();
    const row = { name: 'a', secret_key: 'k', admin_user_id: 'administrator', created_at: 1, settings: '{"roomRateLimitPerSec":40,"memberTips":true}' };
    await sql`insert into apps (sdk_app_id, name, secret_key, admin_user_id, callback_url, created_at, settings) values (1400000001, ${row.name}, ${row.secret_key}, ${row.admin_user_id}, 'https://example.com/cb', ${row.created_at}, ${row.settings}), (1400000002, ${row.name}, ${row.secret_key}, ${row.admin_user_id}, null, ${row.created_at}, ${row.settings})`.execute(
      old,
    );
    await old.destroy();
    const store = await SqliteStore.open(file);
    try {
      expect((await store.getApp(1400000001))?.callbacks).toEqual(allCallbacks());
      expect((await store.getApp(1400000002))?.callbacks).toEqual(noCallbacks());
    } finally {
      await store.close();
    }
  });
  it('0011_pinned_messages gives rooms stored before it no pins', async () => {
    const file = await tempFile();
    const first = await SqliteStore.open(file);
    const app = await first.createApp(sampleApp());
    await first.createGroup(sampleGroup(app.sdkAppId, 'room'));
    await first.close();
    // Back to the build before pins: the column, the later migrations' tables and their records gone.
    const raw = new Database(file);
    raw.exec(
      "alter table groups drop column pinned_messages; drop table group_history; drop table operators; drop table room_leases; drop table resume_window; delete from kysely_migration where name >= '0011';",
    );
    raw.close();
    const store = await SqliteStore.open(file);
    try {
      expect((await store.getGroup(app.sdkAppId, 'room'))?.pinnedMessages).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

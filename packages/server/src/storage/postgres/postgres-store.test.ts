import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StadiumError } from '@stadium/protocol';
import { startTestPostgres } from '../../../../../test/support/postgres.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { describeStoreContract, sampleApp, sampleGroup, sampleProfile } from '../store.contract.js';
import { PostgresStore } from './postgres-store.js';
import { parsePostgresUrl, redact } from './postgres-url.js';

const server = await startTestPostgres();
afterAll(() => server[Symbol.asyncDispose]());

const urls = new WeakMap<Store, string>();

describeStoreContract(
  'PostgresStore',
  async () => {
    const url = await server.createDatabase('contract');
    const store = await PostgresStore.open(url);
    urls.set(store, url);
    return store;
  },
  {
    reopen: async (closed) => {
      const url = urls.get(closed);
      if (!url) throw new Error('store was not made by this test');
      return PostgresStore.open(url);
    },
  },
);

async function rejection(promise: Promise<unknown>): Promise<StadiumError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StadiumError);
  return error as StadiumError;
}

/** An admin connection to the same database, for locks and for ending the store's connections. */
async function admin(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  client.on('error', () => undefined);
  return client;
}

/** Wait until one of the store's statements waits for a lock (it is then mid-way in the database). */
async function untilWaitingForLock(client: pg.Client): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity where application_name = 'stadium' and wait_event_type = 'Lock' and datname = current_database()`,
    );
    if (Number(rows[0]!.n) > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { rows } = await client.query(`select application_name, state, wait_event_type, query from pg_stat_activity where datname = current_database()`);
  throw new Error(`no statement of the store started waiting for the lock: ${JSON.stringify(rows)}`);
}

describe('PostgresStore', () => {
  it('two stores on one database racing reserveSeq never hand out the same number', async () => {
    const url = await server.createDatabase('race');
    const a = await PostgresStore.open(url);
    const b = await PostgresStore.open(url);
    try {
      const app = await a.createApp(sampleApp());
      const blocks: Array<[number, number]> = [];
      const race = async (store: Store, seed: number): Promise<void> => {
        await Promise.all(
          Array.from({ length: 100 }, async (_, i) => {
            const count = 1 + ((seed * 31 + i * 7) % 50);
            blocks.push([await store.reserveSeq(app.sdkAppId, 'room', count), count]);
          }),
        );
      };
      await Promise.all([race(a, 1), race(b, 2)]);
      blocks.sort((x, y) => x[0] - y[0]);
      // Disjoint and without holes: each block starts where the previous one ended.
      let next = 1;
      for (const [first, count] of blocks) {
        expect(first).toBe(next);
        next = first + count;
      }
      expect(blocks).toHaveLength(200);
      expect(await b.reserveSeq(app.sdkAppId, 'room', 1)).toBe(next);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('several nodes starting at once on a new database migrate it once', async () => {
    const url = await server.createDatabase('migrate');
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(url)));
    try {
      const app = await stores[0]!.createApp(sampleApp());
      for (const store of stores) expect(await store.getApp(app.sdkAppId)).toEqual(app);
    } finally {
      for (const store of stores) await store.close();
    }
  });

  it('keeps at most pool_size connections, and statement_timeout_ms cancels a statement with STORE_UNAVAILABLE', async () => {
    const url = await server.createDatabase('pool');
    const store = await PostgresStore.open(`${url}?pool_size=2&statement_timeout_ms=300`);
    const client = await admin(url);
    try {
      const app = await store.createApp(sampleApp());
      await Promise.all(Array.from({ length: 20 }, () => store.getApp(app.sdkAppId)));
      const { rows } = await client.query<{ n: string }>(`select count(*) as n from pg_stat_activity where application_name = 'stadium' and datname = current_database()`);
      expect(Number(rows[0]!.n)).toBe(2);
      // A read stuck behind a lock runs into the statement timeout (it is not retried).
      await client.query('begin');
      await client.query('lock table groups in access exclusive mode');
      const error = await rejection(store.getGroup(app.sdkAppId, 'room'));
      await client.query('rollback');
      expect(error.reason).toBe('STORE_UNAVAILABLE');
      expect(error.message).toMatch(/getGroup .*statement timed out/);
      expect(await store.getGroup(app.sdkAppId, 'room')).toBeUndefined();
    } finally {
      await client.end();
      await store.close();
    }
  });

  it('opens a database over the unix socket in its folder, and through openStore for postgres:// and postgresql:// URLs', async () => {
    const url = await server.createDatabase('socket');
    const name = new URL(url).pathname.slice(1);
    const viaSocket = await openStore({ db: server.socketUrl(name), dataDir: '/nonexistent-should-not-be-used' });
    try {
      expect(viaSocket).toBeInstanceOf(PostgresStore);
      const app = await viaSocket.createApp(sampleApp());
      const viaTcp = await openStore({ db: url.replace(/^postgres:/, 'postgresql:') + '?pool_size=2&statement_timeout_ms=5000&connect_timeout_ms=2000', dataDir: '' });
      try {
        expect(await viaTcp.getApp(app.sdkAppId)).toEqual(app);
      } finally {
        await viaTcp.close();
      }
    } finally {
      await viaSocket.close();
    }
  });

  it('reads its own URL parameters, passes the others to pg, and rejects bad values with what to fix', () => {
    expect(parsePostgresUrl('postgres://u:p@db.example.com:5433/stadium?sslmode=require&pool_size=20&connect_timeout_ms=1500')).toEqual({
      connectionString: 'postgres://u:p@db.example.com:5433/stadium?sslmode=require',
      options: { poolSize: 20, statementTimeoutMs: 10_000, connectTimeoutMs: 1500 },
    });
    expect(() => parsePostgresUrl('postgres://h/db?pool_size=0')).toThrow(/pool_size must be an integer 1–1000, got "0"/);
    expect(() => parsePostgresUrl('postgres://h/db?statement_timeout_ms=abc')).toThrow(TypeError);
    expect(redact('postgres://user:secret@host/db')).toBe('postgres://user:***@host/db');
    expect(redact('postgres://user@host/db?sslmode=require&password=secret')).toBe('postgres://user@host/db?sslmode=require&password=***');
    expect(redact('postgres://host/db')).toBe('postgres://host/db');
  });

  it('fails with STORE_UNAVAILABLE, naming the database without its password, when the database cannot be reached', async () => {
    const url = `postgres://stadium:secret@127.0.0.1:${server.port}/never_created_db`;
    const error = await rejection(
      PostgresStore.open(`postgres://stadium:secret@127.0.0.1:1/whatever?connect_timeout_ms=500`).then(async (s) => {
        await s.close();
      }),
    );
    expect(error.reason).toBe('STORE_UNAVAILABLE');
    expect(error.message).toContain('postgres://stadium:***@127.0.0.1:1/whatever');
    expect(error.message).not.toContain('secret');
    // A database that does not exist is a configuration error, passed on as PostgreSQL says it.
    await expect(PostgresStore.open(url)).rejects.toThrow(/never_created_db.*does not exist/);
  });

  it('retries an idempotent write whose connection broke mid-way, and refuses to repeat a create, with a clear error', async () => {
    const url = await server.createDatabase('broken');
    const store = await PostgresStore.open(url);
    const client = await admin(url);
    try {
      const app = await store.createApp(sampleApp());
      /** Start `call` while `table` is locked, end the store's waiting connection, then unlock; the call's outcome. */
      const breakMidWay = async (table: string, call: () => Promise<unknown>): Promise<unknown> => {
        await client.query('begin');
        await client.query(`lock table ${table} in access exclusive mode`);
        const outcome = call().then(
          () => 'done',
          (e: unknown) => e,
        );
        await untilWaitingForLock(client);
        await client.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'stadium' and wait_event_type = 'Lock' and datname = current_database()`,
        );
        await client.query('commit');
        return outcome;
      };
      // putProfile is idempotent: retried on a new connection, it succeeds.
      expect(await breakMidWay('profiles', () => store.putProfile(app.sdkAppId, sampleProfile('alice')))).toBe('done');
      expect(await store.getProfile(app.sdkAppId, 'alice')).toEqual(sampleProfile('alice'));
      // createGroup is not: repeating it could answer "exists" for its own first attempt.
      const error = await breakMidWay('groups', () => store.createGroup(sampleGroup(app.sdkAppId, 'room')));
      expect(error).toBeInstanceOf(StadiumError);
      expect((error as StadiumError).reason).toBe('STORE_UNAVAILABLE');
      expect((error as StadiumError).message).toMatch(/createGroup .*may or may not have taken effect/);
    } finally {
      await client.end();
      await store.close();
    }
  });

  it('while PostgreSQL restarts: writes fail with STORE_UNAVAILABLE, nothing is half-written, and writes succeed after', async () => {
    const url = await server.createDatabase('restart');
    const store = await PostgresStore.open(`${url}?connect_timeout_ms=1000`);
    const client = await admin(url);
    try {
      const app = await store.createApp(sampleApp());
      await store.createGroup(sampleGroup(app.sdkAppId, 'room'));
      await store.putMemberState(app.sdkAppId, 'room', { userId: 'bob', admin: true, mutedUntil: 0, bannedUntil: 0 }, 0);
      await store.putProfile(app.sdkAppId, sampleProfile('alice'));
      expect(await store.reserveSeq(app.sdkAppId, 'room', 10)).toBe(1);

      // deleteApp deletes groups, marks and states, then blocks on the locked profiles table: PostgreSQL crashes mid-transaction.
      await client.query('begin');
      await client.query('lock table profiles in access exclusive mode');
      const doomed = rejection(store.deleteApp(app.sdkAppId));
      await untilWaitingForLock(client);
      await server.stop('immediate');
      const lost = await doomed;
      expect(lost.reason).toBe('STORE_UNAVAILABLE');

      // Down: every call fails with the clear code, reads and writes alike.
      for (const call of [
        store.putProfile(app.sdkAppId, sampleProfile('carol')),
        store.createGroup(sampleGroup(app.sdkAppId, 'room2')),
        store.reserveSeq(app.sdkAppId, 'room', 10),
        store.getApp(app.sdkAppId),
      ]) {
        const error = await rejection(call);
        expect(error.reason).toBe('STORE_UNAVAILABLE');
        expect(error.code).toBe(19080);
      }

      await server.start();
      // Nothing half-written: the deleteApp transaction left everything as it was.
      expect(await store.getApp(app.sdkAppId)).toEqual(app);
      expect(await store.getGroup(app.sdkAppId, 'room')).toEqual(sampleGroup(app.sdkAppId, 'room'));
      expect(await store.listMemberStates(app.sdkAppId, 'room')).toEqual([{ userId: 'bob', admin: true, mutedUntil: 0, bannedUntil: 0 }]);
      expect(await store.getProfile(app.sdkAppId, 'alice')).toEqual(sampleProfile('alice'));
      expect(await store.getProfile(app.sdkAppId, 'carol')).toBeUndefined();
      // The mark survived too: numbering continues above the reserved block, no duplicates.
      expect(await store.reserveSeq(app.sdkAppId, 'room', 10)).toBe(11);
      // And writes work again.
      expect(await store.createGroup(sampleGroup(app.sdkAppId, 'room2'))).toBe(true);
      expect(await store.deleteApp(app.sdkAppId)).toBe(true);
      expect(await store.listGroups(app.sdkAppId)).toEqual([]);
    } finally {
      await client.end().catch(() => undefined);
      await store.close();
      await server.start().catch(() => undefined);
    }
  });
});

/**
 * PostgresStore: the Store port on a PostgreSQL database shared by every node of a cluster
 * (pg's Pool through Kysely's PostgresDialect). Chosen with `--db postgres://…`; this module
 * and pg are only loaded then (see `../open-store.ts`).
 *
 * - Every write is one statement or one transaction, so a dropped connection leaves nothing
 *   half-written.
 * - A call that fails because the database cannot be reached is retried a few times; calls
 *   whose repetition could do something twice (create, delete) are retried only when the
 *   failure came before anything reached the database. When the database stays away, the call
 *   rejects with `StadiumError('STORE_UNAVAILABLE')`.
 * - Sequence reservations are one `INSERT … ON CONFLICT DO UPDATE … RETURNING`: the row lock
 *   makes two authorities on two machines get disjoint blocks. A retried reservation whose
 *   first answer was lost only leaves a gap in the numbers, never a duplicate.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Kysely, Migrator, PostgresDialect, sql, type Migration } from 'kysely';
import pg from 'pg';
import { StadiumError, type Profile } from '@stadium/protocol';
import { noCallbacks } from '../../core/app-callbacks.js';
import { assertBelowAppLimit, chooseSdkAppId } from '../app-ids.js';
import type { AppsTable } from '../sqlite-schema.js';
import { findApp, findGroup, fromGroup, groupPatchColumns, toApp, toGroup, toResumeWindowEntry, trimResumeWindow } from '../sqlite-store.js';
import type { AppPatch, AppRecord, GroupPatch, GroupRecord, HeldMessage, HistoryEntry, MemberState, NewApp, OperatorRecord, ResumeWindowEntry, Store, WordList } from '../store.js';
import { classifyFailure } from './postgres-errors.js';
import { POSTGRES_MIGRATIONS, type PostgresDatabaseSchema } from './postgres-schema.js';
import { parsePostgresUrl, redact } from './postgres-url.js';

/** Waits before each retry of a call that could not reach the database (about 1.4 s in all). */
const RETRY_DELAYS_MS: readonly number[] = [100, 300, 1000];
/** IDs per `IN (…)` list. */
const IN_LIST_CHUNK = 500;
/** Advisory lock key that serialises app creation across nodes (the 300-app limit, free IDs). */
const APPS_LOCK_KEY = 0x5354_4150; // 'STAP'
/** OID of `bigint` (int8); read as a JS number, every value Stadium stores being below 2^53. */
const INT8_OID = 20;

/** pg's type parsers, except that `bigint` is read as a number (pg reads it as a string). */
const readInt8AsNumber = ((oid: number, format?: 'text' | 'binary'): unknown =>
  oid === INT8_OID && format !== 'binary' ? (value: string): number => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

/** Whether a call may be repeated after its connection broke mid-way. */
type Retry = 'idempotent' | 'once';

/** A {@link Store} on a PostgreSQL database. Create it with {@link PostgresStore.open}. */
export class PostgresStore implements Store {
  readonly #db: Kysely<PostgresDatabaseSchema>;
  readonly #where: string;
  #closed = false;

  private constructor(db: Kysely<PostgresDatabaseSchema>, where: string) {
    this.#db = db;
    this.#where = where;
  }

  /**
   * Connect to the database `url` names and bring its schema up to date (several nodes may
   * do this at once: Kysely's migrator takes a lock). Rejects with STORE_UNAVAILABLE when the
   * database cannot be reached, with a TypeError for a malformed URL.
   */
  static async open(url: string): Promise<PostgresStore> {
    const { connectionString, options } = parsePostgresUrl(url);
    const where = redact(url);
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      // A transaction left open by a vanished caller must not hold its locks for ever.
      idle_in_transaction_session_timeout: Math.max(options.statementTimeoutMs, 10_000),
      application_name: 'stadium',
      types: { getTypeParser: readInt8AsNumber },
    });
    // An idle connection that breaks (database restarted) is dropped by the pool; without a
    // listener the error would end the process.
    pool.on('error', () => undefined);
    // The same for a connection that breaks while checked out between two statements: the
    // statement in progress fails (and is retried or reported); the event must not end the process.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<PostgresDatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
    const store = new PostgresStore(db, where);
    try {
      await store.#call('open', 'idempotent', async () => {
        const migrator = new Migrator({
          db,
          provider: { getMigrations: async (): Promise<Record<string, Migration>> => ({ ...POSTGRES_MIGRATIONS }) },
        });
        const { error } = await migrator.migrateToLatest();
        if (error !== undefined) {
          // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a migration may reject with anything; String() is the best description of a non-Error
          throw error instanceof Error ? error : new Error(`migrating ${where} failed: ${String(error)}`);
        }
      });
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return store;
  }

  /**
   * Run `fn`, retrying while the database cannot be reached: any call when nothing reached
   * it, an idempotent one also when the connection broke mid-way. Connection failures that
   * remain become STORE_UNAVAILABLE.
   */
  async #call<T>(op: string, retry: Retry, fn: (db: Kysely<PostgresDatabaseSchema>) => Promise<T>): Promise<T> {
    let broke = false;
    for (let attempt = 0; ; attempt++) {
      if (this.#closed) throw new StadiumError('STORE_UNAVAILABLE', `${op}: the store is closed`);
      try {
        return await fn(this.#db);
      } catch (err) {
        if (err instanceof StadiumError) throw err;
        const kind = classifyFailure(err);
        if (kind === 'other') throw err;
        const message = err instanceof Error ? err.message : 'unknown error';
        if (kind === 'timeout') throw new StadiumError('STORE_UNAVAILABLE', `${op} on ${this.#where}: the statement timed out (${message})`);
        if (kind === 'lost') broke = true;
        const mayRetry = kind === 'unsent' || retry === 'idempotent';
        const wait = RETRY_DELAYS_MS[attempt];
        if (!mayRetry || wait === undefined) {
          const outcome = !broke
            ? 'nothing was written'
            : retry === 'once'
              ? 'the connection broke, so it may or may not have taken effect'
              : 'the connection broke, so it may have taken effect; repeating it is safe';
          throw new StadiumError('STORE_UNAVAILABLE', `${op} on ${this.#where} failed (${message}); ${outcome}`);
        }
        await delay(wait);
      }
    }
  }

  async createApp(app: NewApp): Promise<AppRecord> {
    return this.#call('createApp', 'once', (db) =>
      db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${APPS_LOCK_KEY})`.execute(trx);
        const { count } = await trx
          .selectFrom('apps')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow();
        assertBelowAppLimit(Number(count));
        const sdkAppId = await chooseSdkAppId(app.sdkAppId, async (id) => (await findApp(trx, id)) !== undefined);
        const row: AppsTable = {
          sdk_app_id: sdkAppId,
          name: app.name,
          secret_key: app.secretKey,
          admin_user_id: app.adminUserId,
          callback_url: app.callbackUrl ?? null,
          callbacks: JSON.stringify(app.callbacks ?? noCallbacks()),
          created_at: app.createdAt,
          settings: JSON.stringify(app.settings),
        };
        await trx.insertInto('apps').values(row).execute();
        return toApp(row);
      }),
    );
  }

  async getApp(sdkAppId: number): Promise<AppRecord | undefined> {
    const row = await this.#call('getApp', 'idempotent', (db) => findApp(db, sdkAppId));
    return row && toApp(row);
  }

  async listApps(): Promise<AppRecord[]> {
    const rows = await this.#call('listApps', 'idempotent', (db) => db.selectFrom('apps').selectAll().orderBy('created_at').orderBy('sdk_app_id').execute());
    return rows.map(toApp);
  }

  async updateApp(sdkAppId: number, patch: AppPatch): Promise<AppRecord | undefined> {
    const set: Partial<AppsTable> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.callbackUrl !== undefined) set.callback_url = patch.callbackUrl;
    if (patch.callbacks !== undefined) set.callbacks = JSON.stringify(patch.callbacks);
    if (patch.settings !== undefined) set.settings = JSON.stringify(patch.settings);
    const row = await this.#call('updateApp', 'idempotent', async (db) => {
      if (Object.keys(set).length === 0) return findApp(db, sdkAppId);
      return db.updateTable('apps').set(set).where('sdk_app_id', '=', sdkAppId).returningAll().executeTakeFirst();
    });
    return row && toApp(row);
  }

  async deleteApp(sdkAppId: number): Promise<boolean> {
    return this.#call('deleteApp', 'once', (db) =>
      db.transaction().execute(async (trx) => {
        await trx.deleteFrom('groups').where('sdk_app_id', '=', sdkAppId).execute();
        await trx.deleteFrom('group_seqs').where('sdk_app_id', '=', sdkAppId).execute();
        await trx.deleteFrom('room_leases').where('sdk_app_id', '=', sdkAppId).execute();
        await trx.deleteFrom('group_members').where('sdk_app_id', '=', sdkAppId).execute();
        await trx.deleteFrom('profiles').where('sdk_app_id', '=', sdkAppId).execute();
        await trx.deleteFrom('word_lists').where('sdk_app_id', '=', sdkAppId).execute();
        await trx.deleteFrom('held_messages').where('sdk_app_id', '=', sdkAppId).execute();
        await trx.deleteFrom('group_history').where('sdk_app_id', '=', sdkAppId).execute();
        await trx.deleteFrom('resume_window').where('sdk_app_id', '=', sdkAppId).execute();
        await trx.deleteFrom('user_sig_floors').where('sdk_app_id', '=', sdkAppId).execute();
        const result = await trx.deleteFrom('apps').where('sdk_app_id', '=', sdkAppId).executeTakeFirst();
        return result.numDeletedRows > 0n;
      }),
    );
  }

  async getProfile(sdkAppId: number, userId: string): Promise<Profile | undefined> {
    const row = await this.#call('getProfile', 'idempotent', (db) =>
      db.selectFrom('profiles').select('data').where('sdk_app_id', '=', sdkAppId).where('user_id', '=', userId).executeTakeFirst(),
    );
    return row && (JSON.parse(row.data) as Profile);
  }

  async getProfiles(sdkAppId: number, userIds: readonly string[]): Promise<Profile[]> {
    const wanted = [...new Set(userIds)];
    const found = new Map<string, Profile>();
    for (let i = 0; i < wanted.length; i += IN_LIST_CHUNK) {
      const chunk = wanted.slice(i, i + IN_LIST_CHUNK);
      const rows = await this.#call('getProfiles', 'idempotent', (db) =>
        db.selectFrom('profiles').select(['user_id', 'data']).where('sdk_app_id', '=', sdkAppId).where('user_id', 'in', chunk).execute(),
      );
      for (const row of rows) found.set(row.user_id, JSON.parse(row.data) as Profile);
    }
    return wanted.flatMap((id) => {
      const profile = found.get(id);
      return profile ? [profile] : [];
    });
  }

  async putProfile(sdkAppId: number, profile: Profile): Promise<void> {
    const values = { nick: profile.nick ?? '', avatar: profile.avatar ?? '', data: JSON.stringify(profile) };
    await this.#call('putProfile', 'idempotent', (db) =>
      db
        .insertInto('profiles')
        .values({ sdk_app_id: sdkAppId, user_id: profile.userID, ...values })
        .onConflict((oc) => oc.columns(['sdk_app_id', 'user_id']).doUpdateSet(values))
        .execute(),
    );
  }

  async countProfiles(sdkAppId: number): Promise<number> {
    const row = await this.#call('countProfiles', 'idempotent', (db) =>
      db
        .selectFrom('profiles')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('sdk_app_id', '=', sdkAppId)
        .executeTakeFirstOrThrow(),
    );
    return Number(row.n);
  }

  async createGroup(group: GroupRecord): Promise<boolean> {
    // One statement: the first number is read from the mark in the same step as the insert.
    const firstSeq = sql<number>`coalesce((select next_seq from group_seqs where sdk_app_id = ${group.sdkAppId} and group_id = ${group.groupId}), 1)`;
    const result = await this.#call('createGroup', 'once', (db) =>
      db
        .insertInto('groups')
        .values({ ...fromGroup(group), first_seq: firstSeq })
        .onConflict((oc) => oc.columns(['sdk_app_id', 'group_id']).doNothing())
        .executeTakeFirst(),
    );
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async getGroup(sdkAppId: number, groupId: string): Promise<GroupRecord | undefined> {
    const row = await this.#call('getGroup', 'idempotent', (db) => findGroup(db, sdkAppId, groupId));
    return row && toGroup(row);
  }

  async updateGroup(sdkAppId: number, groupId: string, patch: GroupPatch): Promise<GroupRecord | undefined> {
    const set = groupPatchColumns(patch);
    const row = await this.#call('updateGroup', 'idempotent', async (db) => {
      if (Object.keys(set).length === 0) return findGroup(db, sdkAppId, groupId);
      return db.updateTable('groups').set(set).where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).returningAll().executeTakeFirst();
    });
    return row && toGroup(row);
  }

  async deleteGroup(sdkAppId: number, groupId: string): Promise<boolean> {
    return this.#call('deleteGroup', 'once', (db) =>
      db.transaction().execute(async (trx) => {
        await trx.deleteFrom('group_members').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).execute();
        await trx.deleteFrom('held_messages').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).execute();
        await trx.deleteFrom('group_history').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).execute();
        await trx.deleteFrom('resume_window').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).execute();
        const result = await trx.deleteFrom('groups').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).executeTakeFirst();
        return result.numDeletedRows > 0n;
      }),
    );
  }

  async listGroups(sdkAppId: number): Promise<GroupRecord[]> {
    const rows = await this.#call('listGroups', 'idempotent', (db) =>
      db.selectFrom('groups').selectAll().where('sdk_app_id', '=', sdkAppId).orderBy('created_at').orderBy('group_id').execute(),
    );
    return rows.map(toGroup);
  }

  async countGroups(sdkAppId: number, ownerId?: string): Promise<number> {
    const row = await this.#call('countGroups', 'idempotent', (db) => {
      let query = db
        .selectFrom('groups')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('sdk_app_id', '=', sdkAppId);
      if (ownerId !== undefined) query = query.where('owner_id', '=', ownerId);
      return query.executeTakeFirstOrThrow();
    });
    return Number(row.n);
  }

  async reserveSeq(sdkAppId: number, groupId: string, count: number): Promise<number> {
    // Retried even when an answer was lost: a lost block is a gap in the numbers, never a duplicate.
    const row = await this.#call('reserveSeq', 'idempotent', (db) =>
      db
        .insertInto('group_seqs')
        .values({ sdk_app_id: sdkAppId, group_id: groupId, next_seq: 1 + count })
        .onConflict((oc) => oc.columns(['sdk_app_id', 'group_id']).doUpdateSet((eb) => ({ next_seq: eb('group_seqs.next_seq', '+', count) })))
        .returning('next_seq')
        .executeTakeFirstOrThrow(),
    );
    return row.next_seq - count;
  }

  async reserveSeqFenced(sdkAppId: number, groupId: string, count: number, epoch: number): Promise<number> {
    // One statement, so the lease check and the reservation are one step; retried like reserveSeq.
    const result = await this.#call('reserveSeqFenced', 'idempotent', (db) =>
      sql<{ next_seq: number }>`
        insert into group_seqs (sdk_app_id, group_id, next_seq)
        select ${sdkAppId}::bigint, ${groupId}::text, ${1 + count}::bigint
        where exists (select 1 from room_leases where sdk_app_id = ${sdkAppId}::bigint and group_id = ${groupId}::text and epoch = ${epoch}::bigint for share)
        on conflict (sdk_app_id, group_id) do update set next_seq = group_seqs.next_seq + ${count}::bigint
        returning next_seq`.execute(db),
    );
    const row = result.rows[0];
    return row ? Number(row.next_seq) - count : 0;
  }

  async acquireRoomLease(sdkAppId: number, groupId: string, node: string, epoch: number, nowMs: number, untilMs: number): Promise<number> {
    // A compare-and-set that a repeat could misread (it would find its own new epoch): sent once.
    const result = await this.#call('acquireRoomLease', 'once', (db) =>
      sql<{ epoch: number }>`
        insert into room_leases (sdk_app_id, group_id, node, epoch, until_ms) values (${sdkAppId}::bigint, ${groupId}::text, ${node}::text, 1, ${untilMs}::bigint)
        on conflict (sdk_app_id, group_id) do update set
          epoch = case when room_leases.node = excluded.node and room_leases.epoch = ${epoch}::bigint then room_leases.epoch else room_leases.epoch + 1 end,
          node = excluded.node,
          until_ms = excluded.until_ms
        where (room_leases.node = excluded.node and room_leases.epoch = ${epoch}::bigint) or room_leases.until_ms <= ${nowMs}::bigint
        returning epoch`.execute(db),
    );
    const row = result.rows[0];
    return row ? Number(row.epoch) : 0;
  }

  async releaseRoomLease(sdkAppId: number, groupId: string, node: string, epoch: number): Promise<boolean> {
    const result = await this.#call('releaseRoomLease', 'idempotent', (db) =>
      db
        .updateTable('room_leases')
        .set({ until_ms: 0 })
        .where('sdk_app_id', '=', sdkAppId)
        .where('group_id', '=', groupId)
        .where('node', '=', node)
        .where('epoch', '=', epoch)
        .executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async releaseSeq(sdkAppId: number, groupId: string, reservedEnd: number, nextSeq: number): Promise<boolean> {
    // A compare-and-set: repeating it after a lost answer can only find the mark moved and do nothing.
    const result = await this.#call('releaseSeq', 'idempotent', (db) =>
      db
        .updateTable('group_seqs')
        .set({ next_seq: nextSeq })
        .where('sdk_app_id', '=', sdkAppId)
        .where('group_id', '=', groupId)
        .where('next_seq', '=', reservedEnd)
        .executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async listMemberStates(sdkAppId: number, groupId: string): Promise<MemberState[]> {
    const rows = await this.#call('listMemberStates', 'idempotent', (db) =>
      db.selectFrom('group_members').selectAll().where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).orderBy('user_id').execute(),
    );
    return rows.map((r) => ({ userId: r.user_id, admin: r.admin === 1, mutedUntil: r.muted_until, bannedUntil: r.banned_until }));
  }

  async putMemberState(sdkAppId: number, groupId: string, state: MemberState, now: number): Promise<void> {
    if (!state.admin && state.mutedUntil <= now && state.bannedUntil <= now) {
      await this.#call('putMemberState', 'idempotent', (db) =>
        db.deleteFrom('group_members').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).where('user_id', '=', state.userId).execute(),
      );
      return;
    }
    const row = { admin: state.admin ? 1 : 0, muted_until: state.mutedUntil, banned_until: state.bannedUntil };
    await this.#call('putMemberState', 'idempotent', (db) =>
      db
        .insertInto('group_members')
        .values({ sdk_app_id: sdkAppId, group_id: groupId, user_id: state.userId, ...row })
        .onConflict((oc) => oc.columns(['sdk_app_id', 'group_id', 'user_id']).doUpdateSet(row))
        .execute(),
    );
  }

  async listWordLists(sdkAppId: number): Promise<WordList[]> {
    const rows = await this.#call('listWordLists', 'idempotent', (db) => db.selectFrom('word_lists').selectAll().where('sdk_app_id', '=', sdkAppId).orderBy('name').execute());
    return rows.map((r) => ({
      name: r.name,
      action: r.action === 'reject' || r.action === 'review' ? r.action : 'mask',
      words: JSON.parse(r.words) as string[],
      updatedAt: r.updated_at,
    }));
  }

  async putWordList(sdkAppId: number, list: WordList): Promise<void> {
    const row = { action: list.action, words: JSON.stringify(list.words), updated_at: list.updatedAt };
    await this.#call('putWordList', 'idempotent', (db) =>
      db
        .insertInto('word_lists')
        .values({ sdk_app_id: sdkAppId, name: list.name, ...row })
        .onConflict((oc) => oc.columns(['sdk_app_id', 'name']).doUpdateSet(row))
        .execute(),
    );
  }

  async deleteWordList(sdkAppId: number, name: string): Promise<boolean> {
    const result = await this.#call('deleteWordList', 'once', (db) => db.deleteFrom('word_lists').where('sdk_app_id', '=', sdkAppId).where('name', '=', name).executeTakeFirst());
    return result.numDeletedRows > 0n;
  }

  async listHeldMessages(sdkAppId: number, groupId: string): Promise<HeldMessage[]> {
    const rows = await this.#call('listHeldMessages', 'idempotent', (db) =>
      db.selectFrom('held_messages').select('data').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).orderBy('held_at').orderBy('hold_id').execute(),
    );
    return rows.map((r) => JSON.parse(r.data) as HeldMessage);
  }

  async putHeldMessage(sdkAppId: number, groupId: string, held: HeldMessage): Promise<void> {
    const row = { held_at: held.heldAt, data: JSON.stringify(held) };
    await this.#call('putHeldMessage', 'idempotent', (db) =>
      db
        .insertInto('held_messages')
        .values({ sdk_app_id: sdkAppId, group_id: groupId, hold_id: held.holdId, ...row })
        .onConflict((oc) => oc.columns(['sdk_app_id', 'group_id', 'hold_id']).doUpdateSet(row))
        .execute(),
    );
  }

  async deleteHeldMessages(sdkAppId: number, groupId: string, holdIds: readonly string[]): Promise<number> {
    const wanted = [...new Set(holdIds)];
    let n = 0;
    for (let i = 0; i < wanted.length; i += IN_LIST_CHUNK) {
      const chunk = wanted.slice(i, i + IN_LIST_CHUNK);
      const result = await this.#call('deleteHeldMessages', 'idempotent', (db) =>
        db.deleteFrom('held_messages').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).where('hold_id', 'in', chunk).executeTakeFirst(),
      );
      n += Number(result.numDeletedRows);
    }
    return n;
  }

  async appendHistory(sdkAppId: number, groupId: string, entries: readonly HistoryEntry[], keep: number): Promise<void> {
    // Idempotent: a repeated batch rewrites the same rows, and the trim only keeps the newest.
    await this.#call('appendHistory', 'idempotent', (db) =>
      db.transaction().execute(async (trx) => {
        for (let i = 0; i < entries.length; i += IN_LIST_CHUNK) {
          const rows = entries.slice(i, i + IN_LIST_CHUNK).map((e) => ({ sdk_app_id: sdkAppId, group_id: groupId, seq: e.seq, json: e.json }));
          await trx
            .insertInto('group_history')
            .values(rows)
            .onConflict((oc) => oc.columns(['sdk_app_id', 'group_id', 'seq']).doUpdateSet((eb) => ({ json: eb.ref('excluded.json') })))
            .execute();
        }
        const edge = await trx
          .selectFrom('group_history')
          .select('seq')
          .where('sdk_app_id', '=', sdkAppId)
          .where('group_id', '=', groupId)
          .orderBy('seq', 'desc')
          .offset(Math.max(0, keep))
          .limit(1)
          .executeTakeFirst();
        if (edge) await trx.deleteFrom('group_history').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).where('seq', '<=', edge.seq).execute();
      }),
    );
  }

  async listHistory(sdkAppId: number, groupId: string, afterSeq: number, limit: number): Promise<HistoryEntry[]> {
    if (limit <= 0) return [];
    return this.#call('listHistory', 'idempotent', (db) =>
      db
        .selectFrom('group_history')
        .select(['seq', 'json'])
        .where('sdk_app_id', '=', sdkAppId)
        .where('group_id', '=', groupId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute(),
    );
  }

  async lastHistory(sdkAppId: number, groupId: string, limit: number): Promise<HistoryEntry[]> {
    if (limit <= 0) return [];
    const rows = await this.#call('lastHistory', 'idempotent', (db) =>
      db.selectFrom('group_history').select(['seq', 'json']).where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).orderBy('seq', 'desc').limit(limit).execute(),
    );
    return rows.reverse();
  }

  async appendResumeWindow(sdkAppId: number, groupId: string, entries: readonly ResumeWindowEntry[], keep: number, notBeforeMs: number): Promise<void> {
    // Idempotent: a repeated batch rewrites the same rows, and the trim only keeps the newest.
    await this.#call('appendResumeWindow', 'idempotent', (db) =>
      db.transaction().execute(async (trx) => {
        for (let i = 0; i < entries.length; i += IN_LIST_CHUNK) {
          const rows = entries.slice(i, i + IN_LIST_CHUNK).map((e) => ({ sdk_app_id: sdkAppId, group_id: groupId, seq: e.seq, rank: e.rank, json: e.json, at_ms: e.atMs }));
          await trx
            .insertInto('resume_window')
            .values(rows)
            .onConflict((oc) =>
              oc
                .columns(['sdk_app_id', 'group_id', 'seq'])
                .doUpdateSet((eb) => ({ rank: eb.ref('excluded.rank'), json: eb.ref('excluded.json'), at_ms: eb.ref('excluded.at_ms') })),
            )
            .execute();
        }
        await trimResumeWindow(trx, sdkAppId, groupId, keep, notBeforeMs);
      }),
    );
  }

  async lastResumeWindow(sdkAppId: number, groupId: string, limit: number): Promise<ResumeWindowEntry[]> {
    if (limit <= 0) return [];
    const rows = await this.#call('lastResumeWindow', 'idempotent', (db) =>
      db
        .selectFrom('resume_window')
        .select(['seq', 'rank', 'json', 'at_ms'])
        .where('sdk_app_id', '=', sdkAppId)
        .where('group_id', '=', groupId)
        .orderBy('seq', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.reverse().map(toResumeWindowEntry);
  }

  async getUserSigFloor(sdkAppId: number, userId: string): Promise<number> {
    const row = await this.#call('getUserSigFloor', 'idempotent', (db) =>
      db.selectFrom('user_sig_floors').select('floor_sec').where('sdk_app_id', '=', sdkAppId).where('user_id', '=', userId).executeTakeFirst(),
    );
    return row?.floor_sec ?? 0;
  }

  async raiseUserSigFloor(sdkAppId: number, userId: string, floorSec: number): Promise<void> {
    // GREATEST keeps the higher floor, so a retried or concurrent raise never lowers it.
    await this.#call('raiseUserSigFloor', 'idempotent', (db) =>
      db
        .insertInto('user_sig_floors')
        .values({ sdk_app_id: sdkAppId, user_id: userId, floor_sec: floorSec })
        .onConflict((oc) => oc.columns(['sdk_app_id', 'user_id']).doUpdateSet({ floor_sec: sql<number>`greatest(user_sig_floors.floor_sec, excluded.floor_sec)` }))
        .execute(),
    );
  }

  async getOperator(name: string): Promise<OperatorRecord | undefined> {
    const row = await this.#call('getOperator', 'idempotent', (db) => db.selectFrom('operators').selectAll().where('name', '=', name).executeTakeFirst());
    return row && { name: row.name, passwordHash: row.password_hash, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  async createOperator(operator: OperatorRecord): Promise<boolean> {
    const result = await this.#call('createOperator', 'once', (db) =>
      db
        .insertInto('operators')
        .values({ name: operator.name, password_hash: operator.passwordHash, created_at: operator.createdAt, updated_at: operator.updatedAt })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst(),
    );
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async setOperatorPassword(name: string, passwordHash: string, updatedAt: number): Promise<boolean> {
    const result = await this.#call('setOperatorPassword', 'idempotent', (db) =>
      db.updateTable('operators').set({ password_hash: passwordHash, updated_at: updatedAt }).where('name', '=', name).executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.destroy();
  }
}

/**
 * SqliteStore: the Store port on an embedded SQLite file (better-sqlite3 through Kysely).
 * The default store: `stadium start` keeps `<dataDir>/stadium.db`. WAL mode lets the CLI
 * (`stadium app create`) write while a server holds the same file open.
 */
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type Migration, type Selectable, type Transaction } from 'kysely';
import type { Profile } from '@stadium/protocol';
import { assertBelowAppLimit, chooseSdkAppId } from './app-ids.js';
import { SQLITE_MIGRATIONS, type AppsTable, type GroupsTable, type SqliteDatabaseSchema } from './sqlite-schema.js';
import { noCallbacks } from '../core/app-callbacks.js';
import {
  DEFAULT_APP_SETTINGS,
  type AppPatch,
  type AppRecord,
  type GroupPatch,
  type GroupRecord,
  type HeldMessage,
  type HistoryEntry,
  type MemberState,
  type NewApp,
  type OperatorRecord,
  type ResumeWindowEntry,
  type Store,
  type WordList,
} from './store.js';

/** How long a write waits for another process's lock before failing. */
const BUSY_TIMEOUT_MS = 5000;
/** IDs per `IN (…)` list, well under SQLite's bound-parameter limit. */
const IN_LIST_CHUNK = 500;

type Db = Kysely<SqliteDatabaseSchema> | Transaction<SqliteDatabaseSchema>;

/** A {@link Store} on one SQLite file. Create it with {@link SqliteStore.open}. */
export class SqliteStore implements Store {
  readonly #db: Kysely<SqliteDatabaseSchema>;
  #closed = false;

  private constructor(db: Kysely<SqliteDatabaseSchema>) {
    this.#db = db;
  }

  /**
   * Open (creating if needed) the database at `file` and bring its schema up to date.
   * `file` may be `:memory:` for a private in-memory database. The parent folder must exist.
   */
  static async open(file: string): Promise<SqliteStore> {
    const sqlite = new Database(file);
    try {
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    } catch (err) {
      sqlite.close();
      throw err;
    }
    const db = new Kysely<SqliteDatabaseSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async (): Promise<Record<string, Migration>> => ({ ...SQLITE_MIGRATIONS }) },
    });
    const { error } = await migrator.migrateToLatest();
    if (error) {
      await db.destroy();
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a migration may reject with anything; String() is the best description of a non-Error
      throw error instanceof Error ? error : new Error(`migrating ${file} failed: ${String(error)}`);
    }
    return new SqliteStore(db);
  }

  async createApp(app: NewApp): Promise<AppRecord> {
    return this.#db.transaction().execute(async (trx) => {
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
    });
  }

  async getApp(sdkAppId: number): Promise<AppRecord | undefined> {
    const row = await findApp(this.#db, sdkAppId);
    return row && toApp(row);
  }

  async listApps(): Promise<AppRecord[]> {
    const rows = await this.#db.selectFrom('apps').selectAll().orderBy('created_at').orderBy('sdk_app_id').execute();
    return rows.map(toApp);
  }

  async updateApp(sdkAppId: number, patch: AppPatch): Promise<AppRecord | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const set: Partial<AppsTable> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.callbackUrl !== undefined) set.callback_url = patch.callbackUrl;
      if (patch.callbacks !== undefined) set.callbacks = JSON.stringify(patch.callbacks);
      if (patch.settings !== undefined) set.settings = JSON.stringify(patch.settings);
      if (Object.keys(set).length > 0) await trx.updateTable('apps').set(set).where('sdk_app_id', '=', sdkAppId).execute();
      const row = await findApp(trx, sdkAppId);
      return row && toApp(row);
    });
  }

  async deleteApp(sdkAppId: number): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
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
    });
  }

  async getProfile(sdkAppId: number, userId: string): Promise<Profile | undefined> {
    const row = await this.#db.selectFrom('profiles').select('data').where('sdk_app_id', '=', sdkAppId).where('user_id', '=', userId).executeTakeFirst();
    return row && (JSON.parse(row.data) as Profile);
  }

  async getProfiles(sdkAppId: number, userIds: readonly string[]): Promise<Profile[]> {
    const wanted = [...new Set(userIds)];
    const found = new Map<string, Profile>();
    for (let i = 0; i < wanted.length; i += IN_LIST_CHUNK) {
      const rows = await this.#db
        .selectFrom('profiles')
        .select(['user_id', 'data'])
        .where('sdk_app_id', '=', sdkAppId)
        .where('user_id', 'in', wanted.slice(i, i + IN_LIST_CHUNK))
        .execute();
      for (const row of rows) found.set(row.user_id, JSON.parse(row.data) as Profile);
    }
    return wanted.flatMap((id) => {
      const profile = found.get(id);
      return profile ? [profile] : [];
    });
  }

  async putProfile(sdkAppId: number, profile: Profile): Promise<void> {
    const values = { nick: profile.nick ?? '', avatar: profile.avatar ?? '', data: JSON.stringify(profile) };
    await this.#db
      .insertInto('profiles')
      .values({ sdk_app_id: sdkAppId, user_id: profile.userID, ...values })
      .onConflict((oc) => oc.columns(['sdk_app_id', 'user_id']).doUpdateSet(values))
      .execute();
  }

  async countProfiles(sdkAppId: number): Promise<number> {
    const row = await this.#db
      .selectFrom('profiles')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sdk_app_id', '=', sdkAppId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async createGroup(group: GroupRecord): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const mark = await trx.selectFrom('group_seqs').select('next_seq').where('sdk_app_id', '=', group.sdkAppId).where('group_id', '=', group.groupId).executeTakeFirst();
      const result = await trx
        .insertInto('groups')
        .values({ ...fromGroup(group), first_seq: mark?.next_seq ?? 1 })
        .onConflict((oc) => oc.columns(['sdk_app_id', 'group_id']).doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    });
  }

  async getGroup(sdkAppId: number, groupId: string): Promise<GroupRecord | undefined> {
    const row = await findGroup(this.#db, sdkAppId, groupId);
    return row && toGroup(row);
  }

  async updateGroup(sdkAppId: number, groupId: string, patch: GroupPatch): Promise<GroupRecord | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const set = groupPatchColumns(patch);
      if (Object.keys(set).length > 0) {
        await trx.updateTable('groups').set(set).where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).execute();
      }
      const row = await findGroup(trx, sdkAppId, groupId);
      return row && toGroup(row);
    });
  }

  async deleteGroup(sdkAppId: number, groupId: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('group_members').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).execute();
      await trx.deleteFrom('held_messages').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).execute();
      await trx.deleteFrom('group_history').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).execute();
      await trx.deleteFrom('resume_window').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).execute();
      const result = await trx.deleteFrom('groups').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  async listMemberStates(sdkAppId: number, groupId: string): Promise<MemberState[]> {
    const rows = await this.#db.selectFrom('group_members').selectAll().where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).orderBy('user_id').execute();
    return rows.map((r) => ({ userId: r.user_id, admin: r.admin === 1, mutedUntil: r.muted_until, bannedUntil: r.banned_until }));
  }

  async putMemberState(sdkAppId: number, groupId: string, state: MemberState, now: number): Promise<void> {
    const key = this.#db.deleteFrom('group_members').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).where('user_id', '=', state.userId);
    if (!state.admin && state.mutedUntil <= now && state.bannedUntil <= now) {
      await key.execute();
      return;
    }
    const row = { admin: state.admin ? 1 : 0, muted_until: state.mutedUntil, banned_until: state.bannedUntil };
    await this.#db
      .insertInto('group_members')
      .values({ sdk_app_id: sdkAppId, group_id: groupId, user_id: state.userId, ...row })
      .onConflict((oc) => oc.columns(['sdk_app_id', 'group_id', 'user_id']).doUpdateSet(row))
      .execute();
  }

  async listWordLists(sdkAppId: number): Promise<WordList[]> {
    const rows = await this.#db.selectFrom('word_lists').selectAll().where('sdk_app_id', '=', sdkAppId).orderBy('name').execute();
    return rows.map((r) => ({
      name: r.name,
      action: r.action === 'reject' || r.action === 'review' ? r.action : 'mask',
      words: JSON.parse(r.words) as string[],
      updatedAt: r.updated_at,
    }));
  }

  async putWordList(sdkAppId: number, list: WordList): Promise<void> {
    const row = { action: list.action, words: JSON.stringify(list.words), updated_at: list.updatedAt };
    await this.#db
      .insertInto('word_lists')
      .values({ sdk_app_id: sdkAppId, name: list.name, ...row })
      .onConflict((oc) => oc.columns(['sdk_app_id', 'name']).doUpdateSet(row))
      .execute();
  }

  async deleteWordList(sdkAppId: number, name: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('word_lists').where('sdk_app_id', '=', sdkAppId).where('name', '=', name).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async listHeldMessages(sdkAppId: number, groupId: string): Promise<HeldMessage[]> {
    const rows = await this.#db
      .selectFrom('held_messages')
      .select('data')
      .where('sdk_app_id', '=', sdkAppId)
      .where('group_id', '=', groupId)
      .orderBy('held_at')
      .orderBy('hold_id')
      .execute();
    return rows.map((r) => JSON.parse(r.data) as HeldMessage);
  }

  async putHeldMessage(sdkAppId: number, groupId: string, held: HeldMessage): Promise<void> {
    const row = { held_at: held.heldAt, data: JSON.stringify(held) };
    await this.#db
      .insertInto('held_messages')
      .values({ sdk_app_id: sdkAppId, group_id: groupId, hold_id: held.holdId, ...row })
      .onConflict((oc) => oc.columns(['sdk_app_id', 'group_id', 'hold_id']).doUpdateSet(row))
      .execute();
  }

  async deleteHeldMessages(sdkAppId: number, groupId: string, holdIds: readonly string[]): Promise<number> {
    const wanted = [...new Set(holdIds)];
    let n = 0;
    for (let i = 0; i < wanted.length; i += IN_LIST_CHUNK) {
      const result = await this.#db
        .deleteFrom('held_messages')
        .where('sdk_app_id', '=', sdkAppId)
        .where('group_id', '=', groupId)
        .where('hold_id', 'in', wanted.slice(i, i + IN_LIST_CHUNK))
        .executeTakeFirst();
      n += Number(result.numDeletedRows);
    }
    return n;
  }

  async getUserSigFloor(sdkAppId: number, userId: string): Promise<number> {
    const row = await this.#db.selectFrom('user_sig_floors').select('floor_sec').where('sdk_app_id', '=', sdkAppId).where('user_id', '=', userId).executeTakeFirst();
    return row?.floor_sec ?? 0;
  }

  async raiseUserSigFloor(sdkAppId: number, userId: string, floorSec: number): Promise<void> {
    await this.#db
      .insertInto('user_sig_floors')
      .values({ sdk_app_id: sdkAppId, user_id: userId, floor_sec: floorSec })
      .onConflict((oc) => oc.columns(['sdk_app_id', 'user_id']).doUpdateSet({ floor_sec: sql<number>`max(floor_sec, excluded.floor_sec)` }))
      .execute();
  }

  async getOperator(name: string): Promise<OperatorRecord | undefined> {
    const row = await this.#db.selectFrom('operators').selectAll().where('name', '=', name).executeTakeFirst();
    return row && { name: row.name, passwordHash: row.password_hash, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  async createOperator(operator: OperatorRecord): Promise<boolean> {
    const result = await this.#db
      .insertInto('operators')
      .values({ name: operator.name, password_hash: operator.passwordHash, created_at: operator.createdAt, updated_at: operator.updatedAt })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async setOperatorPassword(name: string, passwordHash: string, updatedAt: number): Promise<boolean> {
    const result = await this.#db.updateTable('operators').set({ password_hash: passwordHash, updated_at: updatedAt }).where('name', '=', name).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async listGroups(sdkAppId: number): Promise<GroupRecord[]> {
    const rows = await this.#db.selectFrom('groups').selectAll().where('sdk_app_id', '=', sdkAppId).orderBy('created_at').orderBy('group_id').execute();
    return rows.map(toGroup);
  }

  async countGroups(sdkAppId: number, ownerId?: string): Promise<number> {
    let query = this.#db
      .selectFrom('groups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sdk_app_id', '=', sdkAppId);
    if (ownerId !== undefined) query = query.where('owner_id', '=', ownerId);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async reserveSeq(sdkAppId: number, groupId: string, count: number): Promise<number> {
    // One statement: SQLite runs it atomically, so concurrent reservations never overlap.
    const row = await this.#db
      .insertInto('group_seqs')
      .values({ sdk_app_id: sdkAppId, group_id: groupId, next_seq: 1 + count })
      .onConflict((oc) => oc.columns(['sdk_app_id', 'group_id']).doUpdateSet((eb) => ({ next_seq: eb('group_seqs.next_seq', '+', count) })))
      .returning('next_seq')
      .executeTakeFirstOrThrow();
    return row.next_seq - count;
  }

  async reserveSeqFenced(sdkAppId: number, groupId: string, count: number, epoch: number): Promise<number> {
    // One statement: the lease check and the reservation are one atomic step.
    const result = await sql<{ next_seq: number }>`
      insert into group_seqs (sdk_app_id, group_id, next_seq)
      select ${sdkAppId}, ${groupId}, ${1 + count}
      where exists (select 1 from room_leases where sdk_app_id = ${sdkAppId} and group_id = ${groupId} and epoch = ${epoch})
      on conflict (sdk_app_id, group_id) do update set next_seq = group_seqs.next_seq + ${count}
      returning next_seq`.execute(this.#db);
    const row = result.rows[0];
    return row ? row.next_seq - count : 0;
  }

  async acquireRoomLease(sdkAppId: number, groupId: string, node: string, epoch: number, nowMs: number, untilMs: number): Promise<number> {
    const result = await sql<{ epoch: number }>`
      insert into room_leases (sdk_app_id, group_id, node, epoch, until_ms) values (${sdkAppId}, ${groupId}, ${node}, 1, ${untilMs})
      on conflict (sdk_app_id, group_id) do update set
        epoch = case when room_leases.node = excluded.node and room_leases.epoch = ${epoch} then room_leases.epoch else room_leases.epoch + 1 end,
        node = excluded.node,
        until_ms = excluded.until_ms
      where (room_leases.node = excluded.node and room_leases.epoch = ${epoch}) or room_leases.until_ms <= ${nowMs}
      returning epoch`.execute(this.#db);
    return result.rows[0]?.epoch ?? 0;
  }

  async releaseRoomLease(sdkAppId: number, groupId: string, node: string, epoch: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('room_leases')
      .set({ until_ms: 0 })
      .where('sdk_app_id', '=', sdkAppId)
      .where('group_id', '=', groupId)
      .where('node', '=', node)
      .where('epoch', '=', epoch)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async releaseSeq(sdkAppId: number, groupId: string, reservedEnd: number, nextSeq: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('group_seqs')
      .set({ next_seq: nextSeq })
      .where('sdk_app_id', '=', sdkAppId)
      .where('group_id', '=', groupId)
      .where('next_seq', '=', reservedEnd)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async appendHistory(sdkAppId: number, groupId: string, entries: readonly HistoryEntry[], keep: number): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < entries.length; i += HISTORY_INSERT_CHUNK) {
        const rows = entries.slice(i, i + HISTORY_INSERT_CHUNK).map((e) => ({ sdk_app_id: sdkAppId, group_id: groupId, seq: e.seq, json: e.json }));
        await trx
          .insertInto('group_history')
          .values(rows)
          .onConflict((oc) => oc.columns(['sdk_app_id', 'group_id', 'seq']).doUpdateSet((eb) => ({ json: eb.ref('excluded.json') })))
          .execute();
      }
      // The newest `keep` rows stay; the primary key orders by seq, so this walks only the tail.
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
    });
  }

  async listHistory(sdkAppId: number, groupId: string, afterSeq: number, limit: number): Promise<HistoryEntry[]> {
    if (limit <= 0) return [];
    return this.#db
      .selectFrom('group_history')
      .select(['seq', 'json'])
      .where('sdk_app_id', '=', sdkAppId)
      .where('group_id', '=', groupId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
  }

  async lastHistory(sdkAppId: number, groupId: string, limit: number): Promise<HistoryEntry[]> {
    if (limit <= 0) return [];
    const rows = await this.#db
      .selectFrom('group_history')
      .select(['seq', 'json'])
      .where('sdk_app_id', '=', sdkAppId)
      .where('group_id', '=', groupId)
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse();
  }

  async appendResumeWindow(sdkAppId: number, groupId: string, entries: readonly ResumeWindowEntry[], keep: number, notBeforeMs: number): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < entries.length; i += HISTORY_INSERT_CHUNK) {
        const rows = entries.slice(i, i + HISTORY_INSERT_CHUNK).map((e) => ({ sdk_app_id: sdkAppId, group_id: groupId, seq: e.seq, rank: e.rank, json: e.json, at_ms: e.atMs }));
        await trx
          .insertInto('resume_window')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['sdk_app_id', 'group_id', 'seq']).doUpdateSet((eb) => ({ rank: eb.ref('excluded.rank'), json: eb.ref('excluded.json'), at_ms: eb.ref('excluded.at_ms') })),
          )
          .execute();
      }
      await trimResumeWindow(trx, sdkAppId, groupId, keep, notBeforeMs);
    });
  }

  async lastResumeWindow(sdkAppId: number, groupId: string, limit: number): Promise<ResumeWindowEntry[]> {
    if (limit <= 0) return [];
    const rows = await this.#db
      .selectFrom('resume_window')
      .select(['seq', 'rank', 'json', 'at_ms'])
      .where('sdk_app_id', '=', sdkAppId)
      .where('group_id', '=', groupId)
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map(toResumeWindowEntry);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.destroy();
  }
}

/** Rows per insert statement of a history batch (SQLite allows 32,766 bound values; 4 per row). */
const HISTORY_INSERT_CHUNK = 500;

// The row helpers below are shared with PostgresStore, whose tables have the same rows.

/** Keep a room's newest `keep` resume-window rows, and of those the ones from `notBeforeMs` on, plus always the newest. */
export async function trimResumeWindow(db: Db, sdkAppId: number, groupId: string, keep: number, notBeforeMs: number): Promise<void> {
  const room = db.selectFrom('resume_window').select('seq').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).orderBy('seq', 'desc');
  const edge = await room.offset(Math.max(0, keep)).limit(1).executeTakeFirst();
  if (edge) await db.deleteFrom('resume_window').where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).where('seq', '<=', edge.seq).execute();
  const newest = await room.limit(1).executeTakeFirst();
  if (newest) {
    await db
      .deleteFrom('resume_window')
      .where('sdk_app_id', '=', sdkAppId)
      .where('group_id', '=', groupId)
      .where('seq', '<', newest.seq)
      .where('at_ms', '<', notBeforeMs)
      .execute();
  }
}

export function toResumeWindowEntry(row: { seq: number; rank: number; json: string; at_ms: number }): ResumeWindowEntry {
  return { seq: Number(row.seq), rank: Math.min(3, Math.max(0, Number(row.rank))) as ResumeWindowEntry['rank'], json: row.json, atMs: Number(row.at_ms) };
}

export function findApp(db: Db, sdkAppId: number): Promise<Selectable<AppsTable> | undefined> {
  return db.selectFrom('apps').selectAll().where('sdk_app_id', '=', sdkAppId).executeTakeFirst();
}

export function findGroup(db: Db, sdkAppId: number, groupId: string): Promise<Selectable<GroupsTable> | undefined> {
  return db.selectFrom('groups').selectAll().where('sdk_app_id', '=', sdkAppId).where('group_id', '=', groupId).executeTakeFirst();
}

export function toApp(row: Selectable<AppsTable>): AppRecord {
  return {
    sdkAppId: row.sdk_app_id,
    name: row.name,
    secretKey: row.secret_key,
    adminUserId: row.admin_user_id,
    callbackUrl: row.callback_url,
    callbacks: row.callbacks === '' ? noCallbacks() : (JSON.parse(row.callbacks) as AppRecord['callbacks']),
    createdAt: row.created_at,
    // Settings added after a row was written take their defaults.
    settings: { ...DEFAULT_APP_SETTINGS, ...(JSON.parse(row.settings) as Partial<AppRecord['settings']>) },
  };
}

export function fromGroup(group: GroupRecord): GroupsTable {
  return {
    sdk_app_id: group.sdkAppId,
    group_id: group.groupId,
    type: group.type,
    name: group.name,
    owner_id: group.ownerId,
    introduction: group.introduction,
    notification: group.notification,
    face_url: group.faceUrl,
    created_at: group.createdAt,
    last_info_at: group.lastInfoAt,
    mute_all: group.muteAll ? 1 : 0,
    custom_fields: JSON.stringify(group.customFields),
    settings: JSON.stringify(group.settings),
    next_seq: 0,
    first_seq: group.firstSeq,
    counters: JSON.stringify(group.counters),
    attributes: JSON.stringify(group.attributes),
    attributes_version: group.attributesVersion,
    pinned_messages: JSON.stringify(group.pinnedMessages),
  };
}

export function toGroup(row: Selectable<GroupsTable>): GroupRecord {
  return {
    sdkAppId: row.sdk_app_id,
    groupId: row.group_id,
    type: 'AVChatRoom',
    name: row.name,
    ownerId: row.owner_id,
    introduction: row.introduction,
    notification: row.notification,
    faceUrl: row.face_url,
    createdAt: row.created_at,
    lastInfoAt: row.last_info_at,
    muteAll: row.mute_all !== 0,
    customFields: JSON.parse(row.custom_fields) as GroupRecord['customFields'],
    settings: JSON.parse(row.settings) as GroupRecord['settings'],
    firstSeq: row.first_seq,
    counters: JSON.parse(row.counters) as GroupRecord['counters'],
    attributes: JSON.parse(row.attributes) as GroupRecord['attributes'],
    attributesVersion: row.attributes_version,
    pinnedMessages: JSON.parse(row.pinned_messages) as GroupRecord['pinnedMessages'],
  };
}

/**
 * How each patchable field maps to columns. Typed over every key of GroupPatch, so adding a
 * field to GroupRecord fails to compile until it is mapped here.
 */
const GROUP_PATCH_COLUMNS: { [K in keyof Required<GroupPatch>]: (value: NonNullable<GroupPatch[K]>) => Partial<GroupsTable> } = {
  name: (v) => ({ name: v }),
  ownerId: (v) => ({ owner_id: v }),
  introduction: (v) => ({ introduction: v }),
  notification: (v) => ({ notification: v }),
  faceUrl: (v) => ({ face_url: v }),
  lastInfoAt: (v) => ({ last_info_at: v }),
  muteAll: (v) => ({ mute_all: v ? 1 : 0 }),
  customFields: (v) => ({ custom_fields: JSON.stringify(v) }),
  settings: (v) => ({ settings: JSON.stringify(v) }),
  counters: (v) => ({ counters: JSON.stringify(v) }),
  attributes: (v) => ({ attributes: JSON.stringify(v) }),
  attributesVersion: (v) => ({ attributes_version: v }),
  pinnedMessages: (v) => ({ pinned_messages: JSON.stringify(v) }),
};

export function groupPatchColumns(patch: GroupPatch): Partial<GroupsTable> {
  let set: Partial<GroupsTable> = {};
  for (const key of Object.keys(GROUP_PATCH_COLUMNS) as Array<keyof GroupPatch>) {
    const value = patch[key];
    if (value === undefined) continue;
    const toColumns = GROUP_PATCH_COLUMNS[key] as (v: unknown) => Partial<GroupsTable>;
    set = { ...set, ...toColumns(value) };
  }
  return set;
}

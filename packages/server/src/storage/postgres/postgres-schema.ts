/**
 * The PostgreSQL schema: the ordered list of migrations that build it.
 *
 * The tables have the same names, columns and row types as the SQLite schema
 * (`../sqlite-schema.ts`), so Kysely sees the same {@link SqliteDatabaseSchema} and the row
 * mappers are shared. The migrations are PostgreSQL's own, because the column types differ:
 * every integer is `bigint` (SDKAppIDs pass 2^31, times are epoch milliseconds; the pool reads
 * `bigint` back as a JS number, every value being below 2^53), flags are `smallint`, and there
 * is no `without rowid`. Each migration has the name of its SQLite counterpart (same number,
 * same tables and columns afterwards): a change to the schema appends one migration to each
 * list under the same name. There was never a PostgreSQL database before these, so the steps
 * that moved old SQLite data (0003's copy of `next_seq`, 0005's callback update) have nothing
 * to move here and only shape the tables.
 */
import type { Kysely, Migration } from 'kysely';
import type { SqliteDatabaseSchema } from '../sqlite-schema.js';

/** The database as Kysely sees it: the same tables and rows as SQLite. */
export type PostgresDatabaseSchema = SqliteDatabaseSchema;

/** Migrations by name; names sort in the order they run, and match SQLITE_MIGRATIONS. */
export const POSTGRES_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('apps')
        .addColumn('sdk_app_id', 'bigint', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret_key', 'text', (c) => c.notNull())
        .addColumn('admin_user_id', 'text', (c) => c.notNull())
        .addColumn('callback_url', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema
        .createTable('profiles')
        .addColumn('sdk_app_id', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('nick', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('avatar', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('profiles_pk', ['sdk_app_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('groups')
        .addColumn('sdk_app_id', 'bigint', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('introduction', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('notification', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('face_url', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_info_at', 'bigint', (c) => c.notNull())
        .addColumn('mute_all', 'smallint', (c) => c.notNull().defaultTo(0))
        .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('next_seq', 'bigint', (c) => c.notNull().defaultTo(1))
        .addPrimaryKeyConstraint('groups_pk', ['sdk_app_id', 'group_id'])
        .execute();
      // For countGroups(app, owner) (room quotas).
      await db.schema.createIndex('groups_owner').on('groups').columns(['sdk_app_id', 'owner_id']).execute();
    },
  },
  '0002_group_counters': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('groups')
        .addColumn('counters', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
    },
  },
  '0003_group_seqs': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('group_seqs')
        .addColumn('sdk_app_id', 'bigint', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('next_seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_seqs_pk', ['sdk_app_id', 'group_id'])
        .execute();
      await db.schema
        .alterTable('groups')
        .addColumn('first_seq', 'bigint', (c) => c.notNull().defaultTo(1))
        .execute();
    },
  },
  '0004_moderation': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('group_members')
        .addColumn('sdk_app_id', 'bigint', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('admin', 'smallint', (c) => c.notNull().defaultTo(0))
        .addColumn('muted_until', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('banned_until', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('group_members_pk', ['sdk_app_id', 'group_id', 'user_id'])
        .execute();
    },
  },
  '0005_app_callbacks': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('apps')
        .addColumn('callbacks', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
    },
  },
  '0007_word_lists': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('word_lists')
        .addColumn('sdk_app_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('words', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('word_lists_pk', ['sdk_app_id', 'name'])
        .execute();
    },
  },
  '0008_group_attributes': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('groups')
        .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema
        .alterTable('groups')
        .addColumn('attributes_version', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  '0009_user_sig_floor': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('user_sig_floors')
        .addColumn('sdk_app_id', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('floor_sec', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_sig_floors_pk', ['sdk_app_id', 'user_id'])
        .execute();
    },
  },
  '0010_review_queue': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('held_messages')
        .addColumn('sdk_app_id', 'bigint', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('hold_id', 'text', (c) => c.notNull())
        .addColumn('held_at', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('held_messages_pk', ['sdk_app_id', 'group_id', 'hold_id'])
        .execute();
    },
  },
  '0011_pinned_messages': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('groups')
        .addColumn('pinned_messages', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
    },
  },
  '0012_room_history': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('group_history')
        .addColumn('sdk_app_id', 'bigint', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_history_pk', ['sdk_app_id', 'group_id', 'seq'])
        .execute();
    },
  },
  '0013_operators': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('operators')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0014_room_leases': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('room_leases')
        .addColumn('sdk_app_id', 'bigint', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('node', 'text', (c) => c.notNull())
        .addColumn('epoch', 'bigint', (c) => c.notNull())
        .addColumn('until_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('room_leases_pk', ['sdk_app_id', 'group_id'])
        .execute();
    },
  },
  '0015_resume_window': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('resume_window')
        .addColumn('sdk_app_id', 'bigint', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('rank', 'integer', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('resume_window_pk', ['sdk_app_id', 'group_id', 'seq'])
        .execute();
    },
  },
});

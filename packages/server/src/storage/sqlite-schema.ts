/**
 * The SQLite schema: table types for Kysely and the ordered list of migrations that build
 * it. Migrations only ever get appended; each runs once per database file.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { allCallbacks } from '../core/app-callbacks.js';

/** Row of `apps`. */
export interface AppsTable {
  sdk_app_id: number;
  name: string;
  secret_key: string;
  admin_user_id: string;
  callback_url: string | null;
  /** JSON of AppCallbacks ('' = none enabled). */
  callbacks: string;
  created_at: number;
  /** JSON of AppSettings. */
  settings: string;
}

/** Row of `profiles`: the whole Profile as JSON, plus the fields worth querying. */
export interface ProfilesTable {
  sdk_app_id: number;
  user_id: string;
  nick: string;
  avatar: string;
  /** JSON of Profile. */
  data: string;
}

/** Row of `groups`. */
export interface GroupsTable {
  sdk_app_id: number;
  group_id: string;
  type: string;
  name: string;
  owner_id: string;
  introduction: string;
  notification: string;
  face_url: string;
  created_at: number;
  last_info_at: number;
  /** 0 or 1. */
  mute_all: number;
  /** JSON of Array<{ key, value }>. */
  custom_fields: string;
  /** JSON of Partial<RoomSettings>. */
  settings: string;
  /** Unused since 0003 (the numbering lives in `group_seqs`). */
  next_seq: number;
  first_seq: number;
  /** JSON of Record<string, number> (group counters). */
  counters: string;
  /** JSON of Record<string, string> (group attributes). */
  attributes: string;
  attributes_version: number;
  /** JSON of PinnedMessage[] (pinned messages, oldest pin first). */
  pinned_messages: string;
}

/** Row of `group_seqs`: a group ID's sequence high-water mark, kept after the group is deleted. */
export interface GroupSeqsTable {
  sdk_app_id: number;
  group_id: string;
  next_seq: number;
}

/** Row of `group_members`: one member's moderation state in a room (0004). Times in epoch ms, 0 = none. */
export interface GroupMembersTable {
  sdk_app_id: number;
  group_id: string;
  user_id: string;
  /** 0 or 1. */
  admin: number;
  muted_until: number;
  banned_until: number;
}

/** Row of `word_lists`: one of an app's word lists (0007). */
export interface WordListsTable {
  sdk_app_id: number;
  name: string;
  action: string;
  /** JSON of string[]. */
  words: string;
  updated_at: number;
}

/** Row of `held_messages`: a message held for review in a room (0010). */
export interface HeldMessagesTable {
  sdk_app_id: number;
  group_id: string;
  hold_id: string;
  /** Epoch ms. */
  held_at: number;
  /** JSON of the HeldMessage. */
  data: string;
}

/** Row of `group_history`: one kept message of a room's history or record (0012). */
export interface GroupHistoryTable {
  sdk_app_id: number;
  group_id: string;
  seq: number;
  /** The message's JSON as members received it. */
  json: string;
}

/** Row of `resume_window`: one published entry of a room's resume window (0015). */
export interface ResumeWindowTable {
  sdk_app_id: number;
  group_id: string;
  seq: number;
  /** 0 High … 3 Lowest. */
  rank: number;
  /** The message's JSON as members received it. */
  json: string;
  /** When it was published, epoch ms. */
  at_ms: number;
}

/** Row of `user_sig_floors`: a userSig issued before `floor_sec` is refused at login (0009). */
export interface UserSigFloorsTable {
  sdk_app_id: number;
  user_id: string;
  /** UNIX seconds. */
  floor_sec: number;
}

/** Row of `operators`: a console operator account (0013). */
export interface OperatorsTable {
  name: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
}

/** Row of `room_leases`: which node is a room's authority, until when, at which epoch (0014). */
export interface RoomLeasesTable {
  sdk_app_id: number;
  group_id: string;
  node: string;
  epoch: number;
  /** Epoch ms; 0 once given up. */
  until_ms: number;
}

/** The database as Kysely sees it. */
export interface SqliteDatabaseSchema {
  apps: AppsTable;
  profiles: ProfilesTable;
  groups: GroupsTable;
  group_seqs: GroupSeqsTable;
  group_members: GroupMembersTable;
  word_lists: WordListsTable;
  held_messages: HeldMessagesTable;
  group_history: GroupHistoryTable;
  resume_window: ResumeWindowTable;
  user_sig_floors: UserSigFloorsTable;
  operators: OperatorsTable;
  room_leases: RoomLeasesTable;
}

/** Migrations by name; names sort in the order they run. */
export const SQLITE_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('apps')
        .addColumn('sdk_app_id', 'integer', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret_key', 'text', (c) => c.notNull())
        .addColumn('admin_user_id', 'text', (c) => c.notNull())
        .addColumn('callback_url', 'text')
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema
        .createTable('profiles')
        .addColumn('sdk_app_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('nick', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('avatar', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('profiles_pk', ['sdk_app_id', 'user_id'])
        .modifyEnd(sql`without rowid`)
        .execute();
      await db.schema
        .createTable('groups')
        .addColumn('sdk_app_id', 'integer', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('introduction', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('notification', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('face_url', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('last_info_at', 'integer', (c) => c.notNull())
        .addColumn('mute_all', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('next_seq', 'integer', (c) => c.notNull().defaultTo(1))
        .addPrimaryKeyConstraint('groups_pk', ['sdk_app_id', 'group_id'])
        .modifyEnd(sql`without rowid`)
        .execute();
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
        .addColumn('sdk_app_id', 'integer', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('next_seq', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_seqs_pk', ['sdk_app_id', 'group_id'])
        .modifyEnd(sql`without rowid`)
        .execute();
      await sql`insert into group_seqs (sdk_app_id, group_id, next_seq) select sdk_app_id, group_id, next_seq from groups`.execute(db);
      await db.schema
        .alterTable('groups')
        .addColumn('first_seq', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
    },
  },
  '0004_moderation': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('group_members')
        .addColumn('sdk_app_id', 'integer', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('muted_until', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('banned_until', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('group_members_pk', ['sdk_app_id', 'group_id', 'user_id'])
        .modifyEnd(sql`without rowid`)
        .execute();
    },
  },
  '0005_app_callbacks': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('apps')
        .addColumn('callbacks', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      // Apps created with a callback URL before callbacks were sent get every command (as `app create --callback-url` does now).
      await sql`update apps set callbacks = ${JSON.stringify(allCallbacks())} where callback_url is not null`.execute(db);
    },
  },
  '0007_word_lists': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('word_lists')
        .addColumn('sdk_app_id', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('words', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('word_lists_pk', ['sdk_app_id', 'name'])
        .modifyEnd(sql`without rowid`)
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
        .addColumn('attributes_version', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  '0009_user_sig_floor': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('user_sig_floors')
        .addColumn('sdk_app_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('floor_sec', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_sig_floors_pk', ['sdk_app_id', 'user_id'])
        .modifyEnd(sql`without rowid`)
        .execute();
    },
  },
  '0010_review_queue': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('held_messages')
        .addColumn('sdk_app_id', 'integer', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('hold_id', 'text', (c) => c.notNull())
        .addColumn('held_at', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('held_messages_pk', ['sdk_app_id', 'group_id', 'hold_id'])
        .modifyEnd(sql`without rowid`)
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
        .addColumn('sdk_app_id', 'integer', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_history_pk', ['sdk_app_id', 'group_id', 'seq'])
        .modifyEnd(sql`without rowid`)
        .execute();
    },
  },
  '0013_operators': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('operators')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .modifyEnd(sql`without rowid`)
        .execute();
    },
  },
  '0014_room_leases': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('room_leases')
        .addColumn('sdk_app_id', 'integer', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('node', 'text', (c) => c.notNull())
        .addColumn('epoch', 'integer', (c) => c.notNull())
        .addColumn('until_ms', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('room_leases_pk', ['sdk_app_id', 'group_id'])
        .modifyEnd(sql`without rowid`)
        .execute();
    },
  },
  '0015_resume_window': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('resume_window')
        .addColumn('sdk_app_id', 'integer', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('rank', 'integer', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('resume_window_pk', ['sdk_app_id', 'group_id', 'seq'])
        .modifyEnd(sql`without rowid`)
        .execute();
    },
  },
});

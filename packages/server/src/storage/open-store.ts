/**
 * Open the Store named by a URL: the one place that maps `--db` / `STADIUM_DB` to an adapter.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MemoryStore } from './memory-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** Input of {@link openStore}. */
export interface OpenStoreInput {
  /**
   * Store URL: `''` for `<dataDir>/stadium.db`, `sqlite:<file>` for that SQLite file
   * (`sqlite::memory:` for a private in-memory database), `memory:` for a MemoryStore,
   * `postgres://…` / `postgresql://…` for a PostgreSQL database (a PostgresStore, shared by
   * every node of a cluster; see docs/deploy.md).
   */
  db: string;
  /** Folder of the default SQLite file; created when missing. */
  dataDir: string;
}

/** File name of the default SQLite database inside the data folder. */
export const DEFAULT_SQLITE_FILE = 'stadium.db';

/** Open the store `db` names. Throws a TypeError listing the supported URLs for any other value. */
export async function openStore({ db, dataDir }: OpenStoreInput): Promise<Store> {
  if (db === '') {
    await mkdir(resolve(dataDir), { recursive: true });
    return SqliteStore.open(join(resolve(dataDir), DEFAULT_SQLITE_FILE));
  }
  if (db === 'memory:') return new MemoryStore();
  if (db.startsWith('postgres://') || db.startsWith('postgresql://')) {
    // Loaded only when asked for, so nothing of pg is loaded by the embedded default.
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    return PostgresStore.open(db);
  }
  if (db.startsWith('sqlite:')) {
    const file = db.slice('sqlite:'.length);
    if (file === '') throw new TypeError('db "sqlite:" needs a file, e.g. "sqlite:./data/stadium.db"');
    if (file === ':memory:') return SqliteStore.open(':memory:');
    await mkdir(dirname(resolve(file)), { recursive: true });
    return SqliteStore.open(resolve(file));
  }
  throw new TypeError(`db "${db}" is not supported; use "" (default: <data>/${DEFAULT_SQLITE_FILE}), "sqlite:<file>", "memory:" or "postgres://user:password@host:port/database"`);
}

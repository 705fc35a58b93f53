/**
 * The `postgres://` URL of `--db`: pg's connection string plus Stadium's own pool settings in
 * its query. No pg import here, so the CLI can show a URL (password hidden) without loading pg.
 */

/** Connection settings of a PostgresStore, read from the URL's query (see {@link parsePostgresUrl}). */
export interface PostgresStoreOptions {
  /** Connections the pool keeps open at most. @default 10 */
  poolSize: number;
  /** A statement running longer is cancelled by the server (the call fails with STORE_UNAVAILABLE). @default 10000 */
  statementTimeoutMs: number;
  /** Opening a connection longer fails it. @default 5000 */
  connectTimeoutMs: number;
}

/** Defaults of {@link PostgresStoreOptions}. */
export const DEFAULT_POSTGRES_OPTIONS: Readonly<PostgresStoreOptions> = Object.freeze({ poolSize: 10, statementTimeoutMs: 10_000, connectTimeoutMs: 5000 });

/** The URL query parameters Stadium reads itself (the others go to pg). */
const URL_PARAMETERS: Readonly<Record<string, keyof PostgresStoreOptions>> = Object.freeze({
  pool_size: 'poolSize',
  statement_timeout_ms: 'statementTimeoutMs',
  connect_timeout_ms: 'connectTimeoutMs',
});

/** Bounds of the URL's own parameters. */
const OPTION_MAX: Readonly<Record<keyof PostgresStoreOptions, number>> = Object.freeze({ poolSize: 1000, statementTimeoutMs: 3_600_000, connectTimeoutMs: 600_000 });

/**
 * Split a `postgres://` / `postgresql://` URL into pg's connection string and Stadium's own
 * parameters (`pool_size`, `statement_timeout_ms`, `connect_timeout_ms`). Throws a TypeError
 * that says what to fix.
 */
export function parsePostgresUrl(url: string): { connectionString: string; options: PostgresStoreOptions } {
  if (!/^postgres(?:ql)?:\/\//.test(url)) throw new TypeError(`db "${redact(url)}" is not a postgres:// URL; use e.g. "postgres://user:password@host:5432/stadium"`);
  // Only the query is read here; the rest (libpq's forms, e.g. `postgres://user@/db?host=/run/postgresql`) is pg's to parse.
  const at = url.indexOf('?');
  const query = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
  const options: PostgresStoreOptions = { ...DEFAULT_POSTGRES_OPTIONS };
  for (const [param, key] of Object.entries(URL_PARAMETERS)) {
    const raw = query.get(param);
    if (raw === null) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0 || value > OPTION_MAX[key]) {
      throw new TypeError(`db URL parameter ${param} must be an integer 1–${OPTION_MAX[key]}, got "${raw}"`);
    }
    options[key] = value;
    query.delete(param);
  }
  const rest = query.toString();
  return { connectionString: (at < 0 ? url : url.slice(0, at)) + (rest === '' ? '' : `?${rest}`), options };
}

/** The URL with its password replaced, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@').replace(/([?&]password=)[^&]*/gi, '$1***');
}

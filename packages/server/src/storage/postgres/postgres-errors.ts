/**
 * What a PostgreSQL failure means for a Store call: whether the database is unreachable, and
 * whether the statement can have reached it (so whether a retry could do something twice).
 */

/** How a failed call relates to the database. */
export type FailureKind =
  /** Nothing reached the database, or what did was rolled back: any call may be retried. */
  | 'unsent'
  /** The connection broke while a statement may have been running: only idempotent calls may be retried. */
  | 'lost'
  /** The statement ran out of its statement timeout (the database is overloaded); not retried. */
  | 'timeout'
  /** Anything else: a real error of the statement, passed on as it is. */
  | 'other';

/** Socket errors and SQLSTATEs met before a statement was sent, or that roll it back. */
const UNSENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOENT', // the unix socket file is gone (server stopped)
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '53300', // too_many_connections
  '40001', // serialization_failure: rolled back
  '40P01', // deadlock_detected: rolled back
]);

/** Errors of a connection that broke while in use. */
const LOST_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown: the server was stopped
  '57P02', // crash_shutdown
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** Classify a failure of a pg / Kysely call. */
export function classifyFailure(error: unknown): FailureKind {
  if (!(error instanceof Error)) return 'other';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNSENT_CODES.has(code)) return 'unsent';
    if (LOST_CODES.has(code)) return 'lost';
    if (code === '57014') return 'timeout'; // query_canceled (statement_timeout)
  }
  // pg's own errors carry no code; they are told apart by their text.
  if (/timeout exceeded when trying to connect|connection timeout/i.test(error.message)) return 'unsent';
  if (/Connection terminated|not queryable|connection (?:is )?closed/i.test(error.message)) return 'lost';
  if (error instanceof AggregateError && error.errors.length > 0) return classifyFailure(error.errors[0]);
  return 'other';
}

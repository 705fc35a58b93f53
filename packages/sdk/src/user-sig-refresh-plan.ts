/**
 * When to ask the app for a new userSig (the `refreshUserSig` option), as pure functions of
 * time so that they can be tested without a clock:
 *
 * - the first attempt comes at the later of 90 % of the userSig's lifetime and `marginMs`
 *   before it expires (a one-hour userSig with the default 5 minutes: at 55 min; a ten-minute
 *   one: at 9 min), so the session is renewed ahead of the server's expiry kick without asking
 *   for a short-lived userSig almost at once;
 * - a failed attempt is retried `retries` times, 5 s later, then 10 s, 20 s, … (at most 60 s
 *   apart), but only while the userSig is still valid: a retry that would come at or after
 *   the expiry is not made, and the server's kick (`userSigExpired`) ends the session.
 */

/** The share of the lifetime after which the first attempt may come. */
export const REFRESH_AT_LIFETIME_SHARE = 0.9;

/** Delay before the first retry; each further retry doubles it. */
export const REFRESH_RETRY_BASE_MS = 5_000;

/** Longest delay between two retries. */
export const REFRESH_RETRY_MAX_MS = 60_000;

/**
 * Delay from now until the first refresh attempt for a userSig valid for `lifetimeMs` more
 * milliseconds: the later of 90 % of it and `marginMs` before its end (0 when it is already over).
 */
export function refreshDelayMs(lifetimeMs: number, marginMs: number): number {
  if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) return 0;
  return Math.max(Math.floor(lifetimeMs * REFRESH_AT_LIFETIME_SHARE), lifetimeMs - Math.max(0, marginMs));
}

/**
 * Delay before retry number `retry` (1 for the first retry after a failed attempt), or null
 * when no retry is left: more than `retries`, or the retry would come when the userSig has
 * `msUntilExpiry` or less to live.
 */
export function refreshRetryDelayMs(retry: number, retries: number, msUntilExpiry: number): number | null {
  if (!Number.isInteger(retry) || retry < 1 || retry > retries) return null;
  const delay = Math.min(REFRESH_RETRY_MAX_MS, REFRESH_RETRY_BASE_MS * 2 ** Math.min(retry - 1, 30));
  return delay < msUntilExpiry ? delay : null;
}

/**
 * Console sessions without server state, so that every worker of `--workers N` (and every node
 * sharing a store) accepts the same cookie: the token is `<payload>.<MAC>` where the payload
 * names the operator and the expiry, and the MAC is HMAC-SHA256 under a key derived from the
 * operator's stored password hash. Changing the password therefore ends every session. The CSRF
 * token is a second MAC over the session token (per-session header, docs/console.md).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Name of the session cookie (Path=/console, HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'stadium_console';
/** Header carrying the CSRF token on every state-changing console request. */
export const CSRF_HEADER = 'x-csrf-token';
/** Lifetime of a session, seconds (8 hours). */
export const SESSION_TTL_SEC = 8 * 3600;
/** Longest session token read from a cookie, characters. */
const MAX_TOKEN_CHARS = 512;

/** What a valid session token says. */
export interface SessionClaims {
  operator: string;
  /** Expiry, epoch ms. */
  expiresAt: number;
}

function key(passwordHash: string): Buffer {
  return createHmac('sha256', passwordHash).update('stadium console session v1').digest();
}

function mac(passwordHash: string, text: string): string {
  return createHmac('sha256', key(passwordHash)).update(text).digest('base64url');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A new session token for `operator`, valid until `now + SESSION_TTL_SEC`. */
export function issueSession(operator: string, passwordHash: string, now: number): string {
  const payload = Buffer.from(JSON.stringify({ o: operator, e: now + SESSION_TTL_SEC * 1000, n: randomBytes(9).toString('base64url') })).toString('base64url');
  return `${payload}.${mac(passwordHash, payload)}`;
}

/** The operator a token claims, before checking it (to look up the key); undefined when malformed. */
export function claimedOperator(token: string): string | undefined {
  if (token.length > MAX_TOKEN_CHARS) return undefined;
  const [payload] = token.split('.');
  try {
    const parsed = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { o?: unknown };
    return typeof parsed.o === 'string' ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}

/** The claims of `token` when its MAC is right under `passwordHash` and it has not expired. */
export function verifySession(token: string, passwordHash: string, now: number): SessionClaims | undefined {
  if (token.length > MAX_TOKEN_CHARS) return undefined;
  const [payload, tag, extra] = token.split('.');
  if (!payload || !tag || extra !== undefined || !equal(tag, mac(passwordHash, payload))) return undefined;
  const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { o: string; e: number };
  if (typeof parsed.e !== 'number' || parsed.e <= now) return undefined;
  return { operator: parsed.o, expiresAt: parsed.e };
}

/** The CSRF token of a session token. */
export function csrfToken(sessionToken: string, passwordHash: string): string {
  return mac(passwordHash, `csrf:${sessionToken}`);
}

/** Whether `sent` is the CSRF token of the session. */
export function checkCsrf(sent: string | undefined, sessionToken: string, passwordHash: string): boolean {
  return typeof sent === 'string' && equal(sent, csrfToken(sessionToken, passwordHash));
}

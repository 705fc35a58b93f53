/**
 * userSig: the TLSSigAPIv2 (HMAC-SHA256) login ticket of the compatible service, so a userSig
 * made by any public TLSSigAPIv2 library logs in to Stadium and one made here logs in there.
 *
 * Format (compat-spec §6): JSON `{"TLS.ver","TLS.identifier","TLS.sdkappid","TLS.time",
 * "TLS.expire",["TLS.userbuf"],"TLS.sig"}` → zlib (any level) → base64 with `+/=` replaced by
 * `*-_`. `TLS.sig` is base64(HMAC-SHA256(key, "TLS.identifier:…\nTLS.sdkappid:…\nTLS.time:…\n
 * TLS.expire:…\n[TLS.userbuf:…\n]")).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';

/** Input of {@link genUserSig}. */
export interface GenUserSigInput {
  /** The application's SDKAppID. */
  sdkAppId: number;
  /** The application's secret key (used as the raw HMAC key). */
  key: string;
  /** The user the ticket is for. */
  userId: string;
  /** Validity in seconds from `nowSec`. */
  expireSec: number;
  /** Issue time, UNIX seconds. */
  nowSec: number;
}

/** Input of {@link verifyUserSig}. */
export interface VerifyUserSigInput {
  /** The ticket as presented by the client (any value; non-strings are rejected). */
  userSig: unknown;
  /** The SDKAppID the client claims. */
  sdkAppId: number;
  /** The userID the client claims. */
  userId: string;
  /** The secret key of that app. */
  key: string;
  /** Current time, UNIX seconds. */
  nowSec: number;
}

/** Why a userSig was refused; each is a name in the protocol error registry. */
export type UserSigFailure = 'USERSIG_EMPTY' | 'USERSIG_INVALID' | 'USERSIG_EXPIRED' | 'USERSIG_BAD_SIGNATURE' | 'USERSIG_USER_MISMATCH' | 'USERSIG_APP_MISMATCH';

/** Result of {@link verifyUserSig}: `issuedAt` (`TLS.time`) and `expiresAt` are in UNIX seconds. */
export type UserSigVerdict = { ok: true; issuedAt: number; expiresAt: number } | { ok: false; reason: UserSigFailure };

/** Longest userSig accepted; real ones are ~200–400 characters. */
const MAX_USERSIG_CHARS = 8192;
/** Largest inflated document accepted, so a crafted zlib stream cannot balloon. */
const MAX_DOCUMENT_BYTES = 16_384;
const BASE64_STD = /^[A-Za-z0-9+/]*={0,2}$/;
const HMAC_BYTES = 32;

interface SigDocument {
  identifier: string;
  sdkAppId: number;
  time: number;
  expire: number;
  userbuf: string | undefined;
  sig: string;
}

/** The exact string TLSSigAPIv2 signs. */
function contentToSign(identifier: string, sdkAppId: number, time: number, expire: number, userbuf: string | undefined): string {
  let content = `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  if (userbuf !== undefined) content += `TLS.userbuf:${userbuf}\n`;
  return content;
}

function hmac(key: string, content: string): Buffer {
  return createHmac('sha256', key).update(content).digest();
}

/**
 * Make a TLSSigAPIv2 userSig, byte-compatible with the public Node library's `genSig`.
 * Throws a TypeError on invalid input (this is a tool for operators and tests, not a request path).
 */
export function genUserSig({ sdkAppId, key, userId, expireSec, nowSec }: GenUserSigInput): string {
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) throw new TypeError(`sdkAppId must be a positive integer, got ${String(sdkAppId)}`);
  if (typeof key !== 'string' || key === '') throw new TypeError('key must be a non-empty string');
  if (typeof userId !== 'string' || userId === '') throw new TypeError('userId must be a non-empty string');
  if (!Number.isSafeInteger(expireSec) || expireSec <= 0) throw new TypeError(`expireSec must be a positive integer, got ${String(expireSec)}`);
  if (!Number.isSafeInteger(nowSec) || nowSec < 0) throw new TypeError(`nowSec must be a non-negative integer, got ${String(nowSec)}`);
  const doc = {
    'TLS.ver': '2.0',
    'TLS.identifier': userId,
    'TLS.sdkappid': sdkAppId,
    'TLS.time': nowSec,
    'TLS.expire': expireSec,
    'TLS.sig': hmac(key, contentToSign(userId, sdkAppId, nowSec, expireSec, undefined)).toString('base64'),
  };
  return deflateSync(Buffer.from(JSON.stringify(doc)))
    .toString('base64')
    .replace(/\+/g, '*')
    .replace(/\//g, '-')
    .replace(/=/g, '_');
}

/** Decode a userSig into its document; undefined when it is not a well-formed TLSSigAPIv2 ticket. */
function decode(userSig: string): SigDocument | undefined {
  if (userSig.length > MAX_USERSIG_CHARS) return undefined;
  const b64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  if (!BASE64_STD.test(b64)) return undefined;
  let parsed: unknown;
  try {
    const json = inflateSync(Buffer.from(b64, 'base64'), { maxOutputLength: MAX_DOCUMENT_BYTES });
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const doc = parsed as Record<string, unknown>;
  const identifier = doc['TLS.identifier'];
  const sdkAppId = doc['TLS.sdkappid'];
  const time = doc['TLS.time'];
  const expire = doc['TLS.expire'];
  const userbuf = doc['TLS.userbuf'];
  const sig = doc['TLS.sig'];
  if (typeof identifier !== 'string' || typeof sig !== 'string') return undefined;
  if (!Number.isSafeInteger(sdkAppId) || !Number.isSafeInteger(time) || !Number.isSafeInteger(expire)) return undefined;
  if (userbuf !== undefined && typeof userbuf !== 'string') return undefined;
  return { identifier, sdkAppId: sdkAppId as number, time: time as number, expire: expire as number, userbuf, sig };
}

/**
 * Check a userSig for `userId` in app `sdkAppId` signed with `key`. Never throws.
 *
 * Checks run in this order: empty → malformed → app → user → signature → expiry. The
 * signature is checked before expiry so a forged ticket never reports "expired".
 */
export function verifyUserSig({ userSig, sdkAppId, userId, key, nowSec }: VerifyUserSigInput): UserSigVerdict {
  try {
    if (userSig === undefined || userSig === null || userSig === '') return { ok: false, reason: 'USERSIG_EMPTY' };
    if (typeof userSig !== 'string') return { ok: false, reason: 'USERSIG_INVALID' };
    const doc = decode(userSig);
    if (!doc) return { ok: false, reason: 'USERSIG_INVALID' };
    if (doc.sdkAppId !== sdkAppId) return { ok: false, reason: 'USERSIG_APP_MISMATCH' };
    if (doc.identifier !== userId) return { ok: false, reason: 'USERSIG_USER_MISMATCH' };
    if (typeof key !== 'string' || key === '') return { ok: false, reason: 'USERSIG_BAD_SIGNATURE' };
    const expected = hmac(key, contentToSign(doc.identifier, doc.sdkAppId, doc.time, doc.expire, doc.userbuf));
    const given = BASE64_STD.test(doc.sig) ? Buffer.from(doc.sig, 'base64') : Buffer.alloc(0);
    if (given.length !== HMAC_BYTES || !timingSafeEqual(given, expected)) return { ok: false, reason: 'USERSIG_BAD_SIGNATURE' };
    const expiresAt = doc.time + doc.expire;
    if (nowSec > expiresAt) return { ok: false, reason: 'USERSIG_EXPIRED' };
    return { ok: true, issuedAt: doc.time, expiresAt };
  } catch {
    return { ok: false, reason: 'USERSIG_INVALID' };
  }
}

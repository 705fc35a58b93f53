/**
 * Stadium's own signature on every callback request, so a receiver can reject forgeries:
 * header `X-Stadium-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secretKey, "<t>.<body>")>`,
 * keyed with the app's secret key (the one that signs userSigs). docs/callbacks.md shows how
 * a receiver checks it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header name (HTTP header names are case-insensitive). */
export const SIGNATURE_HEADER = 'X-Stadium-Signature';

/** How far a signature's time may be from the receiver's clock by default. */
export const SIGNATURE_TOLERANCE_SEC = 300;

function hmac(secretKey: string, timestampSec: number, body: string): string {
  return createHmac('sha256', secretKey).update(`${timestampSec}.${body}`).digest('hex');
}

/** The header value for `body` sent at `timestampSec`. */
export function signCallback(secretKey: string, timestampSec: number, body: string): string {
  return `t=${timestampSec},v1=${hmac(secretKey, timestampSec, body)}`;
}

/** True when `header` is a valid signature of `body` made within `toleranceSec` of `nowSec`. */
export function verifyCallbackSignature(header: string | undefined, body: string, secretKey: string, nowSec: number, toleranceSec = SIGNATURE_TOLERANCE_SEC): boolean {
  if (header === undefined) return false;
  const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isSafeInteger(t) || v1 === undefined || !/^[0-9a-f]{64}$/.test(v1) || Math.abs(nowSec - t) > toleranceSec) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(hmac(secretKey, t, body), 'hex'));
}

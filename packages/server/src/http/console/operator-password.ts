/**
 * Console operator passwords: hashed with scrypt (node:crypto), a memory-hard KDF, and stored
 * as `scrypt$<log2 N>$<r>$<p>$<salt base64url>$<hash base64url>` so that stronger parameters can
 * be chosen later without breaking stored hashes (verification reads them from the hash).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: N = 2^16, r = 8, p = 1 — 64 MiB of memory and roughly 0.1–0.3 s per hash on one core. */
export const SCRYPT_PARAMS = Object.freeze({ log2N: 16, r: 8, p: 1 });
/** Bytes of random salt per hash. */
export const SALT_BYTES = 16;
/** Bytes of derived key. */
export const HASH_BYTES = 32;
/** Shortest password accepted, characters. */
export const MIN_PASSWORD_CHARS = 12;
/** Longest password accepted, characters (bounds the work of one sign-in). */
export const MAX_PASSWORD_CHARS = 256;
/** Highest log2 N a stored hash may ask for (bounds memory use: 2^20 × 128 × r bytes). */
const MAX_LOG2_N = 20;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * 2 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, HASH_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hash `password` with fresh salt and {@link SCRYPT_PARAMS}. */
export async function hashPassword(password: string): Promise<string> {
  const { log2N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, log2N, r, p);
  return ['scrypt', log2N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches the encoded `stored` hash (constant-time compare; false for a malformed hash). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_CHARS) return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![log2N, r, p].every((n) => Number.isInteger(n) && n > 0) || log2N > MAX_LOG2_N || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== HASH_BYTES) return false;
  const key = await derive(password, salt, log2N, r, p);
  return timingSafeEqual(key, expected);
}

/** A new random password: 24 characters of base64url (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** The reason `password` is refused as a new password, or undefined when it is fine. */
export function weakPasswordReason(password: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_CHARS) return `a console password must be at least ${MIN_PASSWORD_CHARS} characters`;
  if ([...password].length > MAX_PASSWORD_CHARS) return `a console password must be at most ${MAX_PASSWORD_CHARS} characters`;
  return undefined;
}

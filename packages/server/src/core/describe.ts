/**
 * Short, safe descriptions of untrusted values for error messages. Never JSON.stringify an
 * untrusted value into a message: a 20,000-deep array overflows the stack and a 60 KB string
 * becomes a 60 KB error. This looks at the top level only and caps what it copies.
 */

/** Characters of a string kept in a description. */
const MAX_STRING_CHARS = 64;

/** A short, safe description of an untrusted value (never deep, never long). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_STRING_CHARS ? `${value.slice(0, MAX_STRING_CHARS)}…` : value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * Handshake rate per client IP: a token bucket per address (`handshakesPerIpPerSec` refill,
 * `handshakeBurstPerIp` capacity). An upgrade without a token is refused before any WebSocket
 * work with HTTP 429 and `Retry-After` (HANDSHAKE_RATE_LIMITED). Buckets are kept for at most
 * {@link MAX_TRACKED_IPS} addresses (least recently seen forgotten first; a forgotten address
 * starts again with a full bucket, which is what a full bucket would give it anyway once
 * refilled). Time comes from the injected clock, passed in as `now`.
 */

/** Limits of a {@link HandshakeLimiter} (from ServerOptions). */
export interface HandshakeLimitOptions {
  /** Tokens added per second per address. */
  handshakesPerIpPerSec: number;
  /** Tokens an address holds at most (and starts with). */
  handshakeBurstPerIp: number;
}

/** Addresses tracked at most; beyond it the least recently seen is forgotten. */
export const MAX_TRACKED_IPS = 100_000;

interface Bucket {
  tokens: number;
  at: number;
}

/** Per-IP handshake buckets of one process. */
export class HandshakeLimiter {
  readonly #o: HandshakeLimitOptions;
  readonly #maxTracked: number;
  /** In order of last use (a touched address is moved to the end). */
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: HandshakeLimitOptions, maxTracked = MAX_TRACKED_IPS) {
    this.#o = options;
    this.#maxTracked = maxTracked;
  }

  /** Addresses tracked now. */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Take a token for a handshake from `ip`. Returns 0 when admitted, or the whole seconds to
   * wait (at least 1) before the next token, for `Retry-After`.
   */
  take(ip: string, nowMs: number): number {
    const { handshakesPerIpPerSec: rate, handshakeBurstPerIp: burst } = this.#o;
    let bucket = this.#buckets.get(ip);
    if (bucket === undefined) {
      bucket = { tokens: burst, at: nowMs };
      if (this.#buckets.size >= this.#maxTracked) this.#buckets.delete(this.#buckets.keys().next().value!);
    } else {
      this.#buckets.delete(ip);
      const elapsed = nowMs - bucket.at;
      if (elapsed > 0) {
        bucket.tokens = Math.min(burst, bucket.tokens + (elapsed * rate) / 1000);
        bucket.at = nowMs;
      }
    }
    this.#buckets.set(ip, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
  }
}

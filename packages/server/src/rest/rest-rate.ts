/**
 * Per-app REST rates: one token bucket per (app, command) on each node, refilled at the
 * command's rate with one second of burst. Buckets of apps that stop calling are dropped, so
 * memory stays bounded by the apps and commands in use.
 */
import type { Clock } from '../clock/clock.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Most buckets kept; past it the oldest are dropped (they refill to full anyway). */
const MAX_BUCKETS = 10_000;

/** The REST rate limiter of one node. */
export class RestRate {
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Spend one call of `command` for `sdkAppId` at `ratePerSec`; false when over. */
  take(sdkAppId: number, command: string, ratePerSec: number): boolean {
    const key = `${sdkAppId} ${command}`;
    const now = this.#clock.now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#buckets.delete(this.#buckets.keys().next().value!);
      bucket = { tokens: ratePerSec, at: now };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(ratePerSec, bucket.tokens + ((now - bucket.at) * ratePerSec) / 1000);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

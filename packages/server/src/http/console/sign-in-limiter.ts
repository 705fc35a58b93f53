/**
 * Rate limit of console sign-ins, per client address and per account: at most
 * {@link SIGN_IN_LIMITS}.perIp attempts per address and perAccount failed attempts per account
 * within a sliding window. Time comes from the injected clock. Both tables are bounded (the
 * oldest entry goes first); the limits hold per process (docs/console.md#sign-in-limits).
 */
import type { Clock } from '../../clock/clock.js';

/** The limits. */
export const SIGN_IN_LIMITS = Object.freeze({
  /** Window, ms (15 minutes). */
  windowMs: 15 * 60_000,
  /** Sign-in attempts (right or wrong) per client address per window. */
  perIp: 20,
  /** Failed sign-ins per account per window. */
  perAccount: 10,
  /** Addresses and accounts tracked at most (each table). */
  maxTracked: 10_000,
});

class Window {
  readonly #hits = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly clock: Clock,
  ) {}

  #live(key: string): number[] {
    const since = this.clock.now() - SIGN_IN_LIMITS.windowMs;
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > since);
    if (hits.length === 0) this.#hits.delete(key);
    return hits;
  }

  /** Seconds until `key` may try again, 0 when it may now. */
  retryAfterSec(key: string): number {
    const hits = this.#live(key);
    if (hits.length < this.limit) return 0;
    return Math.max(1, Math.ceil((hits[0]! + SIGN_IN_LIMITS.windowMs - this.clock.now()) / 1000));
  }

  hit(key: string): void {
    const hits = this.#live(key);
    hits.push(this.clock.now());
    this.#hits.delete(key);
    this.#hits.set(key, hits.slice(-this.limit));
    if (this.#hits.size > SIGN_IN_LIMITS.maxTracked) this.#hits.delete(this.#hits.keys().next().value!);
  }

  clear(key: string): void {
    this.#hits.delete(key);
  }
}

/** The per-address and per-account windows. */
export class SignInLimiter {
  readonly #ip: Window;
  readonly #account: Window;
  constructor(clock: Clock) {
    this.#ip = new Window(SIGN_IN_LIMITS.perIp, clock);
    this.#account = new Window(SIGN_IN_LIMITS.perAccount, clock);
  }

  /** Seconds to wait before this attempt is allowed (0 = go ahead); counts the attempt against the address when allowed. */
  attempt(ip: string, account: string): number {
    const wait = Math.max(this.#ip.retryAfterSec(ip), this.#account.retryAfterSec(account));
    if (wait === 0) this.#ip.hit(ip);
    return wait;
  }

  /** Record the outcome of an allowed attempt. */
  outcome(account: string, ok: boolean): void {
    if (ok) this.#account.clear(account);
    else this.#account.hit(account);
  }
}

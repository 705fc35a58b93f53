/**
 * A room's send budget: a token bucket refilled at `ratePerSec` with one second of burst,
 * where each priority may only spend tokens down to its reserve. High may spend the whole
 * bucket; Normal leaves 10 % for High; Low leaves 25 %; Lowest leaves 50 %. Under sustained
 * overload the bucket hovers near the reserves, so the lowest priorities are shed first and
 * High keeps getting through even when it arrives after a flood of lower-priority messages.
 */

/** Fraction of the bucket each priority rank must leave untouched. */
const RESERVE_BY_RANK = [0, 0.1, 0.25, 0.5] as const;

/** Token bucket with per-priority reserves. */
export class RateLimiter {
  #rate: number;
  #tokens: number;
  #updatedAt: number;

  constructor(ratePerSec: number, nowMs: number) {
    this.#rate = ratePerSec;
    this.#tokens = ratePerSec;
    this.#updatedAt = nowMs;
  }

  /** Messages per second. */
  get ratePerSec(): number {
    return this.#rate;
  }

  /** Change the rate; the bucket keeps its fill fraction. */
  setRate(ratePerSec: number, nowMs: number): void {
    this.#refill(nowMs);
    const fraction = this.#rate > 0 ? this.#tokens / this.#rate : 1;
    this.#rate = ratePerSec;
    this.#tokens = fraction * ratePerSec;
  }

  /** Spend one token for a message of `rank` (0 High … 3 Lowest) if its reserve allows. */
  tryTake(rank: 0 | 1 | 2 | 3, nowMs: number): boolean {
    this.#refill(nowMs);
    const floor = this.#rate * RESERVE_BY_RANK[rank];
    if (this.#tokens - 1 < floor - 1e-9) return false;
    this.#tokens -= 1;
    return true;
  }

  #refill(nowMs: number): void {
    const elapsed = nowMs - this.#updatedAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#rate, this.#tokens + (elapsed * this.#rate) / 1000);
      this.#updatedAt = nowMs;
    }
  }
}

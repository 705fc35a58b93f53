/**
 * A connection's request budget: a token bucket (`requestsPerSec` refill, `requestBurst`
 * capacity; each request takes its command's cost, see `request-cost.ts`), a cap on
 * requests awaiting an answer, and a count of refusals per minute past which the connection
 * is closed as a flood. Time comes from the injected clock, passed in as `now`.
 */
import type { ErrorName } from '@stadium/protocol';

/** Limits of a {@link RequestBudget} (from ServerOptions). */
export interface RequestBudgetOptions {
  /** Tokens added per second. */
  requestsPerSec: number;
  /** Tokens the bucket holds at most (and starts with). */
  requestBurst: number;
  /** Requests awaiting an answer at once. */
  maxRequestsInFlight: number;
  /** Refusals within a minute past which the connection is closed with REQUEST_FLOOD. */
  maxRefusedRequestsPerMinute: number;
}

/** Why a request was refused. */
export type BudgetRefusal = Extract<ErrorName, 'REQUESTS_RATE_LIMITED' | 'TOO_MANY_REQUESTS_IN_FLIGHT'>;

const REFUSAL_WINDOW_MS = 60_000;

/** One connection's request budget. */
export class RequestBudget {
  readonly #o: RequestBudgetOptions;
  #tokens: number;
  #refilledAt: number;
  #inFlight = 0;
  #refused = 0;
  #refusedSince = Number.NEGATIVE_INFINITY;

  constructor(options: RequestBudgetOptions, nowMs: number) {
    this.#o = options;
    this.#tokens = options.requestBurst;
    this.#refilledAt = nowMs;
  }

  /** Requests admitted and not yet answered. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Tokens left now (for tests and logs). */
  tokens(nowMs: number): number {
    this.#refill(nowMs);
    return this.#tokens;
  }

  /**
   * Take `cost` tokens, and an in-flight slot when `awaited` (a request that gets a `res`
   * later; a `ping` is answered at once). Returns the refusal, or null when admitted; a
   * refused request takes nothing.
   */
  admit(cost: number, nowMs: number, awaited: boolean): BudgetRefusal | null {
    if (awaited && this.#inFlight >= this.#o.maxRequestsInFlight) return 'TOO_MANY_REQUESTS_IN_FLIGHT';
    this.#refill(nowMs);
    if (this.#tokens < cost) return 'REQUESTS_RATE_LIMITED';
    this.#tokens -= cost;
    if (awaited) this.#inFlight++;
    return null;
  }

  /** An admitted request was answered. */
  settled(): void {
    if (this.#inFlight > 0) this.#inFlight--;
  }

  /** Count a refusal; true when the connection refused more than the limit within a minute and must be closed. */
  refused(nowMs: number): boolean {
    if (nowMs - this.#refusedSince >= REFUSAL_WINDOW_MS) {
      this.#refusedSince = nowMs;
      this.#refused = 0;
    }
    return ++this.#refused > this.#o.maxRefusedRequestsPerMinute;
  }

  #refill(nowMs: number): void {
    const elapsed = nowMs - this.#refilledAt;
    if (elapsed <= 0) return;
    this.#refilledAt = nowMs;
    this.#tokens = Math.min(this.#o.requestBurst, this.#tokens + (elapsed * this.#o.requestsPerSec) / 1000);
  }
}

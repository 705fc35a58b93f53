/**
 * Reconnect delays: exponential backoff with full jitter (a uniformly random delay between 0
 * and min(cap, base · 2^attempt)), so clients dropped together by a restart do not return
 * together.
 */

/** Delay in milliseconds before reconnect attempt `attempt` (0-based). `random` returns [0, 1). */
export function fullJitterDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.floor(random() * ceiling);
}

/** Counts attempts and hands out full-jitter delays; reset it once a connection works. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The next delay; each call counts one attempt. */
  next(): number {
    return fullJitterDelayMs(this.attempt++, this.baseMs, this.maxMs, this.random);
  }

  /** Attempts since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** Start again from the base delay. */
  reset(): void {
    this.attempt = 0;
  }
}

/**
 * How late one room's fan-out runs on this node, and how far it degrades because of it.
 *
 * After each pass over the room's members the fan-out tells {@link FanoutLag.passed} how late
 * it ended: how long after its authority published it the batch arrived here, plus the pass
 * itself (the time a merged window waits on purpose is not lag). While passes end later
 * than `targetMs`, the room degrades one step per {@link STEP_MS}, unless the
 * lag fell by a fifth or more since the last look (the last step is working):
 *
 * 1. longer windows here first: batches that arrive within {@link FanoutLag.spacingMs} of the
 *    last pass are merged into the next one (250 ms, doubling up to `maxSpacingMs`). Fewer
 *    passes write the same messages. A High message or a notice waits half as long, below
 *    level 2 (fanout/room-fanout.ts);
 * 2. then the level rises from 0 to {@link MAX_LAG_LEVEL}. The node reports it to the room's
 *    authority, whose downstream cap drops Lowest (level 1), then Low (2), then holds Normal to
 *    a few per second per member (3); High is never sampled (authority/room-sequencer.ts).
 *
 * Below half the target it recovers one step per 2 × {@link STEP_MS}, in the reverse order.
 *
 * Lateness is read on two clocks (the authority's publish time, this node's pass end). So that
 * a skew between machines or a constant bus delay is not taken for lag, the least arrival delay
 * seen over the last minute is subtracted (at most `targetMs` / 2 of it). Each batch's arrival
 * delay is measured when it arrives, so a batch that waits in a merged window is not late.
 */

/** Time between two steps up (down: twice this). */
export const STEP_MS = 1000;

/** The first longer window, doubled on each further step. */
export const FIRST_SPACING_MS = 250;

/** The highest degradation level (Lowest, Low, then Normal limited). */
export const MAX_LAG_LEVEL = 3;

/** The arrival-delay floor is the least of two rolling buckets of this length. */
const FLOOR_BUCKET_MS = 30_000;

/** Settings of {@link FanoutLag}. */
export interface FanoutLagOptions {
  /** A pass that ends later than this after its oldest message was published is late (ms). */
  targetMs: number;
  /** The longest merged window (ms). */
  maxSpacingMs: number;
}

/** One room's lag on this node. */
export class FanoutLag {
  readonly #o: FanoutLagOptions;
  #level = 0;
  #spacing = 0;
  #lastStepAt = -Infinity;
  #lagAtStep = 0;
  #lagMs = 0;
  #floorNow = Infinity;
  #floorBefore = Infinity;
  #floorSince = -Infinity;

  constructor(options: FanoutLagOptions) {
    this.#o = options;
  }

  /** 0 while the room keeps up; 1–3 once it asked its authority to sample lower priorities away. */
  get level(): number {
    return this.#level;
  }

  /** The least time between two passes now (0: every batch is written as it arrives). */
  get spacingMs(): number {
    return this.#spacing;
  }

  /** The last pass's lag (ms). */
  get lagMs(): number {
    return this.#lagMs;
  }

  /** A batch published at `at` (authority clock) arrived at `now`. */
  arrived(at: number, now: number): void {
    if (now - this.#floorSince >= FLOOR_BUCKET_MS) {
      this.#floorBefore = this.#floorNow;
      this.#floorNow = Infinity;
      this.#floorSince = now;
    }
    const delay = now - at;
    if (delay < this.#floorNow) this.#floorNow = delay;
  }

  /**
   * A pass ended at `now`, `delayMs` after its latest batch was published (the batch's arrival
   * delay plus the pass; a merged window's wait is not counted). Returns true when the level
   * changed (to be reported to the room's authority).
   */
  passed(delayMs: number, now: number): boolean {
    const seen = Math.min(this.#floorNow, this.#floorBefore);
    const floor = seen === Infinity ? 0 : Math.min(seen, this.#o.targetMs / 2);
    const lag = Math.max(0, delayMs - floor);
    this.#lagMs = lag;
    const { targetMs, maxSpacingMs } = this.#o;
    const before = this.#level;
    if (lag > targetMs) {
      if (now - this.#lastStepAt < STEP_MS) return false;
      // Falling by a fifth or more since the last look: the last step is working, wait.
      const falling = lag < this.#lagAtStep * 0.8;
      this.#step(now, lag);
      if (falling) return false;
      if (this.#spacing < maxSpacingMs) this.#spacing = Math.min(maxSpacingMs, Math.max(FIRST_SPACING_MS, this.#spacing * 2));
      else if (this.#level < MAX_LAG_LEVEL) this.#level++;
    } else if (lag < targetMs / 2) {
      if (now - this.#lastStepAt < 2 * STEP_MS) return false;
      if (this.#level > 0) this.#level--;
      else if (this.#spacing > 0) this.#spacing = this.#spacing <= FIRST_SPACING_MS ? 0 : this.#spacing / 2;
      else return false;
      this.#step(now, lag);
    }
    return this.#level !== before;
  }

  #step(now: number, lag: number): void {
    this.#lastStepAt = now;
    this.#lagAtStep = lag;
  }
}

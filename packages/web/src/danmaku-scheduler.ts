/**
 * Which comments fly across the video and in which lane. A comment takes a lane when the one
 * before it in that lane has moved far enough ahead (`laneGapMs`), so the overlay holds at
 * most lanes × (flight / gap) comments however fast they come. What cannot be shown soon is
 * dropped: the waiting queue is short (`maxWaiting`; a new comment pushes out the oldest) and
 * a comment that waited longer than `maxWaitMs` is dropped, so the overlay never falls behind
 * the chat: newest wins. Pure logic on an injected time, so tests drive it exactly.
 */

/** Tuning of {@link DanmakuScheduler}. */
export interface DanmakuOptions {
  /** Lanes (rows) of the overlay. @default 6 */
  lanes: number;
  /** Time between two comments entering the same lane, ms. @default 1200 */
  laneGapMs: number;
  /** Comments waiting for a lane at most; more push out the oldest. @default 8 */
  maxWaiting: number;
  /** A comment that waited longer is dropped, ms. @default 1500 */
  maxWaitMs: number;
}

/** Defaults of {@link DanmakuOptions}. */
export const DEFAULT_DANMAKU_OPTIONS: Readonly<DanmakuOptions> = Object.freeze({ lanes: 6, laneGapMs: 1200, maxWaiting: 8, maxWaitMs: 1500 });

/** A comment given a lane. */
export interface Launch<T> {
  item: T;
  lane: number;
}

/** Lane scheduler with a bounded, newest-wins queue. */
export class DanmakuScheduler<T> {
  readonly #o: DanmakuOptions;
  #waiting: Array<{ item: T; at: number }> = [];
  #laneFreeAt: number[];
  #nextLane = 0;
  /** Comments dropped so far (queue full or waited too long). */
  dropped = 0;

  constructor(options: Partial<DanmakuOptions> = {}) {
    this.#o = { ...DEFAULT_DANMAKU_OPTIONS, ...options };
    this.#laneFreeAt = new Array<number>(this.#o.lanes).fill(-Infinity);
  }

  /** Lanes in use. */
  get lanes(): number {
    return this.#laneFreeAt.length;
  }

  /** Comments waiting now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Change the number of lanes (the overlay was resized); at least 1. */
  setLanes(lanes: number): void {
    const n = Math.max(1, Math.floor(lanes));
    if (n === this.#laneFreeAt.length) return;
    this.#laneFreeAt = Array.from({ length: n }, (_, i) => this.#laneFreeAt[i] ?? -Infinity);
    this.#nextLane %= n;
  }

  /** Offer a comment at time `now` (ms). */
  push(item: T, now: number): void {
    this.#waiting.push({ item, at: now });
    if (this.#waiting.length > this.#o.maxWaiting) {
      this.#waiting.shift();
      this.dropped++;
    }
  }

  /** Drop everything waiting (the page was hidden). */
  clear(): void {
    this.dropped += this.#waiting.length;
    this.#waiting = [];
  }

  /** The comments that enter the overlay at `now`, each with its lane; call it every frame or tick. */
  take(now: number): Array<Launch<T>> {
    while (this.#waiting.length > 0 && now - this.#waiting[0]!.at > this.#o.maxWaitMs) {
      this.#waiting.shift();
      this.dropped++;
    }
    const out: Array<Launch<T>> = [];
    const lanes = this.#laneFreeAt.length;
    for (let tried = 0; tried < lanes && this.#waiting.length > 0; tried++) {
      const lane = (this.#nextLane + tried) % lanes;
      if (this.#laneFreeAt[lane]! > now) continue;
      this.#laneFreeAt[lane] = now + this.#o.laneGapMs;
      out.push({ item: this.#waiting.shift()!.item, lane });
    }
    if (out.length > 0) this.#nextLane = (out[out.length - 1]!.lane + 1) % lanes;
    return out;
  }
}

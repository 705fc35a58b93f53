/**
 * Frames per second of one connection, every frame counted: requests, `ping`s, malformed
 * frames and WebSocket control frames (ping / pong). A token bucket (`framesPerSec` refill,
 * `frameBurst` capacity, one token a frame). A frame without a token is dropped unread; the
 * first drop after admitted frames is answered with one `err` (FRAME_RATE_LIMITED), and more
 * than `framesPerSec` drops within a minute close the connection (FRAME_FLOOD, 4030). This
 * sits in front of the request budget (`request-budget.ts`), which prices requests by cost.
 * Time comes from the injected clock, passed in as `now`.
 */

/** Limits of a {@link FrameRate} (from ServerOptions). */
export interface FrameRateOptions {
  framesPerSec: number;
  frameBurst: number;
}

const DROP_WINDOW_MS = 60_000;

/** What to do with a frame. */
export type FrameVerdict = 'admit' | 'drop-and-tell' | 'drop' | 'close';

/** One connection's frame bucket. */
export class FrameRate {
  readonly #o: FrameRateOptions;
  #tokens: number;
  #at: number;
  #dropped = 0;
  #droppedSince = Number.NEGATIVE_INFINITY;
  /** Whether the last frame was dropped (so only the first drop of a run is answered). */
  #dropping = false;

  constructor(options: FrameRateOptions, nowMs: number) {
    this.#o = options;
    this.#tokens = options.frameBurst;
    this.#at = nowMs;
  }

  /** Count one frame. */
  take(nowMs: number): FrameVerdict {
    const elapsed = nowMs - this.#at;
    if (elapsed > 0) {
      this.#at = nowMs;
      this.#tokens = Math.min(this.#o.frameBurst, this.#tokens + (elapsed * this.#o.framesPerSec) / 1000);
    }
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#dropping = false;
      return 'admit';
    }
    if (nowMs - this.#droppedSince >= DROP_WINDOW_MS) {
      this.#droppedSince = nowMs;
      this.#dropped = 0;
    }
    if (++this.#dropped > this.#o.framesPerSec) return 'close';
    if (this.#dropping) return 'drop';
    this.#dropping = true;
    return 'drop-and-tell';
  }
}

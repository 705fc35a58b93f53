/**
 * Rooms created per user in a fixed one-hour window, counted in this process's memory (so on
 * a cluster each node counts its own). A user's window starts at their first creation in it.
 * Memory is bounded by the users who created a room in the last two windows: expired entries
 * are swept once per window.
 */
import type { Clock } from '../clock/clock.js';

const WINDOW_MS = 3_600_000;

/** Counts creations per key (app and user) per hour. */
export class RoomCreateWindow {
  readonly #clock: Clock;
  readonly #max: number;
  readonly #counts = new Map<string, { since: number; count: number }>();
  #sweptAt: number;

  constructor(clock: Clock, maxPerHour: number) {
    this.#clock = clock;
    this.#max = maxPerHour;
    this.#sweptAt = clock.now();
  }

  /** Whether `key` may create another room now (does not count it). */
  allows(key: string): boolean {
    const now = this.#clock.now();
    this.#sweep(now);
    const entry = this.#counts.get(key);
    return entry === undefined || now - entry.since >= WINDOW_MS || entry.count < this.#max;
  }

  /** Count one creation by `key`. */
  record(key: string): void {
    const now = this.#clock.now();
    const entry = this.#counts.get(key);
    if (entry === undefined || now - entry.since >= WINDOW_MS) this.#counts.set(key, { since: now, count: 1 });
    else entry.count++;
  }

  #sweep(now: number): void {
    if (now - this.#sweptAt < WINDOW_MS) return;
    this.#sweptAt = now;
    for (const [key, entry] of this.#counts) if (now - entry.since >= WINDOW_MS) this.#counts.delete(key);
  }
}

/**
 * A room's review queue as its authority holds it: the held messages, oldest first, mirrored
 * in the store (review-handlers.ts writes through). Bounded by `reviewQueueMax` (the handler
 * refuses past it); a held message expires `reviewHoldMs` after it was held (on the injected
 * clock) and is then forgotten at the next look at the queue.
 */
import type { HeldMessage } from '../core/held-message.js';

/** The held messages of one room. */
export class ReviewQueue {
  /** By hold ID, in the order held (Map keeps insertion order). */
  readonly #held = new Map<string, HeldMessage>();

  constructor(held: readonly HeldMessage[] = []) {
    for (const h of held) this.#held.set(h.holdId, h);
  }

  get size(): number {
    return this.#held.size;
  }

  /** Every held message not yet expired at `now`, oldest first. */
  list(now: number): HeldMessage[] {
    // Sorted as the store lists them: a message put back after a failed approval keeps its place.
    return [...this.#held.values()].filter((h) => h.expiresAt > now).sort((a, b) => a.heldAt - b.heldAt || (a.holdId < b.holdId ? -1 : a.holdId > b.holdId ? 1 : 0));
  }

  add(held: HeldMessage): void {
    this.#held.set(held.holdId, held);
  }

  /** Remove and return the held message, unless it is unknown or expired at `now`. */
  take(holdId: string, now: number): HeldMessage | undefined {
    const held = this.#held.get(holdId);
    if (!held) return undefined;
    this.#held.delete(holdId);
    return held.expiresAt > now ? held : undefined;
  }

  /** Forget the messages expired at `now`; returns their hold IDs (to delete from the store). */
  prune(now: number): string[] {
    const gone: string[] = [];
    for (const [holdId, held] of this.#held) {
      if (held.expiresAt > now) continue;
      this.#held.delete(holdId);
      gone.push(holdId);
    }
    return gone;
  }
}

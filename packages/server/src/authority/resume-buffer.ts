/**
 * The last N encoded messages of a room, so a client that drops and comes back can be sent
 * exactly what it missed (B1). Entries are the same objects the batches carried: nothing is
 * re-encoded to store or replay them.
 *
 * The ring survives a change of authority through the Store's resume window (see
 * resume-window-writer.ts): a new authority seeds it with the stored entries. What an earlier
 * authority published after its last write is not there, and cannot be told apart from numbers
 * it reserved but never used, so a resume across those numbers is never called complete.
 */
import type { ResumeWindowEntry } from '../core/records.js';
import type { ResumeResult } from '../wire/authority-commands.js';
import type { BatchEntry } from '../wire/batch-entry.js';

/** Fixed-size ring of a room's newest messages, in sequence order, each with when it was published. */
export class ResumeBuffer {
  readonly #ring: (BatchEntry | undefined)[];
  readonly #at: number[];
  readonly #windowMs: number;
  #start = 0;
  #size = 0;
  /** Numbers an earlier authority may have published that are not held (inclusive; empty when from > to). */
  #unknown = { fromSeq: 1, toSeq: 0 };

  /**
   * @param capacity most messages held
   * @param windowMs a message published longer ago than this is not offered for resume
   */
  constructor(capacity: number, windowMs = Infinity) {
    this.#ring = new Array<BatchEntry | undefined>(capacity);
    this.#at = new Array<number>(capacity).fill(0);
    this.#windowMs = windowMs;
  }

  /** Append messages (already in ascending sequence order) published at `atMs`. */
  push(entries: readonly BatchEntry[], atMs: number): void {
    const cap = this.#ring.length;
    if (cap === 0) return;
    for (const entry of entries) {
      let slot: number;
      if (this.#size < cap) {
        slot = (this.#start + this.#size) % cap;
        this.#size++;
      } else {
        slot = this.#start;
        this.#start = (this.#start + 1) % cap;
      }
      this.#ring[slot] = entry;
      this.#at[slot] = atMs;
    }
  }

  /**
   * Start from what an earlier authority stored (ascending), before this one publishes from
   * `nextSeq`. The numbers between the newest stored entry and `nextSeq` are unknown: the
   * earlier authority may have published them after its last write.
   */
  seed(stored: readonly ResumeWindowEntry[], nextSeq: number): void {
    const below = stored.filter((e) => e.seq < nextSeq);
    const newest = below.length > 0 ? below[below.length - 1]!.seq : 0;
    for (const e of below.slice(-this.#ring.length)) this.push([{ seq: e.seq, rank: e.rank, json: e.json }], e.atMs);
    this.#unknown = { fromSeq: newest + 1, toSeq: nextSeq - 1 };
  }

  /** The held message `seq`, if any (entries are in ascending order: a binary search). */
  get(seq: number): BatchEntry | undefined {
    const cap = this.#ring.length;
    let lo = 0;
    let hi = this.#size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const entry = this.#ring[(this.#start + mid) % cap]!;
      if (entry.seq === seq) return entry;
      if (entry.seq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /**
   * What a member that last saw `afterSeq` missed, in a room whose numbers run from `firstSeq`
   * to `lastSeq`, at `nowMs`. Complete when every one of them is still held and within the time
   * window. A position the room's numbering cannot place — past its last message, or before its
   * first (from an earlier room under the same ID) — is never complete and has no known gap, so
   * the client is told rather than trusted. `missed` is one range: when both the oldest
   * messages and an earlier authority's unwritten ones are gone, it runs from the first to the
   * last of them and nothing inside it is offered.
   */
  since(afterSeq: number, lastSeq: number, firstSeq = 1, nowMs = 0): ResumeResult {
    let entries: BatchEntry[] = [];
    const cap = this.#ring.length;
    const cutoff = nowMs - this.#windowMs;
    for (let i = 0; i < this.#size; i++) {
      const slot = (this.#start + i) % cap;
      const entry = this.#ring[slot]!;
      if (entry.seq <= afterSeq) continue;
      // Too old: it and everything before it is not offered (clocks of two authorities may
      // disagree, so no older-looking entry is skipped in the middle).
      if (this.#at[slot]! < cutoff) entries = [];
      else entries.push(entry);
    }
    if (afterSeq > lastSeq || afterSeq < firstSeq - 1) return { entries, complete: false };
    const oldestHeld = entries.length > 0 ? entries[0]!.seq : lastSeq + 1;
    // Numbers in (afterSeq, oldestHeld) that were assigned but are no longer held. Sequence
    // numbers can have gaps (a crashed authority's unused reservation), so a gap here means
    // "not sent", not necessarily "lost".
    const head = oldestHeld > afterSeq + 1 ? { fromSeq: afterSeq + 1, toSeq: oldestHeld - 1 } : null;
    const unknownFrom = Math.max(this.#unknown.fromSeq, afterSeq + 1);
    const unknownTo = Math.min(this.#unknown.toSeq, lastSeq);
    const unknown = unknownFrom <= unknownTo ? { fromSeq: unknownFrom, toSeq: unknownTo } : null;
    if (!head && !unknown) return { entries, complete: true };
    if (!unknown) return { entries, complete: false, missed: head! };
    if (!head) return { entries, complete: false, missed: unknown };
    const toSeq = Math.max(head.toSeq, unknown.toSeq);
    return { entries: entries.filter((e) => e.seq > toSeq), complete: false, missed: { fromSeq: head.fromSeq, toSeq } };
  }
}

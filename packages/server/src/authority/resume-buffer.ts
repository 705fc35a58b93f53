/**
 * The last N encoded messages of a room, so a client that drops and comes back can be sent
 * exactly what it missed (B1). Entries are the same objects the batches carried: nothing is
 * re-encoded to store or replay them.
 */
import type { ResumeResult } from '../wire/authority-commands.js';
import type { BatchEntry } from '../wire/batch-entry.js';

/** Fixed-size ring of a room's newest messages, in sequence order. */
export class ResumeBuffer {
  readonly #ring: (BatchEntry | undefined)[];
  #start = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#ring = new Array<BatchEntry | undefined>(capacity);
  }

  /** Append messages (already in ascending sequence order). */
  push(entries: readonly BatchEntry[]): void {
    const cap = this.#ring.length;
    if (cap === 0) return;
    for (const entry of entries) {
      if (this.#size < cap) {
        this.#ring[(this.#start + this.#size) % cap] = entry;
        this.#size++;
      } else {
        this.#ring[this.#start] = entry;
        this.#start = (this.#start + 1) % cap;
      }
    }
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
   * to `lastSeq`. Complete when every one of them is still held. A position the room's
   * numbering cannot place — past its last message, or before its first (from an earlier room
   * under the same ID) — is never complete and has no known gap, so the client is told rather
   * than trusted.
   */
  since(afterSeq: number, lastSeq: number, firstSeq = 1): ResumeResult {
    const entries: BatchEntry[] = [];
    const cap = this.#ring.length;
    for (let i = 0; i < this.#size; i++) {
      const entry = this.#ring[(this.#start + i) % cap]!;
      if (entry.seq > afterSeq) entries.push(entry);
    }
    if (afterSeq > lastSeq || afterSeq < firstSeq - 1) return { entries, complete: false };
    const oldestHeld = entries.length > 0 ? entries[0]!.seq : lastSeq + 1;
    // Numbers in (afterSeq, oldestHeld) that were assigned but are no longer held. Sequence
    // numbers can have gaps (a crashed authority's unused reservation), so a gap here means
    // "not sent", not necessarily "lost".
    if (oldestHeld <= afterSeq + 1) return { entries, complete: true };
    return { entries, complete: false, missed: { fromSeq: afterSeq + 1, toSeq: oldestHeld - 1 } };
  }
}

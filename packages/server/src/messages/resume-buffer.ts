/**
 * The last N encoded messages of a room, so a client that drops and comes back can be sent
 * exactly what it missed (B1). Entries are the same objects the batches carried: nothing is
 * re-encoded to store or replay them.
 */
import type { BatchEntry } from '../fanout/room-batch.js';

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

  /**
   * Messages with `seq > afterSeq`. `complete` is false when some of them are no longer held
   * (the client was away longer than the buffer reaches back).
   */
  since(afterSeq: number, lastSeq: number): { entries: BatchEntry[]; complete: boolean } {
    const entries: BatchEntry[] = [];
    const cap = this.#ring.length;
    for (let i = 0; i < this.#size; i++) {
      const entry = this.#ring[(this.#start + i) % cap]!;
      if (entry.seq > afterSeq) entries.push(entry);
    }
    const wanted = Math.max(0, lastSeq - afterSeq);
    return { entries, complete: entries.length >= wanted };
  }
}

/**
 * What a slow connection holds while its socket is not draining. Allocated only for a
 * connection that falls behind, and bounded: past `maxBytes` the lowest-priority messages
 * are dropped first (Lowest, then Low, then Normal; High is never dropped). When only High
 * is left and it is still over the bound, the connection must be closed.
 */
import type { BatchEntry } from '../wire/batch-entry.js';
import { buildMessagesFrame } from './ws-frames.js';

interface Held {
  groupId: string;
  entry: BatchEntry;
}

/** Result of {@link Backlog.push}. */
export interface PushResult {
  /** Dropped messages by rank (index 0 High … 3 Lowest). */
  dropped: [number, number, number, number];
  /** True when the backlog is still over its bound after every droppable message went (always, for a negative bound). */
  overflow: boolean;
}

/** Bounded per-connection backlog. */
export class Backlog {
  readonly since: number;
  #items: Held[] = [];
  #bytes = 0;
  readonly #lost = new Map<string, number>();

  constructor(nowMs: number) {
    this.since = nowMs;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Messages held. */
  get length(): number {
    return this.#items.length;
  }

  /** Hold `entries` of `groupId`, then enforce `maxBytes`. */
  push(groupId: string, entries: readonly BatchEntry[], maxBytes: number): PushResult {
    for (const entry of entries) {
      this.#items.push({ groupId, entry });
      this.#bytes += entry.json.length + 1;
    }
    return this.trim(maxBytes);
  }

  /**
   * Drop held messages, lowest priority and oldest first, until at most `maxBytes` are held
   * (`maxBytes` may be negative when the socket buffer alone is over the connection's budget).
   */
  trim(maxBytes: number): PushResult {
    const dropped: [number, number, number, number] = [0, 0, 0, 0];
    for (let rank = 3; rank >= 1 && this.#bytes > maxBytes; rank--) {
      const kept: Held[] = [];
      for (const held of this.#items) {
        if (this.#bytes > maxBytes && held.entry.rank === rank) {
          this.#bytes -= held.entry.json.length + 1;
          dropped[rank]++;
          this.#lost.set(held.groupId, (this.#lost.get(held.groupId) ?? 0) + 1);
        } else {
          kept.push(held);
        }
      }
      this.#items = kept;
    }
    return { dropped, overflow: this.#bytes > maxBytes };
  }

  /** Build the frames that carry everything held, one per room, in sequence order. Empties the backlog. */
  takeFrames(): Buffer[] {
    const byGroup = new Map<string, BatchEntry[]>();
    for (const held of this.#items) {
      let list = byGroup.get(held.groupId);
      if (!list) byGroup.set(held.groupId, (list = []));
      list.push(held.entry);
    }
    for (const groupId of this.#lost.keys()) if (!byGroup.has(groupId)) byGroup.set(groupId, []);
    const frames: Buffer[] = [];
    for (const [groupId, entries] of byGroup) frames.push(buildMessagesFrame(groupId, entries, this.#lost.get(groupId) ?? 0));
    this.#items = [];
    this.#bytes = 0;
    this.#lost.clear();
    return frames;
  }
}

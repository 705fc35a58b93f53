import type { BatchEntry } from '../wire/batch-entry.js';

/** Something a room's batches are delivered to: a member connection on this node. */
export interface Recipient {
  /**
   * Deliver one batch. `wsFrame` is shared by every recipient and must be written as is;
   * `entries` are for a recipient that is backlogged and has to hold messages.
   */
  deliver(groupId: string, wsFrame: Uint8Array, entries: readonly BatchEntry[]): void;
}

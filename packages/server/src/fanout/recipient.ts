import type { BatchEntry } from '../wire/batch-entry.js';

/** Something a room's batches are delivered to: a member connection on this node. */
export interface Recipient {
  /** The logged-in user receiving (null for a guest), for messages meant for some members only. */
  readonly userId: string | null;
  /**
   * Deliver one batch. `wsFrame` is shared by every recipient and must be written as is;
   * `entries` are for a recipient that is backlogged and has to hold messages.
   */
  deliver(groupId: string, wsFrame: Uint8Array, entries: readonly BatchEntry[]): void;
}

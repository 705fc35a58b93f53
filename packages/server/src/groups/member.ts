import type { BatchEntry } from '../wire/batch-entry.js';
import type { Recipient } from '../fanout/recipient.js';
import type { Room } from './room.js';

/**
 * The membership handle of a WebSocket caller: the connection as the room operations see it
 * (the fan-out writes to it; it remembers which rooms it joined). REST callers have none.
 */
export interface MemberHandle extends Recipient {
  /** Node-unique ID, for logs and tip IDs. */
  readonly id: number;
  /** The logged-in user on this connection, or null for a guest. */
  readonly userId: string | null;
  /** The user's nick and avatar as last known (the online member list shows them). */
  readonly nick: string;
  readonly avatar: string;
  /** The connection is closing: it may not join. */
  readonly closing: boolean;
  /** The joined room with this groupID, if any. */
  joined(groupId: string): Room | undefined;
  /** How many rooms are joined. */
  readonly roomCount: number;
  addRoom(room: Room): void;
  removeRoom(groupId: string): void;
  /** Messages for this member only (a resume), in order with live traffic. */
  deliverOwn(groupId: string, entries: readonly BatchEntry[]): void;
}

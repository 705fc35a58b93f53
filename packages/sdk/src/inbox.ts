/**
 * Turns the messages of one `msgs` frame into the `Message` objects to emit: drops what was
 * already delivered (sequence not newer than the room's last) and the echo of this
 * instance's own sends, and notes notices that end the membership.
 */
import type { WireMessage } from '@stadium/protocol';
import type { JoinedGroups } from './joined-groups.js';
import { endsMembership, messageFromWire, type Message } from './message.js';
import type { RecentIds } from './recent-ids.js';

/** What a `msgs` frame yields. */
export interface InboxResult {
  /** Messages to emit in one `MESSAGE_RECEIVED`, in sequence order. */
  messages: Message[];
  /** A system notice ended this client's membership (kicked, dismissed, banned): leave after emitting. */
  leave: boolean;
}

/** Filter and convert the messages of room `groupID`; `myUserID` is '' for guests. */
export function receiveMessages(groupID: string, wires: readonly WireMessage[], joined: JoinedGroups, sentIds: RecentIds, myUserID: string): InboxResult {
  const messages: Message[] = [];
  let leave = false;
  for (const wire of wires) {
    if (!joined.accept(groupID, wire.seq)) continue;
    if (endsMembership(wire)) leave = true;
    if (sentIds.has(wire.id)) continue;
    messages.push(messageFromWire(groupID, wire, myUserID));
  }
  return { messages, leave };
}

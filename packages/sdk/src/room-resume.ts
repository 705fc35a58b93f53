/**
 * Rejoining rooms after a reconnect: each confirmed room is joined again with
 * `sinceSeq` = the last sequence number delivered, so the server resends what it still holds
 * (in `msgs` frames before its answer).
 *
 * Resuming never drops silently. When the answer says `resumed: false`, the instance emits
 * `TIM.EVENT.GROUP_MESSAGES_MISSED` (a Stadium extension) with {@link GroupMessagesMissed},
 * and when the room's `lastSeq` is below the last sequence number delivered (the room was
 * created again and its numbering restarted) it moves its position back to `lastSeq`, so the
 * room's new messages are delivered rather than taken for duplicates. The room's `msgs`
 * frames wait in a {@link MessageHold} until the answer has been applied.
 */
import { TIM_EVENT, type JoinResult, type MessagesFrame } from '@stadium/protocol';
import type { Requester } from './connection.js';
import type { Emitter } from './emitter.js';
import type { JoinedGroups } from './joined-groups.js';
import type { Logger } from './logger.js';
import type { MessageHold } from './message-hold.js';
import { isServerRejection } from './server-error.js';

/**
 * Data of `TIM.EVENT.GROUP_MESSAGES_MISSED`: messages of `groupID` sent while this client was
 * away that it will never receive. `expired`: the server no longer held `fromSeq`…`toSeq`
 * (inclusive). `unknown-position`: the server could not place the client's position in the
 * room's numbering (the room was created again, say), so the range is unknown.
 */
export type GroupMessagesMissed =
  { groupID: string; fromSeq: number; toSeq: number; reason: 'expired' } | { groupID: string; fromSeq: null; toSeq: null; reason: 'unknown-position' };

/** What a {@link RoomResume} needs. */
export interface RoomResumeDeps {
  joined: JoinedGroups;
  hold: MessageHold;
  emitter: Emitter;
  logger: Logger;
  /** Deliver a `msgs` frame that was held during the rejoin. */
  deliver: (frame: MessagesFrame) => void;
}

/** Rejoins the instance's rooms on a new connection. */
export class RoomResume {
  constructor(private readonly deps: RoomResumeDeps) {}

  /** Rejoin every confirmed room, one after the other; a room the server refuses is left. */
  async rejoinAll(request: Requester): Promise<void> {
    const { joined, hold, logger } = this.deps;
    for (const { groupID, lastSeq } of joined.confirmedEntries()) {
      hold.start(groupID);
      let answered = false;
      try {
        const result = await request('group.join', { groupID, sinceSeq: lastSeq });
        this.apply(groupID, result);
        answered = true;
      } catch (error) {
        if (!isServerRejection(error)) throw error;
        logger.warn(`rejoining ${groupID} failed; leaving it`, error);
        joined.remove(groupID);
      } finally {
        const held = hold.release(groupID);
        if (answered) for (const frame of held) this.deps.deliver(frame);
      }
    }
  }

  /** Apply a rejoin's answer to the room's position, and report messages that will not come. */
  private apply(groupID: string, result: JoinResult): void {
    const { joined, logger } = this.deps;
    // Do not take the room's lastSeq here: missed messages may still be on their way
    // (held behind a backlog), and taking it would make them look like duplicates.
    joined.confirm(groupID, 0);
    if (result.resumed !== false) return;
    // Only ever backwards: a lower lastSeq means the numbering restarted; new messages come after this answer, above it.
    if (typeof result.lastSeq === 'number') joined.rewind(groupID, result.lastSeq);
    const missed = result.missed;
    const data: GroupMessagesMissed =
      missed && Number.isInteger(missed.fromSeq) && Number.isInteger(missed.toSeq)
        ? { groupID, fromSeq: missed.fromSeq, toSeq: missed.toSeq, reason: 'expired' }
        : { groupID, fromSeq: null, toSeq: null, reason: 'unknown-position' };
    logger.warn(`${groupID}: messages sent while disconnected are lost (${data.reason}${data.fromSeq === null ? '' : ` ${data.fromSeq}-${data.toSeq}`})`);
    this.deps.emitter.emit(TIM_EVENT.GROUP_MESSAGES_MISSED, data);
  }
}

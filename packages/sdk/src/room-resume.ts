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
 * frames wait in a {@link MessageHold} until the answer has been applied. Once the held
 * frames are delivered it emits `TIM.EVENT.GROUP_RESUMED` with {@link GroupResumed}: whether
 * the recovery was complete.
 *
 * A rejoin refused for a passing reason — the connection's request budget
 * (`REQUESTS_RATE_LIMITED`, `TOO_MANY_REQUESTS_IN_FLIGHT`), or a node that is busy, moving the
 * room's authority or shutting down (`OVERLOADED`, `SERVICE_UNAVAILABLE`, `SERVER_DRAINING`,
 * `STORE_UNAVAILABLE`) — is not a refusal of the room: it is tried again after
 * {@link BUDGET_RETRY_MS}, doubling, {@link BUDGET_RETRIES} times before the room is left.
 */
import { StadiumError, TIM_EVENT, type JoinResult, type MessagesFrame } from '@stadium/protocol';
import type { Requester } from './connection.js';
import type { Emitter } from './emitter.js';
import type { JoinedGroups } from './joined-groups.js';
import type { Logger } from './logger.js';
import type { MessageHold } from './message-hold.js';
import type { PinnedMessages } from './pinned-messages.js';
import { isServerRejection } from './server-error.js';

/**
 * Data of `TIM.EVENT.GROUP_MESSAGES_MISSED`: messages of `groupID` sent while this client was
 * away, or lost on the way to its server node (missed-notice.ts), that it will never receive.
 * `expired`: the server no longer held `fromSeq`…`toSeq` (inclusive). `unknown-position`: the server could not place the client's position in the
 * room's numbering (the room was created again, say), so the range is unknown.
 */
export type GroupMessagesMissed =
  { groupID: string; fromSeq: number; toSeq: number; reason: 'expired' } | { groupID: string; fromSeq: null; toSeq: null; reason: 'unknown-position' };

/** Data of `TIM.EVENT.GROUP_RESUMED`: `groupID` was rejoined and what the server resent was delivered; `complete` false when some was missing (see GROUP_MESSAGES_MISSED). */
export interface GroupResumed {
  groupID: string;
  complete: boolean;
}

/** What a {@link RoomResume} needs. */
export interface RoomResumeDeps {
  joined: JoinedGroups;
  hold: MessageHold;
  /** What the instance knows of each room's pins: a rejoin tells of changes made meanwhile. */
  pins: PinnedMessages;
  emitter: Emitter;
  logger: Logger;
  /** Deliver a `msgs` frame that was held during the rejoin. */
  deliver: (frame: MessagesFrame) => void;
  /** Resolve after `ms` (the instance's timers). */
  wait: (ms: number) => Promise<void>;
}

/** First wait before a rejoin refused for the request budget is tried again (doubling each time). */
export const BUDGET_RETRY_MS = 250;
/** Retries of a rejoin refused for the request budget. */
export const BUDGET_RETRIES = 5;

/** Refusals for a passing reason: worth retrying after a moment. */
const PASSING_REFUSALS: ReadonlySet<string> = new Set([
  'REQUESTS_RATE_LIMITED',
  'TOO_MANY_REQUESTS_IN_FLIGHT',
  'OVERLOADED',
  'SERVICE_UNAVAILABLE',
  'SERVER_DRAINING',
  'STORE_UNAVAILABLE',
]);

/** A refusal for a passing reason (request budget, a busy or moving node): worth retrying after a moment. */
function isPassingRefusal(error: unknown): boolean {
  return error instanceof StadiumError && PASSING_REFUSALS.has(error.reason);
}

/** Rejoins the instance's rooms on a new connection. */
export class RoomResume {
  constructor(private readonly deps: RoomResumeDeps) {}

  /** Rejoin every confirmed room, one after the other; a room the server refuses is left. */
  async rejoinAll(request: Requester): Promise<void> {
    const { joined, hold, logger } = this.deps;
    for (const { groupID, lastSeq } of joined.confirmedEntries()) {
      hold.start(groupID);
      let answered: JoinResult | null = null;
      try {
        const result = await this.join(request, groupID, lastSeq);
        this.apply(groupID, result);
        answered = result;
      } catch (error) {
        if (!isServerRejection(error)) throw error;
        logger.warn(`rejoining ${groupID} failed; leaving it`, error);
        joined.remove(groupID);
      } finally {
        const held = hold.release(groupID);
        if (answered) {
          for (const frame of held) this.deps.deliver(frame);
          const resumed: GroupResumed = { groupID, complete: answered.resumed !== false };
          this.deps.emitter.emit(TIM_EVENT.GROUP_RESUMED, resumed);
        }
      }
    }
  }

  /** One rejoin, retried while the connection's request budget refuses it. */
  private async join(request: Requester, groupID: string, sinceSeq: number): Promise<JoinResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request('group.join', { groupID, sinceSeq });
      } catch (error) {
        if (!isPassingRefusal(error) || attempt >= BUDGET_RETRIES) throw error;
        this.deps.logger.warn(`rejoining ${groupID}: ${(error as StadiumError).reason}; retrying`);
        await this.deps.wait(BUDGET_RETRY_MS * 2 ** attempt);
      }
    }
  }

  /** Apply a rejoin's answer to the room's position, and report messages that will not come. */
  private apply(groupID: string, result: JoinResult): void {
    const { joined, logger } = this.deps;
    // Do not take the room's lastSeq here: missed messages may still be on their way
    // (held behind a backlog), and taking it would make them look like duplicates.
    joined.confirm(groupID, 0);
    const pins = this.deps.pins.rejoined(groupID, result.pinnedMessages);
    if (pins) this.deps.emitter.emit(TIM_EVENT.PINNED_GROUP_MESSAGE_UPDATED, pins);
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

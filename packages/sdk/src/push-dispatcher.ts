/**
 * Turns the frames the server pushes (`msgs`, `c2c`, `counters`, `attrs`, `pins`, `err`, `kick`) into the instance's
 * events and state changes.
 */
import { TIM_EVENT, type MessagesFrame } from '@stadium/protocol';
import type { PushFrame } from './connection.js';
import type { CounterTotals } from './counters.js';
import type { GroupAttributes } from './group-attributes.js';
import type { PinnedMessages } from './pinned-messages.js';
import type { Emitter } from './emitter.js';
import { receiveMessages } from './inbox.js';
import { messageFromC2C } from './message.js';
import type { JoinedGroups } from './joined-groups.js';
import type { Logger } from './logger.js';
import type { MessageHold } from './message-hold.js';
import type { RecentIds } from './recent-ids.js';
import { missedEvent } from './missed-notice.js';
import { reviewEvent } from './review-events.js';
import type { Session } from './session.js';

/** What a {@link PushDispatcher} needs. */
export interface PushDispatcherDeps {
  session: Session;
  joined: JoinedGroups;
  sentIds: RecentIds;
  counterTotals: CounterTotals;
  attributes: GroupAttributes;
  pins: PinnedMessages;
  emitter: Emitter;
  logger: Logger;
  /** Keeps `msgs` frames of rooms being rejoined until the rejoin's answer was applied. */
  hold: MessageHold;
}

/** Handles every pushed frame. */
export class PushDispatcher {
  constructor(private readonly deps: PushDispatcherDeps) {}

  /** Handle one pushed frame. */
  dispatch(frame: PushFrame): void {
    const { emitter, logger } = this.deps;
    switch (frame.t) {
      case 'msgs':
        if (!this.deps.hold.offer(frame)) this.deliver(frame);
        return;
      case 'c2c': {
        // One-to-one messages are for the logged-in user (or its own copy as the sender).
        const me = this.deps.session.userID;
        if (me === '' || (frame.to !== me && frame.m?.from !== me)) return;
        emitter.emit(TIM_EVENT.MESSAGE_RECEIVED, [messageFromC2C(frame.to, frame.m, me)]);
        return;
      }
      case 'counters':
        if (!this.deps.joined.has(frame.g)) return;
        for (const data of this.deps.counterTotals.changes(frame.g, frame.c)) emitter.emit(TIM_EVENT.GROUP_COUNTER_UPDATED, data);
        return;
      case 'attrs': {
        if (!this.deps.joined.has(frame.g)) return;
        const data = this.deps.attributes.pushed(frame);
        if (data) emitter.emit(TIM_EVENT.GROUP_ATTRIBUTES_UPDATED, data);
        return;
      }
      case 'pins': {
        if (!this.deps.joined.has(frame.g)) return;
        const data = this.deps.pins.pushed(frame);
        if (data) emitter.emit(TIM_EVENT.PINNED_GROUP_MESSAGE_UPDATED, data);
        return;
      }
      case 'err':
        logger.warn(`server error ${frame.code} ${frame.name}: ${frame.message}`);
        emitter.emit(TIM_EVENT.ERROR, { code: frame.code, message: frame.message });
        return;
      case 'kick':
        logger.warn(`kicked out (${frame.type}): ${frame.message}`);
        this.deps.joined.clear();
        emitter.emit(TIM_EVENT.KICKED_OUT, { type: frame.type });
        this.deps.session.end();
        return;
      default:
        assertNever(frame);
    }
  }

  /** Emit the new messages of a `msgs` frame as one MESSAGE_RECEIVED; leave the room after a notice that ends the membership. */
  deliver(frame: MessagesFrame): void {
    const { joined, logger } = this.deps;
    const groupID = frame.g;
    if (!joined.has(groupID)) {
      logger.debug(`dropping messages of ${groupID}: not joined`);
      return;
    }
    if (frame.lost !== undefined && frame.lost > 0) logger.warn(`${groupID}: the server dropped ${frame.lost} messages because this client read too slowly`);
    const all = Array.isArray(frame.m) ? frame.m : [];
    const wires = all.filter((wire) => {
      const missed = missedEvent(groupID, wire);
      if (missed) {
        logger.warn(`${groupID}: messages ${missed.fromSeq}-${missed.toSeq} never reached the server node and are lost`);
        this.deps.emitter.emit(TIM_EVENT.GROUP_MESSAGES_MISSED, missed);
        return false;
      }
      const event = reviewEvent(groupID, wire);
      if (!event) return true;
      this.deps.emitter.emit(event.name, event.data);
      return false;
    });
    const { messages, leave } = receiveMessages(groupID, wires, joined, this.deps.sentIds, this.deps.session.userID);
    if (messages.length > 0) this.deps.emitter.emit(TIM_EVENT.MESSAGE_RECEIVED, messages);
    if (!leave) return;
    joined.remove(groupID);
    this.deps.counterTotals.forget(groupID);
    this.deps.attributes.forget(groupID);
  }
}

function assertNever(frame: never): void {
  void frame;
}

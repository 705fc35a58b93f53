/**
 * The review queue at a room's authority (word lists with action `review`). A message the word
 * filter holds is not published: it is stored (Store.putHeldMessage) and kept in the room's
 * {@link ReviewQueue}, the owner and admins online in the room get a group system notice
 * (operationType 240, `TIM.EVENT.GROUP_MESSAGE_HELD` in the SDK), and the sender is refused
 * with MESSAGE_HELD and the hold ID. Approving it runs the rest of the pipeline (the admission
 * steps after the word filter: the before-send callback; then the rate limiter and the
 * sequencer), so it is published in order as a new message; denying it drops it. Either way
 * the sender and the owner and admins online get a notice (operationType 241).
 *
 * Bounded: at most `reviewQueueMax` held messages per room (REVIEW_QUEUE_FULL past it); each
 * expires `reviewHoldMs` after it was held.
 */
import { randomBytes } from 'node:crypto';
import { GROUP_SYSTEM_NOTICE, StadiumError, type GroupSystemNoticePayload } from '@stadium/protocol';
import type { Bus } from '../bus/bus.js';
import { roomSubject } from '../bus/bus.js';
import type { Clock } from '../clock/clock.js';
import type { ActorStamp } from '../core/actor.js';
import type { HeldMessage } from '../core/held-message.js';
import { authorize } from '../core/permissions.js';
import type { Store } from '../storage/store.js';
import type { Admitted, AuthorityCommands, CallbackControl, HeldView, UnsequencedMessage } from '../wire/authority-commands.js';
import { encodeMessage } from '../wire/batch-entry.js';
import type { RoomAuthority } from './room-authority.js';

/** What the review handlers need. */
export interface ReviewHandlerDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  /** Most held messages per room (option `reviewQueueMax`). */
  reviewQueueMax: number;
  /** How long a message stays held (option `reviewHoldMs`). */
  reviewHoldMs: number;
  /** Run an approved message through the admission steps after `afterStep`, the rate limiter and the sequencer. */
  resume(room: RoomAuthority, actor: ActorStamp, message: UnsequencedMessage, afterStep: string, control: CallbackControl): Promise<Admitted>;
}

/** The review handlers, and `hold` for the send path. */
export interface ReviewHandlers {
  reviewQueue(room: RoomAuthority, body: AuthorityCommands['reviewQueue']['req']): Promise<AuthorityCommands['reviewQueue']['res']>;
  review(room: RoomAuthority, body: AuthorityCommands['review']['req']): Promise<AuthorityCommands['review']['res']>;
  /** Hold a message the word filter marked for review; always throws (MESSAGE_HELD, or REVIEW_QUEUE_FULL). */
  hold(room: RoomAuthority, actor: ActorStamp, message: UnsequencedMessage, afterStep: string, control: CallbackControl): Promise<never>;
}

/** A held message as the commands show it (times in UNIX seconds). */
export function heldView(held: HeldMessage): HeldView {
  return { holdId: held.holdId, message: held.message, heldAt: Math.floor(held.heldAt / 1000), expiresAt: Math.floor(held.expiresAt / 1000) };
}

/** Held in this process so far: orders the hold IDs of one millisecond. */
let holdCounter = 0;

/**
 * A new hold ID: `h-`, the time (ms, 12 hex digits), a counter and 16 random hex digits, so that
 * IDs sort in the order held (the store lists by time, then hold ID) and never repeat across
 * authorities.
 */
function newHoldId(now: number): string {
  holdCounter = (holdCounter + 1) % 0x1000000;
  return `h-${Math.max(0, Math.floor(now)).toString(16).padStart(12, '0')}-${holdCounter.toString(16).padStart(6, '0')}-${randomBytes(8).toString('hex')}`;
}

/** Build the review handlers. */
export function createReviewHandlers(deps: ReviewHandlerDeps): ReviewHandlers {
  const { store, bus, clock } = deps;

  /** A group system notice for some members only (outside the room's numbering). */
  function notify(room: RoomAuthority, userIds: readonly string[], payload: GroupSystemNoticePayload): void {
    const targets = [...new Set(userIds)].filter((u) => u !== '');
    if (targets.length === 0) return;
    const now = clock.now();
    const entry = encodeMessage({
      id: `notice-${payload.operationType}-${payload.holdID ?? ''}-${now}`,
      type: 'TIMGroupSystemNoticeElem',
      payload,
      from: payload.operatorID,
      priority: 'High',
      seq: 0,
      time: Math.floor(now / 1000),
    });
    bus.publish(roomSubject(room.sdkAppId, room.groupId), { kind: 'direct', sdkAppId: room.sdkAppId, groupId: room.groupId, userIds: targets, entries: [entry] });
  }

  /** The owner and the admins: who hears of held messages. */
  function reviewers(room: RoomAuthority): string[] {
    return [room.record.ownerId, ...room.moderation.admins()];
  }

  /** Forget expired held messages, in memory and in the store. */
  async function prune(room: RoomAuthority, now: number): Promise<void> {
    const gone = room.review.prune(now);
    if (gone.length > 0) await store.deleteHeldMessages(room.sdkAppId, room.groupId, gone);
  }

  return {
    async hold(room, actor, message, afterStep, control) {
      const now = clock.now();
      await prune(room, now);
      if (room.review.size >= deps.reviewQueueMax)
        throw new StadiumError('REVIEW_QUEUE_FULL', `${room.groupId} already holds ${deps.reviewQueueMax} messages for review; the message was not sent`);
      const held: HeldMessage = {
        holdId: newHoldId(now),
        actor,
        message,
        afterStep,
        skipBeforeSend: control.skipBeforeSend === true,
        skipAfterSend: control.skipAfterSend === true,
        heldAt: now,
        expiresAt: now + deps.reviewHoldMs,
      };
      await store.putHeldMessage(room.sdkAppId, room.groupId, held);
      room.review.add(held);
      const view = heldView(held);
      notify(room, reviewers(room), {
        operationType: GROUP_SYSTEM_NOTICE.REVIEW_HELD,
        operatorID: actor.userId ?? '',
        holdID: held.holdId,
        heldMessage: message,
        heldAt: view.heldAt,
        expiresAt: view.expiresAt,
      });
      throw new StadiumError('MESSAGE_HELD', `the message awaits review by the owner or an admin of ${room.groupId}: holdID ${held.holdId}`);
    },

    async reviewQueue(room, { actor }) {
      authorize('review.manage', room.roleOf(actor), room.groupId);
      const now = clock.now();
      await prune(room, now);
      return { held: room.review.list(now).map(heldView) };
    },

    async review(room, { actor, holdId, action }) {
      authorize('review.manage', room.roleOf(actor), room.groupId);
      const now = clock.now();
      const held = room.review.take(holdId, now);
      await prune(room, now);
      if (!held) throw new StadiumError('HOLD_NOT_FOUND', `${room.groupId} holds no message ${JSON.stringify(holdId)} (approved, denied or expired)`);
      let seq = 0;
      let time = Math.floor(now / 1000);
      if (action === 'Approve') {
        const control: CallbackControl = { ...(held.skipBeforeSend ? { skipBeforeSend: true } : {}), ...(held.skipAfterSend ? { skipAfterSend: true } : {}) };
        try {
          const admitted = await deps.resume(room, held.actor, held.message, held.afterStep, control);
          seq = admitted.seq;
          time = admitted.time;
        } catch (error) {
          // Still held: the reviewer may try again or deny it.
          if (!room.closed && held.expiresAt > clock.now()) room.review.add(held);
          throw error;
        }
      }
      await store.deleteHeldMessages(room.sdkAppId, room.groupId, [holdId]);
      notify(room, [held.actor.userId ?? '', ...reviewers(room)], {
        operationType: GROUP_SYSTEM_NOTICE.REVIEW_RESULT,
        operatorID: actor.userId ?? '',
        holdID: holdId,
        reviewAction: action,
        seq,
      });
      return { seq, time };
    },
  };
}

/**
 * `stadium_admin/…` review-queue commands (Stadium's own, not in the compatible API): a live
 * room's messages held for review by word lists with action `review`, and approving or denying
 * them from the app's backend. Each calls the same room operation as the SDK's getReviewQueue /
 * reviewMessage, as the app admin; the room's authority decides.
 */
import { Type } from '@sinclair/typebox';
import { LIMITS } from '@stadium/protocol';
import { MAX_HOLD_ID_LENGTH } from '../../groups/group-service.js';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

const GroupId = Type.String({ minLength: 1, maxLength: LIMITS.maxGroupIdBytes, description: "The room's group ID" });
const HoldId = Type.String({ minLength: 1, maxLength: MAX_HOLD_ID_LENGTH, description: 'The hold ID (h-…) of a held message' });

const HeldMsg = Type.Object({
  HoldId: Type.String(),
  From_Account: Type.String({ description: 'The sender' }),
  MsgId: Type.String(),
  MsgType: Type.String({ description: 'TIMTextElem or TIMCustomElem' }),
  MsgContent: Type.Record(Type.String(), Type.Unknown(), { description: 'The payload as it would be published (masks applied): { text } or { data, description, extension }' }),
  MsgPriority: Type.String(),
  HeldTime: Type.Integer({ description: 'UNIX seconds' }),
  ExpireTime: Type.Integer({ description: 'UNIX seconds; the message is dropped then' }),
});

/** `stadium_admin/get_review_queue`. */
export const getReviewQueue = defineCommand({
  path: 'stadium_admin/get_review_queue',
  summary: "A live room's messages held for review, oldest first (Stadium's own command).",
  body: Type.Object({ GroupId }),
  response: Type.Object({ GroupId: Type.String(), HeldMsgList: Type.Array(HeldMsg) }),
  async handle({ actor, deps }, body) {
    const { groupID, heldMessageList } = await deps.groups.reviewQueue(actor, body.GroupId);
    return {
      GroupId: groupID,
      HeldMsgList: heldMessageList.map((h) => ({
        HoldId: h.holdID,
        From_Account: h.message.from,
        MsgId: h.message.id,
        MsgType: h.message.type,
        MsgContent: h.message.payload as unknown as Record<string, unknown>,
        MsgPriority: h.message.priority,
        HeldTime: h.heldAt,
        ExpireTime: h.expiresAt,
      })),
    };
  },
});

/** `stadium_admin/review_message`. */
export const reviewMessage = defineCommand({
  path: 'stadium_admin/review_message',
  summary: "Approve (publish as a new message) or deny (drop) a message held for review; the sender is told the outcome (Stadium's own command).",
  body: Type.Object({
    GroupId,
    HoldId,
    Action: Type.Union([Type.Literal('Approve'), Type.Literal('Deny')], { description: 'Approve: published in order as a new message; Deny: dropped' }),
  }),
  response: Type.Object({
    GroupId: Type.String(),
    HoldId: Type.String(),
    MsgSeq: Type.Integer({ description: "The new message's sequence number; 0 when denied" }),
    MsgTime: Type.Integer({ description: 'UNIX seconds' }),
  }),
  async handle({ actor, deps }, body) {
    const { groupID, seq, time } = await deps.groups.review(actor, body.GroupId, body.HoldId, body.Action);
    return { GroupId: groupID, HoldId: body.HoldId, MsgSeq: seq, MsgTime: time };
  },
});

/** The review-queue commands, in docs/rest-api.md order. */
export const REVIEW_COMMANDS: readonly AnyRestCommand[] = [getReviewQueue, reviewMessage];

/**
 * Review-queue notices (group system notices 240 and 241, outside the room's numbering) become
 * the Stadium events `TIM.EVENT.GROUP_MESSAGE_HELD` and `GROUP_MESSAGE_REVIEWED` instead of
 * messages.
 */
import { GROUP_SYSTEM_NOTICE, TIM_EVENT, type GroupSystemNoticePayload, type HeldMessageInfo, type WireMessage } from '@stadium/protocol';

/** Data of `TIM.EVENT.GROUP_MESSAGE_HELD`. */
export interface GroupMessageHeldEvent {
  groupID: string;
  holdID: string;
  /** The held message as it would be published (no sequence number yet). */
  message: HeldMessageInfo['message'];
  /** UNIX seconds. */
  heldAt: number;
  expiresAt: number;
}

/** Data of `TIM.EVENT.GROUP_MESSAGE_REVIEWED`. */
export interface GroupMessageReviewedEvent {
  groupID: string;
  holdID: string;
  action: 'Approve' | 'Deny';
  /** Who decided. */
  operatorID: string;
  /** The published message's sequence number when approved, else 0. */
  sequence: number;
}

/** A review event to emit, or null when `wire` is not a review notice. */
export function reviewEvent(
  groupID: string,
  wire: WireMessage,
): { name: typeof TIM_EVENT.GROUP_MESSAGE_HELD; data: GroupMessageHeldEvent } | { name: typeof TIM_EVENT.GROUP_MESSAGE_REVIEWED; data: GroupMessageReviewedEvent } | null {
  if (wire?.type !== 'TIMGroupSystemNoticeElem') return null;
  const p = wire.payload as GroupSystemNoticePayload;
  if (typeof p?.holdID !== 'string') return null;
  if (p.operationType === GROUP_SYSTEM_NOTICE.REVIEW_HELD && p.heldMessage)
    return { name: TIM_EVENT.GROUP_MESSAGE_HELD, data: { groupID, holdID: p.holdID, message: p.heldMessage, heldAt: p.heldAt ?? 0, expiresAt: p.expiresAt ?? 0 } };
  if (p.operationType === GROUP_SYSTEM_NOTICE.REVIEW_RESULT && (p.reviewAction === 'Approve' || p.reviewAction === 'Deny'))
    return { name: TIM_EVENT.GROUP_MESSAGE_REVIEWED, data: { groupID, holdID: p.holdID, action: p.reviewAction, operatorID: p.operatorID, sequence: p.seq ?? 0 } };
  return null;
}

/**
 * The server's missed-messages notice (group system notice 242, outside the room's numbering):
 * messages of a room that never reached this client's server node (its connection to the
 * other nodes dropped) and that the room no longer holds. It becomes
 * `TIM.EVENT.GROUP_MESSAGES_MISSED`, as a resume that could not send everything does, instead
 * of a message.
 */
import { GROUP_SYSTEM_NOTICE, type GroupSystemNoticePayload, type WireMessage } from '@stadium/protocol';
import type { GroupMessagesMissed } from './room-resume.js';

/** The missed-messages event `wire` announces, or null when it is not that notice. */
export function missedEvent(groupID: string, wire: WireMessage): GroupMessagesMissed | null {
  if (wire?.type !== 'TIMGroupSystemNoticeElem') return null;
  const p = wire.payload as GroupSystemNoticePayload;
  if (p?.operationType !== GROUP_SYSTEM_NOTICE.MESSAGES_MISSED || !Number.isInteger(p.fromSeq) || !Number.isInteger(p.toSeq)) return null;
  return { groupID, fromSeq: p.fromSeq!, toSeq: p.toSeq!, reason: 'expired' };
}

/**
 * The notice that tells a room's members on this node of messages they will never receive:
 * a group system notice (operationType 242, `fromSeq`…`toSeq`, seq 0: outside the room's
 * numbering, priority High: never dropped from a slow connection's backlog). It is made by the
 * node that lost them (groups/room-resync.ts), once per gap, and framed with what follows it.
 */
import { GROUP_SYSTEM_NOTICE } from '@stadium/protocol';
import { encodeMessage, type BatchEntry } from '../wire/batch-entry.js';

/** The notice that a room's messages `fromSeq`…`toSeq` (inclusive) are lost to this node's members. */
export function missedNotice(fromSeq: number, toSeq: number, nowMs: number): BatchEntry {
  return encodeMessage({
    id: `missed-${fromSeq}-${toSeq}`,
    type: 'TIMGroupSystemNoticeElem',
    payload: { operationType: GROUP_SYSTEM_NOTICE.MESSAGES_MISSED, operatorID: '', fromSeq, toSeq },
    from: '',
    priority: 'High',
    seq: 0,
    time: Math.floor(nowMs / 1000),
  });
}

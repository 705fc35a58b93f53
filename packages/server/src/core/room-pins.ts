/**
 * Pinned messages of a live room: the input checks (pure functions) and bounds. Decided,
 * stored and expired at the room's authority (authority/pin-handlers.ts).
 */
import { StadiumError, type PinsRequest } from '@stadium/protocol';
import { describe } from './describe.js';

/** Longest pin duration a request may ask for: 30 days. */
export const MAX_PIN_DURATION_SEC = 30 * 24 * 3600;
/** Default of the option `maxPinnedMessages`. */
export const DEFAULT_MAX_PINNED_MESSAGES = 3;
/** Highest value of the option `maxPinnedMessages`. */
export const MAX_PINNED_MESSAGES_LIMIT = 20;

function checkSeq(seq: unknown): number {
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    throw new StadiumError('INVALID_PARAMETER', `seq must be the positive sequence number of a message of the room, got ${describe(seq)}`);
  return seq;
}

/** Check a `group.pins` body (from a client or REST) and build a fresh request of known fields only. */
export function parsePinsRequest(body: Record<string, unknown>): PinsRequest {
  const groupID = body.groupID as string;
  switch (body.op) {
    case 'list':
      return { groupID, op: 'list' };
    case 'pin': {
      const seq = checkSeq(body.seq);
      const { duration } = body;
      if (duration === undefined || duration === 0) return { groupID, op: 'pin', seq };
      if (typeof duration !== 'number' || !Number.isSafeInteger(duration) || duration < 0 || duration > MAX_PIN_DURATION_SEC) {
        throw new StadiumError('INVALID_PARAMETER', `duration must be whole seconds from 1 to ${MAX_PIN_DURATION_SEC} (0 or absent: until unpinned), got ${describe(duration)}`);
      }
      return { groupID, op: 'pin', seq, duration };
    }
    case 'unpin':
      return { groupID, op: 'unpin', seq: checkSeq(body.seq) };
    default:
      throw new StadiumError('INVALID_PARAMETER', `op must be list, pin or unpin, got ${describe(body.op)}`);
  }
}

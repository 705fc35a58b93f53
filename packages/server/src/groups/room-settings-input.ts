/**
 * Checks a room-settings patch from a client or the REST API before it goes to the room's
 * authority. Every refusal names the field and the rule; nothing else is touched.
 */
import { StadiumError } from '@stadium/protocol';
import type { RoomSettings } from '@stadium/protocol';

/** Largest per-room rate a room may be given. */
export const MAX_RATE_PER_SEC = 100_000;
/** Longest slow-mode interval, seconds. */
export const MAX_SLOW_MODE_SEC = 3600;

/** Most messages a room's history for late joiners keeps (`historySize`). */
export const MAX_HISTORY_SIZE = 1000;

/** Check a settings patch; returns only the keys given. */
export function validateRoomSettings(input: unknown): Partial<RoomSettings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new StadiumError('INVALID_PARAMETER', 'settings must be an object');
  const fields = input as Record<string, unknown>;
  const out: Partial<RoomSettings> = {};
  if (fields.rateLimitPerSec !== undefined) {
    const rate = fields.rateLimitPerSec;
    if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1 || rate > MAX_RATE_PER_SEC) {
      throw new StadiumError('INVALID_PARAMETER', `rateLimitPerSec must be an integer 1–${MAX_RATE_PER_SEC}`);
    }
    out.rateLimitPerSec = rate;
  }
  if (fields.downstreamCapPerSec !== undefined) {
    const cap = fields.downstreamCapPerSec;
    if (cap !== null && (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 0 || cap > MAX_RATE_PER_SEC)) {
      throw new StadiumError('INVALID_PARAMETER', `downstreamCapPerSec must be null (automatic), 0 (off) or an integer 1–${MAX_RATE_PER_SEC}`);
    }
    out.downstreamCapPerSec = cap;
  }
  if (fields.slowModeSec !== undefined) {
    const sec = fields.slowModeSec;
    if (typeof sec !== 'number' || !Number.isInteger(sec) || sec < 0 || sec > MAX_SLOW_MODE_SEC) {
      throw new StadiumError('INVALID_PARAMETER', `slowModeSec must be an integer 0 (off)–${MAX_SLOW_MODE_SEC}`);
    }
    out.slowModeSec = sec;
  }
  if (fields.historySize !== undefined) {
    const size = fields.historySize;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_HISTORY_SIZE) {
      throw new StadiumError('INVALID_PARAMETER', `historySize must be an integer 0 (off)–${MAX_HISTORY_SIZE}`);
    }
    out.historySize = size;
  }
  if (fields.keepRecord !== undefined) {
    if (typeof fields.keepRecord !== 'boolean') throw new StadiumError('INVALID_PARAMETER', 'keepRecord must be a boolean');
    out.keepRecord = fields.keepRecord;
  }
  if (fields.memberTips !== undefined) {
    if (typeof fields.memberTips !== 'boolean') throw new StadiumError('INVALID_PARAMETER', 'memberTips must be a boolean');
    out.memberTips = fields.memberTips;
  }
  return out;
}

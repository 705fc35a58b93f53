/**
 * Checks the inputs of history reads (`msg.history`, `getMessageList`) and record exports
 * (REST `export_group_record`) before they go to the room's authority.
 */
import { StadiumError } from '@stadium/protocol';
import { HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX } from '../core/history-limits.js';

/** Largest page of a record export. */
export const RECORD_PAGE_MAX = 1000;

/** A sequence-number bound: absent → `fallback`, else a non-negative safe integer. */
export function seqBound(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new StadiumError('INVALID_PARAMETER', `${name} must be a non-negative integer (a message sequence number)`);
  return value;
}

/** A page size: absent → `fallback`, else an integer 1–`max`. */
export function pageSize(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) throw new StadiumError('INVALID_PARAMETER', `${name} must be an integer 1–${max}`);
  return value;
}

/** The checked bounds of a `msg.history` request. */
export function parseHistoryRequest(body: Record<string, unknown>): { toSeq: number; beforeSeq: number; count: number } {
  return {
    toSeq: seqBound(body.toSeq, 'toSeq', Number.MAX_SAFE_INTEGER),
    beforeSeq: seqBound(body.beforeSeq, 'beforeSeq', Number.MAX_SAFE_INTEGER),
    count: pageSize(body.count, 'count', HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX),
  };
}

import { describe, expect, it } from 'vitest';
import type { ResumeWindowEntry } from '../core/records.js';
import type { BatchEntry } from '../wire/batch-entry.js';
import { ResumeBuffer } from './resume-buffer.js';

const entry = (seq: number): BatchEntry => ({ seq, rank: 1, json: `{"seq":${seq}}` });
const stored = (seq: number, atMs: number): ResumeWindowEntry => ({ seq, rank: 1, json: `{"seq":${seq}}`, atMs });
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('ResumeBuffer', () => {
  it('seeded from the store after a clean stop: a resume across the change of authority is complete', () => {
    const buffer = new ResumeBuffer(100);
    buffer.seed(
      range(1, 10).map((s) => stored(s, 1000)),
      11,
    );
    buffer.push([entry(11), entry(12)], 2000);
    const result = buffer.since(4, 12, 1, 2000);
    expect(result).toEqual({ entries: range(5, 12).map(entry), complete: true });
  });

  it('holds at most its capacity of the seed, the newest', () => {
    const buffer = new ResumeBuffer(3);
    buffer.seed(
      range(1, 10).map((s) => stored(s, 1000)),
      11,
    );
    expect(buffer.since(6, 10, 1, 1000)).toEqual({ entries: [entry(8), entry(9), entry(10)], complete: false, missed: { fromSeq: 7, toSeq: 7 } });
    expect(buffer.get(7)).toBeUndefined();
    expect(buffer.get(8)).toEqual(entry(8));
  });

  it('after a crash: numbers between the last stored entry and the new first are reported missed, never complete', () => {
    const buffer = new ResumeBuffer(100);
    // The earlier authority wrote 1..10, then reserved up to 10,000; this one starts at 10,001.
    buffer.seed(
      range(1, 10).map((s) => stored(s, 1000)),
      10_001,
    );
    buffer.push([entry(10_001), entry(10_002)], 2000);
    // Missed 6..10 (stored) and whatever it may have published after them: stored ones are sent, the rest is the range.
    expect(buffer.since(5, 10_002, 1, 2000)).toEqual({
      entries: [...range(6, 10), 10_001, 10_002].map(entry),
      complete: false,
      missed: { fromSeq: 11, toSeq: 10_000 },
    });
    // Saw 12, published by the earlier authority but never written.
    expect(buffer.since(12, 10_002, 1, 2000)).toEqual({ entries: [entry(10_001), entry(10_002)], complete: false, missed: { fromSeq: 13, toSeq: 10_000 } });
    // Positions after the unknown numbers are complete again.
    expect(buffer.since(10_001, 10_002, 1, 2000)).toEqual({ entries: [entry(10_002)], complete: true });
  });

  it('with nothing stored, every earlier number is unknown', () => {
    const buffer = new ResumeBuffer(100);
    buffer.seed([], 501);
    expect(buffer.since(40, 500, 1, 0)).toEqual({ entries: [], complete: false, missed: { fromSeq: 41, toSeq: 500 } });
  });

  it('ignores stored entries at or above the first number it will assign', () => {
    const buffer = new ResumeBuffer(100);
    buffer.seed([stored(1, 0), stored(2, 0), stored(9, 0)], 3);
    expect(buffer.get(9)).toBeUndefined();
    expect(buffer.since(0, 2, 1, 0)).toEqual({ entries: [entry(1), entry(2)], complete: true });
  });

  it('does not offer messages older than the time window: they are reported missed', () => {
    const buffer = new ResumeBuffer(100, 60_000);
    buffer.push([entry(1), entry(2)], 0);
    buffer.push([entry(3)], 30_000);
    buffer.push([entry(4)], 70_000);
    expect(buffer.since(0, 4, 1, 70_000)).toEqual({ entries: [entry(3), entry(4)], complete: false, missed: { fromSeq: 1, toSeq: 2 } });
    expect(buffer.since(2, 4, 1, 70_000)).toEqual({ entries: [entry(3), entry(4)], complete: true });
    expect(buffer.since(0, 4, 1, 200_000)).toEqual({ entries: [], complete: false, missed: { fromSeq: 1, toSeq: 4 } });
  });

  it('never skips an older-looking message in the middle (clocks of two authorities may differ)', () => {
    const buffer = new ResumeBuffer(100, 60_000);
    buffer.push([entry(1)], 50_000);
    buffer.push([entry(2)], 0);
    buffer.push([entry(3)], 50_000);
    expect(buffer.since(0, 3, 1, 70_000)).toEqual({ entries: [entry(3)], complete: false, missed: { fromSeq: 1, toSeq: 2 } });
  });

  it('reports one range when both old and unwritten messages are gone, and offers nothing inside it', () => {
    const buffer = new ResumeBuffer(100, 60_000);
    buffer.seed([stored(1, 0), stored(2, 0), stored(3, 50_000), stored(4, 50_000)], 101);
    buffer.push([entry(101)], 70_000);
    expect(buffer.since(0, 101, 1, 70_000)).toEqual({ entries: [entry(101)], complete: false, missed: { fromSeq: 1, toSeq: 100 } });
  });

  it('cannot place a position past the last message or before the room: incomplete, no range', () => {
    const buffer = new ResumeBuffer(100);
    buffer.seed([stored(5, 0)], 6);
    expect(buffer.since(9, 5, 5, 0)).toEqual({ entries: [], complete: false });
    expect(buffer.since(2, 5, 5, 0)).toEqual({ entries: [entry(5)], complete: false });
    expect(buffer.since(4, 5, 5, 0)).toEqual({ entries: [entry(5)], complete: true });
  });
});

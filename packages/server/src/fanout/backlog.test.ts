import { describe, expect, it } from 'vitest';
import { Backlog } from './backlog.js';
import type { BatchEntry } from '../wire/batch-entry.js';

const entry = (seq: number, rank: 0 | 1 | 2 | 3, size = 99): BatchEntry => ({ seq, rank, json: 'x'.repeat(size) });

describe('Backlog', () => {
  it('drops Lowest, then Low, then Normal, never High, and reports overflow', () => {
    const b = new Backlog(0);
    const r1 = b.push('g', [entry(1, 3), entry(2, 2), entry(3, 1), entry(4, 0)], 1000);
    expect(r1).toEqual({ dropped: [0, 0, 0, 0], overflow: false });
    const r2 = b.push(
      'g',
      Array.from({ length: 8 }, (_, i) => entry(5 + i, 1)),
      1000,
    );
    expect(r2.dropped).toEqual([0, 0, 1, 1]);
    expect(r2.overflow).toBe(false);
    expect(b.bytes).toBeLessThanOrEqual(1000);
    const r3 = b.push(
      'g',
      Array.from({ length: 20 }, (_, i) => entry(20 + i, 0)),
      1000,
    );
    expect(r3.overflow).toBe(true);
    expect(r3.dropped[0]).toBe(0);
  });

  it('frames what it holds per room, in order, with the lost count', () => {
    const b = new Backlog(0);
    b.push('g1', [entry(1, 3, 10), entry(2, 1, 10)], 15);
    b.push('g2', [{ seq: 7, rank: 1, json: '{"seq":7}' }], 1000);
    const frames = b.takeFrames().map((f) => f.subarray(2).toString());
    expect(frames).toHaveLength(2);
    expect(frames[0]).toContain('"g":"g1"');
    expect(frames[0]).toContain('"lost":1');
    expect(frames[1]).toBe('{"t":"msgs","g":"g2","m":[{"seq":7}]}');
    expect(b.length).toBe(0);
  });

  it('trims to what the socket leaves of the budget; a negative bound drops all it can and overflows', () => {
    const b = new Backlog(0);
    b.push('g', [entry(1, 3), entry(2, 1), entry(3, 0)], 1000);
    expect(b.trim(250)).toEqual({ dropped: [0, 0, 0, 1], overflow: false });
    expect(b.trim(150)).toEqual({ dropped: [0, 1, 0, 0], overflow: false });
    expect(b.bytes).toBe(100);
    expect(b.trim(-1)).toEqual({ dropped: [0, 0, 0, 0], overflow: true });
    expect(b.length).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { refreshDelayMs, refreshRetryDelayMs } from './user-sig-refresh-plan.js';

const MINUTE = 60_000;

describe('refreshDelayMs', () => {
  it('is the later of 90 % of the lifetime and the margin before its end', () => {
    // One hour, 5 min margin: 55 min (later than 54).
    expect(refreshDelayMs(60 * MINUTE, 5 * MINUTE)).toBe(55 * MINUTE);
    // Ten minutes: 9 min (later than 5).
    expect(refreshDelayMs(10 * MINUTE, 5 * MINUTE)).toBe(9 * MINUTE);
    // A week: 5 min before the end.
    expect(refreshDelayMs(7 * 24 * 60 * MINUTE, 5 * MINUTE)).toBe(7 * 24 * 60 * MINUTE - 5 * MINUTE);
    // The crossing point: 50 min, where both are 45 min.
    expect(refreshDelayMs(50 * MINUTE, 5 * MINUTE)).toBe(45 * MINUTE);
    expect(refreshDelayMs(1001, 0)).toBe(1001);
    expect(refreshDelayMs(1001, 1_000_000)).toBe(900);
  });

  it('is 0 for a userSig already over or an unusable lifetime', () => {
    expect(refreshDelayMs(0, 5 * MINUTE)).toBe(0);
    expect(refreshDelayMs(-5, 5 * MINUTE)).toBe(0);
    expect(refreshDelayMs(Number.NaN, 5 * MINUTE)).toBe(0);
    expect(refreshDelayMs(Number.POSITIVE_INFINITY, 5 * MINUTE)).toBe(0);
  });
});

describe('refreshRetryDelayMs', () => {
  it('doubles from 5 s up to 60 s, for at most `retries` retries', () => {
    const plenty = 24 * 60 * MINUTE;
    expect([1, 2, 3, 4, 5, 6, 7].map((r) => refreshRetryDelayMs(r, 7, plenty))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    expect(refreshRetryDelayMs(5, 4, plenty)).toBeNull();
    expect(refreshRetryDelayMs(1, 0, plenty)).toBeNull();
    expect(refreshRetryDelayMs(0, 4, plenty)).toBeNull();
    expect(refreshRetryDelayMs(1.5, 4, plenty)).toBeNull();
  });

  it('makes no retry that would come when the userSig is no longer valid', () => {
    expect(refreshRetryDelayMs(1, 4, 5_001)).toBe(5_000);
    expect(refreshRetryDelayMs(1, 4, 5_000)).toBeNull();
    expect(refreshRetryDelayMs(2, 4, 9_000)).toBeNull();
    expect(refreshRetryDelayMs(1, 4, -1)).toBeNull();
  });
});

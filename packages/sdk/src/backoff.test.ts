import { describe, expect, it } from 'vitest';
import { Backoff, fullJitterDelayMs } from './backoff.js';

describe('fullJitterDelayMs', () => {
  it('is 0 with random 0 and just under the ceiling with random → 1', () => {
    expect(fullJitterDelayMs(0, 500, 30_000, () => 0)).toBe(0);
    expect(fullJitterDelayMs(0, 500, 30_000, () => 0.999999)).toBe(499);
    expect(fullJitterDelayMs(3, 500, 30_000, () => 0.999999)).toBe(3999);
  });

  it('never exceeds the cap, even for huge attempt numbers', () => {
    for (const attempt of [6, 7, 20, 1000]) {
      expect(fullJitterDelayMs(attempt, 500, 30_000, () => 0.999999)).toBeLessThan(30_000);
      expect(fullJitterDelayMs(attempt, 500, 30_000, () => 0.999999)).toBeGreaterThan(29_000);
    }
  });

  it('stays within [0, min(cap, base·2^n)) for random draws', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      for (let i = 0; i < 200; i++) {
        const delay = fullJitterDelayMs(attempt, 500, 30_000, Math.random);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });
});

describe('Backoff', () => {
  it('doubles the ceiling per attempt and starts over after reset', () => {
    const backoff = new Backoff(100, 1000, () => 0.5);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([50, 100, 200, 400, 500]);
    expect(backoff.attempts).toBe(5);
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });
});

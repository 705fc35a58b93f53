import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('admits a one-second burst at the configured rate, then refills continuously', () => {
    const limiter = new RateLimiter(40, 0);
    let admitted = 0;
    for (let i = 0; i < 100; i++) if (limiter.tryTake(0, 0)) admitted++;
    expect(admitted).toBe(40);
    expect(limiter.tryTake(0, 0)).toBe(false);
    expect(limiter.tryTake(0, 25)).toBe(true); // 25 ms at 40/s refills one token
    expect(limiter.tryTake(0, 25)).toBe(false);
  });

  it('keeps reserves so lower priorities run dry first', () => {
    const limiter = new RateLimiter(40, 0);
    let lowest = 0;
    while (limiter.tryTake(3, 0)) lowest++;
    expect(lowest).toBe(20); // Lowest leaves half the bucket
    let low = 0;
    while (limiter.tryTake(2, 0)) low++;
    expect(low).toBe(10); // Low leaves a quarter
    let normal = 0;
    while (limiter.tryTake(1, 0)) normal++;
    expect(normal).toBe(6); // Normal leaves 10 %
    let high = 0;
    while (limiter.tryTake(0, 0)) high++;
    expect(high).toBe(4); // High takes the rest
  });

  it('lets High through under a sustained flood of Normal', () => {
    const limiter = new RateLimiter(40, 0);
    let normalAdmitted = 0;
    let highAdmitted = 0;
    // 200 Normal/s and 10 High/s for 10 s, in 10 ms steps.
    for (let t = 0; t < 10_000; t += 10) {
      for (let i = 0; i < 2; i++) if (limiter.tryTake(1, t)) normalAdmitted++;
      if (t % 100 === 0 && limiter.tryTake(0, t)) highAdmitted++;
    }
    expect(highAdmitted).toBe(100);
    // The burst down to Normal's reserve (36), plus the refill until the last step at 9,990 ms
    // (399.6 tokens), less the 100 High took: every token Normal could spend, and no more.
    expect(normalAdmitted).toBe(36 + 399 - 100);
    expect(normalAdmitted + highAdmitted).toBeLessThanOrEqual(40 * 10 + 40);
  });

  it('never holds more than one second of burst, however long it was idle', () => {
    const limiter = new RateLimiter(40, 0);
    let admitted = 0;
    for (let i = 0; i < 100; i++) if (limiter.tryTake(0, 60_000)) admitted++;
    expect(admitted).toBe(40);
  });

  it('changes rate keeping the fill fraction', () => {
    const limiter = new RateLimiter(10, 0);
    for (let i = 0; i < 5; i++) limiter.tryTake(0, 0);
    limiter.setRate(100, 0);
    let n = 0;
    while (limiter.tryTake(0, 0)) n++;
    expect(n).toBe(50);
  });
});

import { describe, expect, it } from 'vitest';
import { FanoutLag, MAX_LAG_LEVEL, STEP_MS } from './fanout-lag.js';

/** A pass every `STEP_MS` that ends `lag` ms after its message was published; what the room does after each. */
function run(lagMs: number[], start = 10_000): { steps: string[]; lag: FanoutLag; end: number } {
  const lag = new FanoutLag({ targetMs: 500, maxSpacingMs: 1000 });
  const steps: string[] = [];
  let now = start;
  for (const ms of lagMs) {
    lag.arrived(now - 5, now); // a 5 ms transit, before any queueing
    now += STEP_MS;
    lag.passed(ms, now);
    steps.push(`${lag.spacingMs}/${lag.level}`);
  }
  return { steps, lag, end: now };
}

describe('FanoutLag', () => {
  it('merges windows first (250, 500, 1000 ms), then raises the level to 3, one step a second', () => {
    const { steps } = run([2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000]);
    expect(steps).toEqual(['250/0', '500/0', '1000/0', '1000/1', '1000/2', '1000/3', '1000/3', '1000/3']);
    expect(MAX_LAG_LEVEL).toBe(3);
  });

  it('does nothing while passes end within the target', () => {
    expect(run([400, 499, 300, 100]).steps).toEqual(['0/0', '0/0', '0/0', '0/0']);
  });

  it('waits while the lag falls by a fifth or more a second, and steps again once it stops falling', () => {
    const { steps } = run([3000, 2000, 1500, 1400, 1400]);
    // 3000: step; 2000 and 1500 fell by more than a fifth: wait; 1400 did not (1500 × 0.8 = 1200): step.
    expect(steps).toEqual(['250/0', '250/0', '250/0', '500/0', '1000/0']);
  });

  it('recovers one step every two seconds below half the target, the level first', () => {
    const lag = new FanoutLag({ targetMs: 500, maxSpacingMs: 1000 });
    let now = 0;
    for (let i = 0; i < 6; i++) {
      now += STEP_MS;
      lag.passed(2000, now);
    }
    expect([lag.spacingMs, lag.level]).toEqual([1000, 3]);
    const seen: string[] = [];
    for (let i = 0; i < 14; i++) {
      now += STEP_MS;
      const changed = lag.passed(100, now);
      seen.push(`${lag.spacingMs}/${lag.level}${changed ? '!' : ''}`);
    }
    // `!`: the level changed, which the node reports to the room's authority.
    expect(seen).toEqual(['1000/3', '1000/2!', '1000/2', '1000/1!', '1000/1', '1000/0!', '1000/0', '500/0', '500/0', '250/0', '250/0', '0/0', '0/0', '0/0']);
  });

  it('does not count a clock skew or a constant bus delay as lag', () => {
    const lag = new FanoutLag({ targetMs: 500, maxSpacingMs: 1000 });
    // This node's clock is 200 ms ahead of the authority's: every batch seems 200 ms late on arrival.
    let now = 0;
    for (let i = 0; i < 5; i++) {
      now += STEP_MS;
      lag.arrived(now - 200, now);
      lag.passed(200 + 50, now);
    }
    expect(lag.lagMs).toBe(50);
    expect(lag.spacingMs).toBe(0);
    // At most half the target is taken for skew: a node that is always 3 s behind is still late.
    const behind = new FanoutLag({ targetMs: 500, maxSpacingMs: 1000 });
    behind.arrived(0, 3000);
    behind.passed(3000, 3000);
    expect(behind.lagMs).toBe(2750);
    expect(behind.spacingMs).toBe(250);
  });
});

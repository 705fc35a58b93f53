import { describe, expect, it } from 'vitest';
import { DanmakuScheduler } from './danmaku-scheduler.js';

describe('DanmakuScheduler', () => {
  it('gives each lane one comment per gap, so 40 comments/s show at most lanes / gap', () => {
    const s = new DanmakuScheduler<number>({ lanes: 4, laneGapMs: 1000, maxWaiting: 8, maxWaitMs: 1500 });
    let shown = 0;
    // 60 s at 40 comments/s, ticks every 100 ms.
    for (let now = 0, n = 0; now < 60_000; now += 100) {
      for (let i = 0; i < 4; i++) s.push(n++, now);
      shown += s.take(now).length;
      expect(s.waiting).toBeLessThanOrEqual(8);
    }
    expect(shown).toBe(4 * 60);
    expect(shown + s.dropped + s.waiting).toBe(2400);
  });

  it('drops the oldest when the queue is full and what waited too long: newest wins', () => {
    const s = new DanmakuScheduler<string>({ lanes: 1, laneGapMs: 1000, maxWaiting: 2, maxWaitMs: 500 });
    expect(s.take(0)).toEqual([]);
    s.push('a', 0);
    s.push('b', 0);
    s.push('c', 0);
    expect(s.dropped).toBe(1);
    expect(s.take(0)).toEqual([{ item: 'b', lane: 0 }]);
    // 'c' waits for the lane; by the time it is free, 'c' is too old, 'd' is fresh.
    s.push('d', 900);
    expect(s.take(1000)).toEqual([{ item: 'd', lane: 0 }]);
    expect(s.dropped).toBe(2);
  });

  it('spreads comments over the lanes and follows a lane change', () => {
    const s = new DanmakuScheduler<number>({ lanes: 3, laneGapMs: 1000, maxWaiting: 10, maxWaitMs: 5000 });
    for (let i = 0; i < 5; i++) s.push(i, 0);
    expect(s.take(0).map((l) => l.lane)).toEqual([0, 1, 2]);
    s.setLanes(5);
    expect(s.take(10).map((l) => l.lane)).toEqual([3, 4]);
    s.setLanes(0);
    expect(s.lanes).toBe(1);
  });
});

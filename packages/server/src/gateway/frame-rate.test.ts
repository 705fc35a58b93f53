import { describe, expect, it } from 'vitest';
import { FrameRate } from './frame-rate.js';

describe('FrameRate', () => {
  it('admits the burst, answers only the first drop of a run, and closes past framesPerSec drops in a minute', () => {
    const f = new FrameRate({ framesPerSec: 3, frameBurst: 4 }, 0);
    for (let i = 0; i < 4; i++) expect(f.take(0)).toBe('admit');
    expect(f.take(0)).toBe('drop-and-tell');
    expect(f.take(0)).toBe('drop');
    // 3 per second: 334 ms is one frame.
    expect(f.take(334)).toBe('admit');
    expect(f.take(334)).toBe('drop-and-tell');
    expect(f.take(334)).toBe('close');
  });

  it('forgets drops a minute after the first', () => {
    const f = new FrameRate({ framesPerSec: 1, frameBurst: 1 }, 0);
    expect(f.take(0)).toBe('admit');
    expect(f.take(0)).toBe('drop-and-tell');
    expect(f.take(60_000)).toBe('admit');
    expect(f.take(60_000)).toBe('drop-and-tell');
    expect(f.take(60_000)).toBe('close');
  });
});

import { describe, expect, it } from 'vitest';
import { appendBounded } from './bounded.js';

describe('appendBounded', () => {
  it('keeps the last max items, however many arrive at once', () => {
    expect(appendBounded([1, 2], [3], 5)).toEqual([1, 2, 3]);
    expect(appendBounded([1, 2, 3], [4, 5], 3)).toEqual([3, 4, 5]);
    expect(appendBounded([1], [2, 3, 4, 5], 2)).toEqual([4, 5]);
    let list: number[] = [];
    for (let i = 0; i < 1000; i++) list = appendBounded(list, [i], 200);
    expect(list).toHaveLength(200);
    expect(list[0]).toBe(800);
  });
});

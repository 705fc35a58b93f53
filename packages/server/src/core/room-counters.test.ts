import { describe, expect, it } from 'vitest';
import { RoomCounters } from './room-counters.js';

describe('RoomCounters', () => {
  it('increases, decreases, sets and reads, reporting only what changed', () => {
    const c = new RoomCounters({ likes: 5 });
    expect(c.apply({ groupID: 'g', op: 'increase', key: 'likes', value: 3 })).toEqual({ likes: 8 });
    expect(c.apply({ groupID: 'g', op: 'decrease', key: 'gifts', value: 2 })).toEqual({ gifts: -2 });
    expect(c.apply({ groupID: 'g', op: 'set', counters: { viewers: 100, likes: 8 } })).toEqual({ viewers: 100, likes: 8 });
    expect(c.takeChanges()).toEqual({ likes: 8, gifts: -2, viewers: 100 });
    expect(c.changed).toBe(false);
    expect(c.apply({ groupID: 'g', op: 'get', keys: ['likes', 'nope'] })).toEqual({ likes: 8 });
    expect(c.apply({ groupID: 'g', op: 'get' })).toEqual({ likes: 8, gifts: -2, viewers: 100 });
  });

  it('refuses bad keys, bad values and a 21st counter, changing nothing', () => {
    const c = new RoomCounters(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])));
    expect(() => c.apply({ groupID: 'g', op: 'increase', key: 'new', value: 1 })).toThrow(expect.objectContaining({ code: 10063, reason: 'COUNTER_KEY_LIMIT' }));
    expect(() => c.apply({ groupID: 'g', op: 'set', counters: { k0: 1, new: 1 } })).toThrow(expect.objectContaining({ code: 10063 }));
    expect(() => c.apply({ groupID: 'g', op: 'increase', key: '', value: 1 })).toThrow(expect.objectContaining({ reason: 'INVALID_COUNTER' }));
    expect(() => c.apply({ groupID: 'g', op: 'increase', key: 'k1', value: 1.5 })).toThrow(expect.objectContaining({ reason: 'INVALID_COUNTER' }));
    expect(() => c.apply({ groupID: 'g', op: 'increase', key: 'k1', value: Number.MAX_SAFE_INTEGER })).toThrow(expect.objectContaining({ reason: 'INVALID_COUNTER' }));
    expect(c.changed).toBe(false);
    expect(c.all().k0).toBe(0);
  });

  it('deletes a counter named "__proto__" and answers it like any other key', () => {
    // Object.defineProperty, so the initial value really holds an own "__proto__" key.
    const initial = Object.defineProperty({ likes: 1 }, '__proto__', { value: 5, enumerable: true, writable: true, configurable: true });
    const c = new RoomCounters(initial);
    expect(Object.entries(c.apply({ groupID: 'g', op: 'delete', keys: ['__proto__'] }))).toEqual([['__proto__', 0]]);
    expect(Object.entries(c.all())).toEqual([['likes', 1]]);
    expect(Object.entries(c.takeChanges())).toEqual([['__proto__', 0]]);
    expect(Object.entries(c.apply({ groupID: 'g', op: 'delete' }))).toEqual([['likes', 0]]);
  });
});

import { describe, expect, it } from 'vitest';
import { rendezvousOwner } from './rendezvous.js';

const ROOMS = Array.from({ length: 10_000 }, (_, i) => `room-${i}`);

function owners(nodes: readonly string[]): string[] {
  return ROOMS.map((room) => rendezvousOwner(1400000000, room, nodes));
}

describe('rendezvous hashing', () => {
  it('spreads rooms evenly and gives the same answer whatever the order of the list', () => {
    const nodes = ['a', 'b', 'c'];
    const placed = owners(nodes);
    for (const node of nodes) expect(placed.filter((o) => o === node).length).toBeGreaterThan(3000);
    expect(owners(['c', 'a', 'b'])).toEqual(placed);
  });

  it('adding a 4th node moves about 1/4 of 10,000 rooms, all of them to the new node', () => {
    const before = owners(['n1', 'n2', 'n3']);
    const after = owners(['n1', 'n2', 'n3', 'n4']);
    const moved = after.filter((o, i) => o !== before[i]);
    expect(moved.length).toBeGreaterThan(2250);
    expect(moved.length).toBeLessThan(2750);
    expect(new Set(moved)).toEqual(new Set(['n4']));
  });

  it('removing a node moves only the rooms it held', () => {
    const before = owners(['n1', 'n2', 'n3', 'n4']);
    const after = owners(['n1', 'n2', 'n4']);
    for (let i = 0; i < ROOMS.length; i++) {
      if (before[i] !== 'n3') expect(after[i]).toBe(before[i]);
      else expect(after[i]).not.toBe('n3');
    }
  });

  it('a single node owns everything; an empty list is refused', () => {
    expect(rendezvousOwner(1, 'r', ['only'])).toBe('only');
    expect(() => rendezvousOwner(1, 'r', [])).toThrow(TypeError);
  });
});

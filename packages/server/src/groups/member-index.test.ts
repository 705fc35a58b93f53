import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, MemberIndex, type IndexedMember, type ListedMember } from './member-index.js';

function member(ordinal: number, userId = `u${ordinal}`): IndexedMember {
  return { userId, ordinal, joinTime: ordinal, profile: { nick: `n${ordinal}`, avatar: '' } };
}

function ids(list: readonly ListedMember[]): number[] {
  return list.map((m) => m.ordinal);
}

describe('MemberIndex', () => {
  it('pages newest first below a cursor', () => {
    const index = new MemberIndex();
    for (let i = 1; i <= 10; i++) index.add(member(i));
    expect(ids(index.page(Infinity, 3))).toEqual([10, 9, 8]);
    expect(ids(index.page(8, 3))).toEqual([7, 6, 5]);
    expect(ids(index.page(2, 3))).toEqual([1]);
    expect(ids(index.page(1, 3))).toEqual([]);
  });

  it('walks every member once across chunks, with out-of-order inserts and removals', () => {
    const index = new MemberIndex();
    const n = CHUNK_SIZE * 5 + 7;
    // Mostly ascending, with neighbours swapped as overtaking replies would.
    for (let i = 1; i <= n; i++) index.add(member(i % 3 === 0 ? i - 1 : i % 3 === 2 ? i + 1 : i));
    for (let i = 5; i <= n; i += 5) expect(index.remove(`u${i}`)).toBe(true);
    const expected = [];
    for (let i = n; i >= 1; i--) if (i % 5 !== 0 && index.ordinalOf(`u${i}`) !== undefined) expected.push(i);
    const seen: number[] = [];
    let before = Infinity;
    for (;;) {
      const page = index.page(before, 100);
      if (page.length === 0) break;
      seen.push(...ids(page));
      before = page[page.length - 1]!.ordinal;
    }
    expect(seen).toEqual(expected);
    expect(index.size).toBe(expected.length);
  });

  it('lists a user with two connections once, until the last one leaves', () => {
    const index = new MemberIndex();
    expect(index.add(member(1, 'alice'))).toBe(true);
    expect(index.add(member(2, 'alice'))).toBe(false);
    expect(index.page(Infinity, 10)).toEqual([{ userId: 'alice', ordinal: 1, joinTime: 1, nick: 'n1', avatar: '' }]);
    expect(index.remove('alice')).toBe(false);
    expect(index.size).toBe(1);
    expect(index.remove('alice')).toBe(true);
    expect(index.page(Infinity, 10)).toEqual([]);
    expect(index.remove('alice')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, MemberIndex, type IndexedMember, type ListedMember, type MemberProfile } from './member-index.js';

function member(ordinal: number, userId = `u${ordinal}`): IndexedMember {
  return { userId, ordinal, joinTime: ordinal };
}

const conn = (nick = 'n', avatar = ''): MemberProfile => ({ nick, avatar });
/** One connection per user in the bulk tests. */
const conns = new Map<string, MemberProfile>();
const connOf = (userId: string): MemberProfile => {
  let c = conns.get(userId);
  if (!c) conns.set(userId, (c = conn(`n-${userId}`)));
  return c;
};

function ids(list: readonly ListedMember[]): number[] {
  return list.map((m) => m.ordinal);
}

describe('MemberIndex', () => {
  it('pages newest first below a cursor', () => {
    const index = new MemberIndex();
    for (let i = 1; i <= 10; i++) index.add(member(i), connOf(`u${i}`));
    expect(ids(index.page(Infinity, 3))).toEqual([10, 9, 8]);
    expect(ids(index.page(8, 3))).toEqual([7, 6, 5]);
    expect(ids(index.page(2, 3))).toEqual([1]);
    expect(ids(index.page(1, 3))).toEqual([]);
  });

  it('walks every member once across chunks, with out-of-order inserts and removals', () => {
    const index = new MemberIndex();
    const n = CHUNK_SIZE * 5 + 7;
    // Mostly ascending, with neighbours swapped as overtaking replies would.
    for (let i = 1; i <= n; i++) {
      const m = member(i % 3 === 0 ? i - 1 : i % 3 === 2 ? i + 1 : i);
      index.add(m, connOf(m.userId));
    }
    for (let i = 5; i <= n; i += 5) expect(index.remove(`u${i}`, connOf(`u${i}`))).toBe(true);
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

  it("lists a user with two connections once, until the last one leaves, with a remaining connection's profile", () => {
    const index = new MemberIndex();
    const phone = conn('Phone');
    const laptop = conn('Laptop');
    expect(index.add(member(1, 'alice'), phone)).toBe(true);
    expect(index.add(member(2, 'alice'), laptop)).toBe(false);
    expect(index.page(Infinity, 10)).toEqual([{ userId: 'alice', ordinal: 1, joinTime: 1, nick: 'Phone', avatar: '' }]);
    // A connection never listed under this user changes nothing.
    expect(index.remove('alice', conn())).toBe(false);
    expect(index.remove('alice', phone)).toBe(false);
    expect(index.page(Infinity, 10)).toEqual([{ userId: 'alice', ordinal: 1, joinTime: 1, nick: 'Laptop', avatar: '' }]);
    expect(index.remove('alice', laptop)).toBe(true);
    expect(index.page(Infinity, 10)).toEqual([]);
    expect(index.remove('alice', laptop)).toBe(false);
  });

  it('holds a big room: 100,000 members, every tenth leaving, walked exactly in pages of 500', () => {
    const index = new MemberIndex();
    const n = 100_000;
    const c = conn();
    for (let i = 1; i <= n; i++) index.add(member(i), c);
    for (let i = 10; i <= n; i += 10) index.remove(`u${i}`, c);
    let before = Infinity;
    let count = 0;
    let last = Infinity;
    let ordered = true;
    for (;;) {
      const page = index.page(before, 500);
      if (page.length === 0) break;
      for (const m of page) {
        ordered &&= m.ordinal < last && m.ordinal % 10 !== 0;
        last = m.ordinal;
      }
      count += page.length;
      before = page[page.length - 1]!.ordinal;
    }
    expect(ordered).toBe(true);
    expect(count).toBe(n - n / 10);
    expect(index.size).toBe(count);
  });
});

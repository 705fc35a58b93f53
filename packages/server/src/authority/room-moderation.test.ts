import { describe, expect, it } from 'vitest';
import { FOREVER_SEC, RoomModeration, untilOf, untilSec } from './room-moderation.js';

describe('RoomModeration', () => {
  const now = 1_000_000;

  it('mutes and bans end by themselves at their time', () => {
    const m = new RoomModeration();
    m.set('fan', { mutedUntil: untilOf(now, 30) }, now);
    m.set('troll', { bannedUntil: untilOf(now, 60) }, now);
    expect(m.mutedUntil('fan', now)).toBe(now + 30_000);
    expect(m.mutedUntil('fan', now + 29_999)).toBe(now + 30_000);
    expect(m.mutedUntil('fan', now + 30_000)).toBe(0);
    expect(m.bannedUntil('troll', now + 59_999)).toBe(now + 60_000);
    expect(m.bannedUntil('troll', now + 60_000)).toBe(0);
    expect(m.moderatedCount(now)).toBe(2);
    expect(m.moderatedCount(now + 30_000)).toBe(1);
    expect(m.muted(now)).toEqual([{ userId: 'fan', until: now + 30_000 }]);
    expect(m.banned(now + 60_000)).toEqual([]);
  });

  it('prune drops ended entries and returns what to store; admins stay', () => {
    const m = new RoomModeration([
      { userId: 'mod', admin: true, mutedUntil: now + 10, bannedUntil: 0 },
      { userId: 'fan', admin: false, mutedUntil: now + 10, bannedUntil: 0 },
      { userId: 'late', admin: false, mutedUntil: now + 99_000, bannedUntil: 0 },
    ]);
    expect(m.prune(now + 10)).toEqual([
      { userId: 'mod', admin: true, mutedUntil: 0, bannedUntil: 0 },
      { userId: 'fan', admin: false, mutedUntil: 0, bannedUntil: 0 },
    ]);
    expect(m.get('fan')).toBeUndefined();
    expect(m.isAdmin('mod')).toBe(true);
    expect(m.adminCount).toBe(1);
    expect(m.prune(now + 10)).toEqual([]);
  });

  it('for ever is 4294967295 seconds after the epoch, reported as such', () => {
    expect(untilSec(untilOf(now, FOREVER_SEC))).toBe(FOREVER_SEC);
    expect(untilSec(untilOf(now, FOREVER_SEC - 1))).toBe(FOREVER_SEC);
    expect(untilSec(0)).toBe(0);
    expect(untilSec(1001)).toBe(2);
  });

  it('restore puts a state back (a store write that failed)', () => {
    const m = new RoomModeration();
    const before = m.get('mod');
    m.set('mod', { admin: true }, now);
    m.restore('mod', before);
    expect(m.isAdmin('mod')).toBe(false);
    m.restore('mod', { userId: 'mod', admin: true, mutedUntil: 0, bannedUntil: 0 });
    expect(m.isAdmin('mod')).toBe(true);
  });
});

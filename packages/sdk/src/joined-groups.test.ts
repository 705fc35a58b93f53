import { describe, expect, it } from 'vitest';
import { JoinedGroups } from './joined-groups.js';

describe('JoinedGroups', () => {
  it('drops sequence numbers at or below the last delivered one', () => {
    const joined = new JoinedGroups();
    joined.begin('room1');
    joined.confirm('room1', 3);
    expect(joined.accept('room1', 3)).toBe(false);
    expect(joined.accept('room1', 4)).toBe(true);
    expect(joined.accept('room1', 4)).toBe(false);
    expect(joined.accept('other', 1)).toBe(false);
  });

  it('accepts seq 0 (outside the numbering: a notice for some members, a ban notice) without moving the position', () => {
    const joined = new JoinedGroups();
    joined.confirm('room1', 3);
    expect(joined.accept('room1', 0)).toBe(true);
    expect(joined.accept('room1', 0)).toBe(true);
    expect(joined.lastSeq('room1')).toBe(3);
    expect(joined.accept('other', 0)).toBe(false);
  });

  it('rewind moves the position back only, so a restarted numbering is delivered again', () => {
    const joined = new JoinedGroups();
    joined.confirm('room1', 5);
    joined.rewind('room1', 7);
    expect(joined.lastSeq('room1')).toBe(5);
    joined.rewind('room1', 0);
    expect(joined.lastSeq('room1')).toBe(0);
    expect(joined.accept('room1', 1)).toBe(true);
    joined.rewind('missing', 0);
    expect(joined.has('missing')).toBe(false);
  });
});

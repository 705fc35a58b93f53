import { describe, expect, it } from 'vitest';
import { sampleApp, sampleGroup } from '../storage/store.contract.js';
import { noCallbacks } from '../core/app-callbacks.js';
import type { RoomFanout } from '../fanout/room-fanout.js';
import { RECENT_REMOVALS, Room } from './room.js';

function room(): Room {
  const app = { ...sampleApp(), callbackUrl: null, callbacks: noCallbacks(), sdkAppId: 1400000001 };
  return new Room(app, sampleGroup(app.sdkAppId, 'r'), {} as RoomFanout, 'n1');
}

describe('Room removals (bans seen while a join is in flight)', () => {
  it('tells whether a user was removed after a point', () => {
    const r = room();
    const before = r.removals;
    expect(r.removedSince(before, 'fan')).toBe(false);
    r.noteRemoved(['troll']);
    expect(r.removedSince(before, 'fan')).toBe(false);
    r.noteRemoved(['fan', 'x']);
    expect(r.removedSince(before, 'fan')).toBe(true);
    expect(r.removedSince(r.removals, 'fan')).toBe(false);
  });

  it('answers true when more bans passed than it remembers', () => {
    const r = room();
    const before = r.removals;
    for (let i = 0; i <= RECENT_REMOVALS; i++) r.noteRemoved([`u${i}`]);
    expect(r.removedSince(before, 'fan')).toBe(true);
    expect(r.removedSince(before + 1, 'fan')).toBe(false);
  });
});

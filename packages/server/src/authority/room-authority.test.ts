import { describe, expect, it } from 'vitest';
import { sampleApp, sampleGroup } from '../storage/store.contract.js';
import { noCallbacks } from '../core/app-callbacks.js';
import type { RoomSequencer } from './room-sequencer.js';
import { RoomAuthority, SLOW_MODE_MAX_SENDERS } from './room-authority.js';

function room(): RoomAuthority {
  const app = { ...sampleApp(), callbackUrl: null, callbacks: noCallbacks(), sdkAppId: 1400000001 };
  return new RoomAuthority(app, sampleGroup(app.sdkAppId, 'r'), {} as RoomSequencer, 100, 0);
}

describe('RoomAuthority slow mode', () => {
  it('makes each member wait the interval after an admitted send, and only then', () => {
    const r = room();
    expect(r.slowModeWait('fan', 1000, 10_000)).toBe(0);
    expect(r.slowModeWait('fan', 5000, 10_000)).toBe(6000);
    expect(r.slowModeWait('other', 5000, 10_000)).toBe(0);
    expect(r.slowModeWait('fan', 10_999, 10_000)).toBe(1);
    expect(r.slowModeWait('fan', 11_000, 10_000)).toBe(0);
    expect(r.slowModeWait('fan', 11_001, 10_000)).toBe(9999);
  });

  it('remembers at most SLOW_MODE_MAX_SENDERS senders, forgetting the oldest', () => {
    const r = room();
    for (let i = 0; i < SLOW_MODE_MAX_SENDERS; i++) expect(r.slowModeWait(`u${i}`, 1000, 60_000)).toBe(0);
    expect(r.slowModeWait('u1', 1000, 60_000)).toBe(60_000);
    expect(r.slowModeWait('newcomer', 1000, 60_000)).toBe(0);
    // u0, the oldest, was forgotten to make room; coming back, it pushes out u1, the next oldest.
    expect(r.slowModeWait('u0', 1000, 60_000)).toBe(0);
    expect(r.slowModeWait('u3', 1000, 60_000)).toBe(60_000);
    expect(r.slowModeWait('u1', 1000, 60_000)).toBe(0);
  });
});

describe('RoomAuthority lag levels', () => {
  it('degrades by the slowest node, and forgets a node once it has no members', () => {
    const r = room();
    r.setCount('a', 10, 1);
    r.setCount('b', 5, 2);
    expect([r.memberCount, r.lagLevel]).toEqual([15, 2]);
    r.setCount('b', 4);
    expect(r.lagLevel).toBe(1);
    r.setCount('b', 4, 3);
    r.setCount('b', 0, 3);
    expect([r.memberCount, r.lagLevel]).toEqual([10, 1]);
    // Out of range from a node is held to 0–3.
    r.setCount('a', 10, 9);
    expect(r.lagLevel).toBe(3);
    r.setCount('a', 10, -1);
    expect(r.lagLevel).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { LocalBus } from '../bus/local-bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import { Metrics } from '../metrics/metrics.js';
import type { BatchEntry } from '../wire/batch-entry.js';
import type { Recipient } from './recipient.js';
import { RoomFanout } from './room-fanout.js';

const entry = (seq: number, rank: 0 | 1 | 2 | 3 = 1): BatchEntry => ({ seq, rank, json: `{"seq":${seq}}` });

/** A member that records each frame it is written as the list of its numbers. */
function member(): Recipient & { frames: number[][] } {
  const frames: number[][] = [];
  return { userId: 'u', frames, deliver: (_g, _f, entries) => void frames.push(entries.map((e) => e.seq)) };
}

function setup() {
  const clock = new ManualClock(100_000);
  const bus = new LocalBus({ clock });
  const metrics = new Metrics({ defaultMetrics: false });
  const fanout = new RoomFanout(bus, 'g', 'room.g', metrics, clock, { targetMs: 500, maxSpacingMs: 1000 });
  const levels: number[] = [];
  fanout.onLagLevel = (level) => levels.push(level);
  const m = member();
  fanout.add(m);
  /** A batch published at the authority `lateMs` before now (it waited that long on its way). */
  const publish = (lateMs: number, ...entries: BatchEntry[]): void => bus.publish('room.g', { kind: 'batch', sdkAppId: 1, groupId: 'g', entries, at: clock.now() - lateMs });
  return { clock, fanout, metrics, m, levels, publish };
}

describe('RoomFanout running late', () => {
  it('writes every batch as it arrives while passes end within the target', () => {
    const { fanout, m, publish, clock } = setup();
    for (let seq = 1; seq <= 5; seq++) {
      publish(10, entry(seq));
      clock.advance(100);
    }
    expect(m.frames).toEqual([[1], [2], [3], [4], [5]]);
    expect(fanout.spacingMs).toBe(0);
  });

  it('merges the batches that arrive within the window after a late pass into one frame', async () => {
    const { fanout, m, metrics, publish, clock } = setup();
    publish(2000, entry(1));
    expect(fanout.spacingMs).toBe(250);
    clock.advance(50);
    publish(10, entry(2));
    clock.advance(50);
    publish(10, entry(3), entry(4));
    expect(m.frames).toEqual([[1]]);
    // The window ends 250 ms after the late pass.
    clock.advance(149);
    expect(m.frames).toEqual([[1]]);
    clock.advance(1);
    expect(m.frames).toEqual([[1], [2, 3, 4]]);
    expect((await metrics.fanoutMerged.get()).values[0]!.value).toBe(1);
    expect(fanout.lastSeq).toBe(4);
  });

  it('halves the wait for a High message, with everything merged before it', () => {
    const { m, publish, clock } = setup();
    publish(2000, entry(1));
    clock.advance(10);
    publish(10, entry(2));
    publish(10, entry(3, 0));
    expect(m.frames).toEqual([[1]]);
    clock.advance(114);
    expect(m.frames).toEqual([[1]]);
    clock.advance(1);
    expect(m.frames).toEqual([[1], [2, 3]]);
  });

  it('from level 2 on lets High wait the whole window too (passes stay bounded)', () => {
    const { fanout, m, publish, clock } = setup();
    let seq = 0;
    for (let i = 0; i < 5; i++) {
      publish(3000, entry(++seq, 0));
      clock.advance(1000);
    }
    expect([fanout.spacingMs, fanout.lagLevel]).toEqual([1000, 2]);
    const before = m.frames.length;
    // The last pass was 1000 ms ago: this one goes out at once, the next waits the whole window.
    publish(10, entry(++seq, 0));
    clock.advance(100);
    publish(10, entry(++seq, 0));
    clock.advance(899);
    expect(m.frames.length).toBe(before + 1);
    clock.advance(1);
    expect(m.frames.slice(before)).toEqual([[6], [7]]);
  });

  it('degrades one step a second while late, and reports each level change', () => {
    const { fanout, levels, publish, clock } = setup();
    let seq = 0;
    for (let i = 0; i < 8; i++) {
      // High ends every wait, so each second has one pass of one late message.
      publish(3000, entry(++seq, 0));
      clock.advance(1000);
    }
    expect([fanout.spacingMs, fanout.lagLevel]).toEqual([1000, 3]);
    expect(levels).toEqual([1, 2, 3]);
  });

  it('delivers what waits in a window before holding for a catch-up, and never twice', () => {
    const { fanout, m, publish, clock } = setup();
    publish(2000, entry(1));
    clock.advance(10);
    publish(10, entry(2));
    const hold = fanout.hold();
    expect(m.frames).toEqual([[1], [2]]);
    fanout.release(hold, { entries: [entry(2), entry(3)], lastSeq: 3 });
    expect(m.frames).toEqual([[1], [2], [3]]);
  });

  it('keeps a joiner from being owed twice what waits in a window', () => {
    const { fanout, m, publish, clock } = setup();
    publish(2000, entry(1));
    clock.advance(10);
    publish(10, entry(2), entry(3));
    // A resume answer that covers 1–3: 2 and 3 go out with the next pass, to the joiner too.
    expect(fanout.withoutMerged([entry(1), entry(0), entry(2), entry(3)]).map((e) => e.seq)).toEqual([1, 0]);
    const joiner = member();
    fanout.add(joiner);
    clock.advance(240);
    expect(joiner.frames).toEqual([[2, 3]]);
    expect(m.frames).toEqual([[1], [2, 3]]);
    // Nothing waits: nothing is held back.
    expect(fanout.withoutMerged([entry(4)]).map((e) => e.seq)).toEqual([4]);
  });
});

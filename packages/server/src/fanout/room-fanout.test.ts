import { describe, expect, it } from 'vitest';
import { LocalBus } from '../bus/local-bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import { Metrics } from '../metrics/metrics.js';
import type { BatchEntry } from '../wire/batch-entry.js';
import type { Recipient } from './recipient.js';
import { MAX_HELD_ENTRIES, RoomFanout } from './room-fanout.js';

const entry = (seq: number): BatchEntry => ({ seq, rank: 1, json: `{"seq":${seq}}` });

/** A member that records the messages it is written, as `seq` numbers and `missed a-b` for notices. */
function member(): Recipient & { got: string[] } {
  const got: string[] = [];
  return {
    userId: 'u',
    got,
    deliver(_groupId, _frame, entries) {
      for (const e of entries) {
        if (e.seq > 0) got.push(String(e.seq));
        else {
          const { payload } = JSON.parse(e.json) as { payload: { operationType: number; fromSeq: number; toSeq: number } };
          got.push(`missed ${payload.fromSeq}-${payload.toSeq} (${payload.operationType})`);
        }
      }
    },
  };
}

async function setup(): Promise<{ bus: LocalBus; fanout: RoomFanout; m: ReturnType<typeof member>; publish: (...seqs: number[]) => void }> {
  const bus = new LocalBus({ clock: new ManualClock() });
  const fanout = new RoomFanout(bus, 'g', 'room.g', new Metrics(), new ManualClock());
  const m = member();
  fanout.add(m);
  const publish = (...seqs: number[]): void => bus.publish('room.g', { kind: 'batch', sdkAppId: 1, groupId: 'g', entries: seqs.map(entry) });
  return { bus, fanout, m, publish };
}

describe('RoomFanout catch-up', () => {
  it('never delivers a number twice', async () => {
    const { fanout, m, publish } = await setup();
    publish(1, 2);
    publish(2, 3);
    publish(1);
    expect(m.got).toEqual(['1', '2', '3']);
    expect(fanout.lastSeq).toBe(3);
  });

  it('holds live batches while a catch-up is on its way, then delivers the catch-up first, each number once', async () => {
    const { fanout, m, publish } = await setup();
    publish(1, 2);
    const hold = fanout.hold();
    publish(5);
    publish(6);
    expect(m.got).toEqual(['1', '2']);
    fanout.release(hold, { entries: [entry(3), entry(4), entry(5)], lastSeq: 5 });
    publish(7);
    expect(m.got).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('tells the members of what the authority no longer held, before what follows it', async () => {
    const { fanout, m, publish } = await setup();
    publish(1, 2);
    const hold = fanout.hold();
    publish(9);
    fanout.release(hold, { entries: [entry(7), entry(8), entry(9)], missed: { fromSeq: 3, toSeq: 6 }, lastSeq: 9 });
    expect(m.got).toEqual(['1', '2', 'missed 3-6 (242)', '7', '8', '9']);
  });

  it('ignores a late catch-up of a hold that already ended', async () => {
    const { fanout, m, publish } = await setup();
    publish(1);
    const hold = fanout.hold();
    fanout.release(hold, { entries: [], lastSeq: 1 });
    publish(2);
    fanout.release(hold, { entries: [entry(2)], lastSeq: 2 });
    expect(m.got).toEqual(['1', '2']);
  });

  it('without a catch-up reports the jump before the held batches, or before the next batch when none was held', async () => {
    const { fanout, m, publish } = await setup();
    publish(1);
    let hold = fanout.hold();
    publish(4, 5);
    fanout.release(hold, null);
    expect(m.got).toEqual(['1', 'missed 2-3 (242)', '4', '5']);
    hold = fanout.hold();
    fanout.release(hold, null);
    publish(8);
    publish(10);
    expect(m.got).toEqual(['1', 'missed 2-3 (242)', '4', '5', 'missed 6-7 (242)', '8', '10']);
  });

  it(`stops holding past ${MAX_HELD_ENTRIES} messages: the gap before them is told, and they are delivered`, async () => {
    const { fanout, m, publish } = await setup();
    publish(1);
    fanout.hold();
    const seqs = Array.from({ length: MAX_HELD_ENTRIES + 1 }, (_, i) => 10 + i);
    publish(...seqs.slice(0, MAX_HELD_ENTRIES));
    expect(m.got).toEqual(['1']);
    publish(seqs[MAX_HELD_ENTRIES]!);
    expect(fanout.holding).toBe(false);
    expect(m.got).toEqual(['1', 'missed 2-9 (242)', ...seqs.map(String)]);
  });

  it('takes a join position only when not holding, and restarts with a room whose numbering restarted', async () => {
    const { fanout, m, publish } = await setup();
    fanout.caughtUp(4);
    publish(3, 4, 5);
    expect(m.got).toEqual(['5']);
    const hold = fanout.hold();
    fanout.caughtUp(9);
    expect(fanout.lastSeq).toBe(5);
    // The authority's numbers end at 2 (below 5): its new messages, above 2, are delivered.
    fanout.release(hold, { entries: [], lastSeq: 2 });
    publish(3);
    expect(m.got).toEqual(['5', '3']);
  });
});

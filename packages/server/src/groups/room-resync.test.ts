import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LocalBus } from '../bus/local-bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import { RoomFanout } from '../fanout/room-fanout.js';
import { Metrics } from '../metrics/metrics.js';
import type { BatchEntry } from '../wire/batch-entry.js';
import type { Room } from './room.js';
import type { RoomRegistry } from './room-registry.js';
import { MAX_RESYNCS_IN_FLIGHT, RoomResync } from './room-resync.js';
import type { RoomRouter } from './room-router.js';

const entry = (seq: number): BatchEntry => ({ seq, rank: 1, json: `{"seq":${seq}}` });

/** Rooms with one recording member each, their authority `n1`, and a router whose answers the test gives. */
function setup(count: number) {
  const bus = new LocalBus({ clock: new ManualClock() });
  const metrics = new Metrics({ defaultMetrics: false });
  const rooms = Array.from({ length: count }, (_, i) => {
    const fanout = new RoomFanout(bus, `g${i}`, `room.g${i}`, metrics, new ManualClock());
    const got: number[] = [];
    fanout.add({ userId: 'u', deliver: (_g, _f, entries) => got.push(...entries.map((e) => e.seq)) });
    const room = { groupId: `g${i}`, sdkAppId: 1, authority: 'n1', closed: false, fanout, localCount: 1 } as unknown as Room;
    return { room, got, publish: (...seqs: number[]) => bus.publish(`room.g${i}`, { kind: 'batch', sdkAppId: 1, groupId: `g${i}`, entries: seqs.map(entry) }) };
  });
  const asked: Array<{ groupId: string; sinceSeq: number | undefined; answer: (entries: number[], lastSeq: number) => void }> = [];
  const router = {
    call: (room: Room, _cmd: string, body: { sinceSeq?: number }) =>
      new Promise((resolve) =>
        asked.push({
          groupId: room.groupId,
          sinceSeq: body.sinceSeq,
          answer: (seqs, lastSeq) => resolve({ memberCount: 1, lastSeq, resume: { entries: seqs.map(entry), complete: true } }),
        }),
      ),
  } as unknown as RoomRouter;
  const registry = { loaded: () => rooms.map((r) => r.room).values() } as unknown as RoomRegistry;
  const resync = new RoomResync({ rooms: registry, router, nodeId: 'n0', logger: pino({ level: 'silent' }), metrics });
  return { rooms, asked, resync };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RoomResync', () => {
  it(`asks at most ${MAX_RESYNCS_IN_FLIGHT} authorities at once, each room after its last delivered number, holding live batches meanwhile`, async () => {
    const { rooms, asked, resync } = setup(MAX_RESYNCS_IN_FLIGHT + 2);
    for (const r of rooms) r.publish(1);
    resync.reconnected('n1');
    expect(asked).toHaveLength(MAX_RESYNCS_IN_FLIGHT);
    expect(resync.pending).toBe(MAX_RESYNCS_IN_FLIGHT + 2);
    // Live batches wait, in every room, also those not asked yet.
    for (const r of rooms) r.publish(3);
    expect(rooms.every((r) => r.got.join() === '1')).toBe(true);
    asked[0]!.answer([2, 3], 3);
    await turn();
    expect(rooms[0]!.got).toEqual([1, 2, 3]);
    expect(asked).toHaveLength(MAX_RESYNCS_IN_FLIGHT + 1);
    expect(asked.map((a) => a.sinceSeq)).toEqual(Array.from({ length: MAX_RESYNCS_IN_FLIGHT + 1 }, () => 1));
  });

  it('a room reset again while its catch-up is on its way is caught up once more after it', async () => {
    const { rooms, asked, resync } = setup(1);
    const r = rooms[0]!;
    r.publish(1);
    resync.reconnected('n1');
    resync.reconnected('n1');
    expect(asked).toHaveLength(1);
    asked[0]!.answer([2], 2);
    await turn();
    expect(r.got).toEqual([1, 2]);
    expect(asked).toHaveLength(2);
    expect(asked[1]!.sinceSeq).toBe(2);
    r.publish(4);
    asked[1]!.answer([3, 4], 4);
    await turn();
    expect(r.got).toEqual([1, 2, 3, 4]);
    expect(resync.pending).toBe(0);
  });

  it("ignores this node's own resets and rooms of other authorities", () => {
    const { asked, resync } = setup(1);
    resync.reconnected('n0');
    resync.reconnected('n2');
    expect(asked).toHaveLength(0);
  });
});

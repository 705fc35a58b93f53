import { describe, expect, it } from 'vitest';
import type { Priority } from '@stadium/protocol';
import { LocalBus } from '../bus/local-bus.js';
import type { BusMessage } from '../bus/bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import { encodeStats } from '../wire/batch-entry.js';
import { Metrics } from '../metrics/metrics.js';
import { DEGRADED_NORMAL_PER_SEC, RoomSequencer, type Admitted, type UnsequencedMessage } from './room-sequencer.js';

function setup(overrides: Partial<ConstructorParameters<typeof RoomSequencer>[1]> = {}) {
  const clock = new ManualClock();
  const bus = new LocalBus();
  const metrics = new Metrics({ defaultMetrics: false });
  const batches: Extract<BusMessage, { kind: 'batch' }>[] = [];
  bus.subscribe('room', (m) => {
    if (m.kind === 'batch') batches.push(m);
  });
  const seq = new RoomSequencer(
    { clock, bus, metrics },
    { sdkAppId: 1, groupId: 'g', subject: 'room', nextSeq: 1, ratePerSec: 40, tipsPerSec: 5, batchWindowMs: 50, resumeBufferSize: 100, ...overrides },
  );
  return { clock, metrics, batches, seq };
}

const msg = (id: string, priority: Priority = 'Normal'): UnsequencedMessage => ({
  id,
  type: 'TIMTextElem',
  payload: { text: id },
  from: 'u',
  priority,
});

describe('RoomSequencer', () => {
  it('merges a window into one batch, numbers it, and encodes each message once', async () => {
    const { clock, batches, seq } = setup();
    const before = { ...encodeStats };
    const results = [seq.submit(msg('a')), seq.submit(msg('b', 'Low')), seq.submit(msg('c'))];
    expect(batches).toHaveLength(0);
    clock.advance(50);
    expect(batches).toHaveLength(1);
    expect(encodeStats.messagesEncoded - before.messagesEncoded).toBe(3);
    // The authority frames nothing: the batch crosses the bus as data and each node frames it once.
    expect(encodeStats.framesBuilt - before.framesBuilt).toBe(0);
    const ids = batches[0]!.entries.map((e) => JSON.parse(e.json).id);
    expect(ids).toEqual(['a', 'c', 'b']); // higher priority first, arrival order within a priority
    expect(batches[0]!.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await Promise.all(results)).map((r) => r.seq)).toEqual([1, 3, 2]);
    expect(seq.lastSeq).toBe(3);
  });

  it('publishes High at once, ahead of the window, and notices after what was offered before them', () => {
    const { clock, batches, seq } = setup();
    void seq.submit(msg('n'));
    void seq.submit(msg('h', 'High'));
    expect(batches.map((b) => b.entries.map((e) => JSON.parse(e.json).id))).toEqual([['h']]);
    clock.advance(50);
    expect(batches.map((b) => b.entries.map((e) => JSON.parse(e.json).id))).toEqual([['h'], ['n']]);
    void seq.submit(msg('n2'));
    seq.submitNotice({ ...msg('x', 'High'), type: 'TIMGroupSystemNoticeElem', payload: { operationType: 5, operatorID: 'u' } });
    expect(batches.slice(2).map((b) => b.entries.map((e) => JSON.parse(e.json).id))).toEqual([['n2'], ['x']]);
  });

  it('sheds the lowest priorities first and tells each shed sender', async () => {
    const { clock, metrics, batches, seq } = setup();
    const offered: Array<{ p: Priority; r: Promise<unknown> }> = [];
    const order: Priority[] = ['Lowest', 'Low', 'Normal', 'High'];
    for (let i = 0; i < 100; i++) {
      const p = order[i % 4]!;
      if (p === 'High') continue; // High is flushed at once; offer the flood first
      offered.push({ p, r: seq.submit(msg(`m${i}`, p)) });
    }
    for (let i = 0; i < 25; i++) offered.push({ p: 'High', r: seq.submit(msg(`h${i}`, 'High')) });
    clock.advance(50);
    const settled = await Promise.allSettled(offered.map((o) => o.r));
    const ok = (p: Priority): number => settled.filter((s, i) => offered[i]!.p === p && s.status === 'fulfilled').length;
    const shed = settled.filter((s) => s.status === 'rejected');
    expect(ok('High')).toBe(25);
    expect(ok('Normal')).toBe(13); // 15 left + 2 refilled in the 50 ms window, down to High's reserve of 4
    expect(ok('Low')).toBe(0);
    expect(ok('Lowest')).toBe(0);
    expect(shed).toHaveLength(62);
    expect((shed[0] as PromiseRejectedResult).reason).toMatchObject({ code: 10023, reason: 'RATE_LIMITED' });
    const counted = await metrics.shed.get();
    const byPriority = Object.fromEntries(counted.values.map((v) => [v.labels.priority, v.value]));
    expect(byPriority).toEqual({ High: 0, Normal: 12, Low: 25, Lowest: 25 });
    const delivered = batches.flatMap((b) => b.entries).length;
    expect(delivered).toBe(38);
  });

  it('drops tips past the tip rate but never notices', () => {
    const { clock, batches, seq } = setup();
    for (let i = 0; i < 10; i++) seq.submitTip({ ...msg(`t${i}`, 'Low'), type: 'TIMGroupTipElem', payload: { operationType: 1, operatorID: 'u', userIDList: ['u'] } });
    seq.submitNotice({ ...msg('n', 'High'), type: 'TIMGroupSystemNoticeElem', payload: { operationType: 5, operatorID: 'u' } });
    clock.advance(50);
    expect(batches.flatMap((b) => b.entries)).toHaveLength(6);
  });

  it('serves missed messages for resume and says when some are gone', () => {
    const { clock, seq } = setup({ resumeBufferSize: 5 });
    for (let i = 0; i < 8; i++) void seq.submit(msg(`m${i}`));
    clock.advance(50);
    expect(seq.since(5)).toMatchObject({ complete: true });
    expect(seq.since(5).entries.map((e) => e.seq)).toEqual([6, 7, 8]);
    expect(seq.since(1).complete).toBe(false);
    expect(seq.since(8).entries).toHaveLength(0);
  });

  it('hands every published entry to the resume window, tips and notices too, with when it was published', () => {
    const batches: Array<{ seqs: number[]; atMs: number }> = [];
    const { clock, seq } = setup({ onBatch: (entries, atMs) => batches.push({ seqs: entries.map((e) => e.seq), atMs }) });
    void seq.submit(msg('a'));
    seq.submitTip(msg('tip'));
    clock.advance(50);
    seq.submitNotice(msg('notice'));
    expect(batches).toEqual([
      { seqs: [1, 2], atMs: clock.now() },
      { seqs: [3], atMs: clock.now() },
    ]);
  });

  it("starts its resume buffer from an earlier authority's window, within the time window", () => {
    const start = new ManualClock().now();
    const stored = [1, 2, 3].map((n) => ({ seq: n, rank: 1 as const, json: `{"seq":${n}}`, atMs: start }));
    const { clock, seq } = setup({ nextSeq: 4, resumeSeed: stored, resumeWindowMs: 60_000 });
    expect(seq.since(1)).toEqual({ entries: [2, 3].map((n) => ({ seq: n, rank: 1, json: `{"seq":${n}}` })), complete: true });
    expect(seq.published(3)).toEqual({ seq: 3, rank: 1, json: '{"seq":3}' });
    clock.advance(60_001);
    expect(seq.since(1)).toEqual({ entries: [], complete: false, missed: { fromSeq: 2, toSeq: 3 } });
  });

  it('widens the window with the members on the busiest node, within bounds', () => {
    let members = 0;
    const { clock, batches, seq } = setup({ batchWindowMs: 20, batchWindowMaxMs: 500, fanoutWritesPerSec: 100_000, busiestNodeMembers: () => members });
    expect(seq.windowMs).toBe(20);
    members = 20_000;
    expect(seq.windowMs).toBe(200);
    members = 5_000_000;
    expect(seq.windowMs).toBe(500);
    members = 20_000;
    void seq.submit(msg('a'));
    clock.advance(199);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches).toHaveLength(1);
  });

  it('caps what each member receives: High always, then a fair sample of Normal, Low last', async () => {
    const { clock, metrics, batches, seq } = setup({ ratePerSec: 100_000, downstreamCapPerSec: () => 10 });
    const results = [
      ...Array.from({ length: 5 }, (_, i) => seq.submit(msg(`h${i}`, 'High'))),
      ...Array.from({ length: 20 }, (_, i) => seq.submit(msg(`n${i}`, 'Normal'))),
      ...Array.from({ length: 20 }, (_, i) => seq.submit(msg(`l${i}`, 'Low'))),
    ];
    clock.advance(50);
    const delivered = batches.flatMap((b) => b.entries.map((e) => JSON.parse(e.json) as { id: string; seq: number }));
    expect(delivered.filter((m) => m.id.startsWith('h'))).toHaveLength(5);
    expect(delivered.filter((m) => m.id.startsWith('n'))).toHaveLength(5);
    expect(delivered.filter((m) => m.id.startsWith('l'))).toHaveLength(0);
    expect(delivered.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const settled = await Promise.all(results);
    expect(settled.filter((r) => r.sampled)).toHaveLength(35);
    expect(settled.filter((r) => r.sampled).every((r) => r.seq === 0)).toBe(true);
    const counted = await metrics.sampled.get();
    expect(Object.fromEntries(counted.values.map((v) => [v.labels.priority, v.value]))).toEqual({ High: 0, Normal: 15, Low: 20, Lowest: 0 });
  });

  it('samples the lowest priorities away while the room runs late: Lowest at level 1, Low at 2, Normal held at 3', async () => {
    let level = 0;
    const { clock, metrics, batches, seq } = setup({ ratePerSec: 100_000, lagLevel: () => level });
    const offer = (): Promise<Admitted>[] => (['High', 'Normal', 'Low', 'Lowest'] as const).flatMap((p) => Array.from({ length: 20 }, (_, i) => seq.submit(msg(`${p}${i}`, p))));
    const kept = (): Record<string, number> => {
      const out: Record<string, number> = { High: 0, Normal: 0, Low: 0, Lowest: 0 };
      for (const e of batches.splice(0).flatMap((b) => b.entries)) out[(JSON.parse(e.json) as { priority: string }).priority]!++;
      return out;
    };
    const told = async (results: Promise<Admitted>[]): Promise<number> => (await Promise.all(results)).filter((r) => r.sampled).length;
    let results = offer();
    clock.advance(50);
    expect(kept()).toEqual({ High: 20, Normal: 20, Low: 20, Lowest: 20 });
    expect(await told(results)).toBe(0);
    level = 1;
    results = offer();
    clock.advance(50);
    expect(kept()).toEqual({ High: 20, Normal: 20, Low: 20, Lowest: 0 });
    expect(await told(results)).toBe(20);
    level = 2;
    results = offer();
    clock.advance(50);
    expect(kept()).toEqual({ High: 20, Normal: 20, Low: 0, Lowest: 0 });
    expect(await told(results)).toBe(40);
    level = 3;
    results = offer();
    clock.advance(50);
    // A fresh bucket of 10 Normal per second (its burst): the rest of this window's Normal is sampled.
    expect(kept()).toEqual({ High: 20, Normal: DEGRADED_NORMAL_PER_SEC, Low: 0, Lowest: 0 });
    expect(await told(results)).toBe(60 - DEGRADED_NORMAL_PER_SEC);
    const counted = await metrics.sampled.get();
    expect(Object.fromEntries(counted.values.map((v) => [v.labels.priority, v.value]))).toEqual({ High: 0, Normal: 20 - DEGRADED_NORMAL_PER_SEC, Low: 40, Lowest: 60 });
    // Recovered: everything goes out again.
    level = 0;
    results = offer();
    clock.advance(50);
    expect(kept()).toEqual({ High: 20, Normal: 20, Low: 20, Lowest: 20 });
    expect(await told(results)).toBe(0);
  });

  it('gives every sender the same chance under the cap, whatever the arrival order', () => {
    let state = 42;
    const random = (): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const clock = new ManualClock();
    const bus = new LocalBus();
    const delivered = new Map<string, number>();
    bus.subscribe('room', (m) => {
      if (m.kind !== 'batch') return;
      for (const e of m.entries) {
        const from = (JSON.parse(e.json) as { from: string }).from;
        delivered.set(from, (delivered.get(from) ?? 0) + 1);
      }
    });
    const seq = new RoomSequencer(
      { clock, bus, metrics: new Metrics({ defaultMetrics: false }), random },
      { sdkAppId: 1, groupId: 'g', subject: 'room', nextSeq: 1, ratePerSec: 100_000, tipsPerSec: 5, batchWindowMs: 100, resumeBufferSize: 0, downstreamCapPerSec: () => 10 },
    );
    // Each window: 4 senders, 5 messages each, always in the same order; the cap lets 1 in 20 … through.
    for (let w = 0; w < 2000; w++) {
      for (const sender of ['a', 'b', 'c', 'd']) for (let i = 0; i < 5; i++) void seq.submit({ ...msg(`${w}${sender}${i}`), from: sender });
      clock.advance(100);
    }
    const counts = ['a', 'b', 'c', 'd'].map((s) => delivered.get(s) ?? 0);
    const mean = counts.reduce((x, y) => x + y, 0) / 4;
    expect(mean).toBeGreaterThan(400);
    for (const c of counts) expect(Math.abs(c - mean) / mean).toBeLessThan(0.1);
  });

  it('in a big room, lets High end the window (no extra pass) as soon as the write budget allows', () => {
    const { clock, batches, seq } = setup({ batchWindowMs: 20, batchWindowMaxMs: 500, fanoutWritesPerSec: 100_000, busiestNodeMembers: () => 20_000 });
    const ids = () => batches.map((b) => b.entries.map((e) => (JSON.parse(e.json) as { id: string }).id));
    void seq.submit(msg('n'));
    clock.advance(200);
    expect(ids()).toEqual([['n']]);
    clock.advance(50);
    void seq.submit(msg('h', 'High'));
    clock.advance(10);
    void seq.submit(msg('m'));
    expect(ids()).toEqual([['n']]);
    clock.advance(140); // 200 ms after the last pass
    expect(ids()).toEqual([['n'], ['h', 'm']]);
    clock.advance(500);
    void seq.submit(msg('o'));
    clock.advance(20);
    void seq.submit(msg('g', 'High')); // the last pass was long ago: the window ends now
    expect(ids()).toEqual([['n'], ['h', 'm'], ['g', 'o']]);
  });
});

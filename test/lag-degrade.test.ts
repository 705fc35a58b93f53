/**
 * Bounded latency under overload, end to end over two nodes in one process: batches reach one
 * node 3 s late (a fault injected on its bus), so its passes over the room's members run late.
 * It merges windows, then reports a rising lag level to the room's authority, which samples the
 * lowest priorities away for the whole room: senders are told `sampled`, every sample is
 * counted, High still goes out. Once batches arrive on time again the room recovers.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@stadium/protocol';
import { LocalBus } from '../packages/server/src/bus/local-bus.js';
import { LocalHub } from '../packages/server/src/bus/local-hub.js';
import type { Bus, BusMessage } from '../packages/server/src/bus/bus.js';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { startNodes } from './support/nodes.js';
import { RawClient } from './support/raw-client.js';

/** n1's bus: every room batch it receives looks `late.ms` older than it is (it waited that long on its way). */
function lateBus(inner: Bus, late: { ms: number }): Bus {
  return {
    publish: (subject, message) => inner.publish(subject, message),
    subscribe: (subject, handler) =>
      inner.subscribe(subject, (message: BusMessage) => handler(message.kind === 'batch' && message.at !== undefined ? { ...message, at: message.at - late.ms } : message)),
    request: (subject, request, options) => inner.request(subject, request, options),
    serve: (subject, handler) => inner.serve(subject, handler),
    close: () => inner.close(),
  };
}

describe('a room whose fan-out runs late on one node', () => {
  it('merges windows, then samples Lowest, Low and Normal away at the authority (senders told), never High, and recovers', async () => {
    const clock = new ManualClock(Date.now());
    const hub = new LocalHub();
    const late = { ms: 3000 };
    await using nodes = await startNodes(['n0', 'n1'], clock, { downstreamCapMinMembers: 1_000_000 }, async (nodeId) => {
      const bus = new LocalBus({ hub, clock });
      return nodeId === 'n1' ? lateBus(bus, late) : bus;
    });
    const { app, sig, servers } = nodes;
    const host = await RawClient.connect(servers[0]!.url, `sdkappid=${app.sdkAppId}&v=1`);
    expect((await host.request('login', { userID: 'host', userSig: sig('host') })).code).toBe(0);
    const created = (await host.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    expect((await host.request('group.join', { groupID })).code).toBe(0);
    const viewer = await RawClient.connect(servers[1]!.url, `sdkappid=${app.sdkAppId}&v=1`);
    expect((await viewer.request('group.join', { groupID })).code).toBe(0);

    let n = 0;
    const send = async (priority: 'High' | 'Normal' | 'Low' | 'Lowest'): Promise<{ id: string; sampled: boolean }> => {
      const id = `m${++n}`;
      const res = (await host.request('msg.send', { groupID, message: { id, type: 'TIMTextElem', payload: { text: id }, priority } })) as {
        code: number;
        data: { sampled?: true };
      };
      expect(res.code).toBe(0);
      return { id, sampled: res.data.sampled === true };
    };
    const received = (c: RawClient, id: string): Promise<ServerFrame> => c.next((f) => f.t === 'msgs' && f.m.some((m) => m.id === id));
    const steps = async (direction: 'up' | 'down'): Promise<number> => (await servers[1]!.metrics.fanoutLagSteps.get()).values.find((v) => v.labels.direction === direction)!.value;

    // Before: every priority goes out.
    for (const p of ['Normal', 'Low', 'Lowest'] as const) expect((await send(p)).sampled).toBe(false);
    // The first pass on n1 was late: the next two waited in a 250 ms window.
    clock.advance(1000);

    // Late by 3 s: one step a second — longer windows on n1 (250, 500, 1000 ms), then levels 1, 2, 3.
    for (let i = 0; i < 6; i++) {
      const { id } = await send('High');
      await received(viewer, id);
      clock.advance(1000);
    }
    expect(await steps('up')).toBe(6);
    // The level reports travel as requests to the authority: the next sends are decided after them.
    const h = await send('High');
    expect(h.sampled).toBe(false);
    await received(viewer, h.id);
    const lowest = await send('Lowest');
    const low = await send('Low');
    expect([lowest.sampled, low.sampled]).toEqual([true, true]);
    // Level 3 holds Normal to 10 a second per member: the 11th in the same second is sampled.
    const normals = [];
    for (let i = 0; i < 11; i++) normals.push((await send('Normal')).sampled);
    expect(normals.filter(Boolean)).toHaveLength(1);
    const sampled = Object.fromEntries(
      (
        await servers.reduce(
          async (acc, s) => [...(await acc), ...(await s.metrics.sampled.get()).values],
          Promise.resolve([] as { labels: Record<string, unknown>; value: number }[]),
        )
      )
        .filter((v) => v.value > 0)
        .map((v) => [v.labels.priority, v.value]),
    );
    expect(sampled).toEqual({ Normal: 1, Low: 1, Lowest: 1 });
    // Level 3: High waits in n1's merged window like the rest (1 s), with the Normal ones kept.
    const last = await send('High');
    clock.advance(1000);
    const frame = (await received(viewer, last.id)) as Extract<ServerFrame, { t: 'msgs' }>;
    expect(frame.m.map((m) => m.priority)).toEqual([...Array.from({ length: 10 }, () => 'Normal'), 'High']);
    // The host's node (n0) keeps up: it was never asked to merge.
    expect((await servers[0]!.metrics.fanoutLagSteps.get()).values.find((v) => v.labels.direction === 'up')!.value).toBe(0);

    // On time again: one step down every 2 s, the level first (3 → 0), then the windows.
    late.ms = 0;
    for (let i = 0; i < 7; i++) {
      clock.advance(2000);
      const { id } = await send('High');
      await received(viewer, id);
    }
    expect(await steps('down')).toBe(6);
    const after = await send('Lowest');
    expect(after.sampled).toBe(false);
    await received(viewer, after.id);
  });
});

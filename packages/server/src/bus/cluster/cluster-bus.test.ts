import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock/manual-clock.js';
import { ipcChannelPair, type IpcChannelPair } from '../../testing/ipc-channel-pair.js';
import { describeBusContract } from '../bus.contract.js';
import { CONTROL_SUBJECT, type BusMessage, type BusRequest } from '../bus.js';
import type { BusOptions } from '../bus-options.js';
import { ClusterHub } from './cluster-hub.js';
import type { ToPrimary, ToWorker } from './cluster-ipc.js';
import { ClusterWorkerBus } from './cluster-worker-bus.js';

/** A primary's hub and `count` workers' buses, each on its own structured-clone channel. */
function cluster(count: number, options: BusOptions = {}) {
  const hub = new ClusterHub();
  const pairs: IpcChannelPair<ToPrimary, ToWorker>[] = [];
  const buses = Array.from({ length: count }, (_, i) => {
    const pair = ipcChannelPair<ToPrimary, ToWorker>();
    pairs.push(pair);
    hub.connect(i + 1, pair.primary);
    return new ClusterWorkerBus({ ...options, channel: pair.worker });
  });
  return {
    hub,
    pairs,
    buses,
    /** Worker `index` exits. */
    drop: (index: number) => {
      pairs[index]!.disconnect();
      hub.disconnect(index + 1);
    },
    settle: () => new Promise<void>((resolve) => setImmediate(resolve)),
    close: async () => {
      for (const bus of buses) await bus.close();
    },
  };
}

describeBusContract('ClusterWorkerBus via ClusterHub (three workers, structured-clone channels)', (options) => cluster(3, options));

const info: BusRequest = { cmd: 'info', sdkAppId: 1400000001, groupId: 'r1', body: {} };

describe('ClusterHub', () => {
  it('publishes node-reset on CONTROL_SUBJECT to the other workers when a worker exits', async () => {
    const c = cluster(3);
    const got = c.buses.map(() => [] as BusMessage[]);
    c.buses.forEach((bus, i) => bus.subscribe(CONTROL_SUBJECT, (m) => got[i]!.push(m)));
    c.pairs.forEach((pair, i) => pair.worker.send({ t: 'stadium:ready', url: `http://w${i}`, node: `n-w${i}` }));
    await c.settle();
    c.drop(1);
    await c.settle();
    expect(got).toEqual([[{ kind: 'node-reset', node: 'n-w1' }], [], [{ kind: 'node-reset', node: 'n-w1' }]]);
    await c.close();
  });

  it('reports each ready worker’s URL', async () => {
    const c = cluster(2);
    const ready: Array<[number, string]> = [];
    c.hub.onReady = (id, url) => ready.push([id, url]);
    c.pairs[1]!.worker.send({ t: 'stadium:ready', url: 'http://w1', node: 'n-w1' });
    await c.settle();
    expect(ready).toEqual([[2, 'http://w1']]);
    await c.close();
  });

  it('sends each publish once to each other subscribed worker, not to the publisher or to workers not subscribed', async () => {
    const c = cluster(3);
    c.buses[0]!.subscribe('room.a', () => undefined);
    c.buses[0]!.subscribe('room.a', () => undefined);
    c.buses[1]!.subscribe('room.a', () => undefined);
    c.buses[1]!.subscribe('room.a', () => undefined);
    await c.settle();
    c.buses[0]!.publish('room.a', { kind: 'room-closed', sdkAppId: 1, groupId: 'a' });
    await c.settle();
    const pubs = c.pairs.map((pair) => pair.primary.sent.filter((m) => m.t === 'stadium:pub').length);
    expect(pubs).toEqual([0, 1, 0]);
    expect(c.pairs[0]!.worker.sent.filter((m) => m.t === 'stadium:sub')).toHaveLength(1);
    await c.close();
  });

  it('stops forwarding requests to a worker that no longer serves the subject', async () => {
    const c = cluster(2);
    const stop = c.buses[1]!.serve('authority.n1', async () => 'n1');
    await c.settle();
    await expect(c.buses[0]!.request('authority.n1', info)).resolves.toBe('n1');
    stop();
    await c.settle();
    await expect(c.buses[0]!.request('authority.n1', info)).rejects.toMatchObject({ reason: 'SERVICE_UNAVAILABLE' });
    expect(c.pairs[1]!.primary.sent.filter((m) => m.t === 'stadium:req')).toHaveLength(1);
    await c.close();
  });

  it('holds no request longer than it is on its way: answered, timed out, or its worker gone', async () => {
    const clock = new ManualClock();
    const c = cluster(3, { clock });
    const answers: Array<(value: string) => void> = [];
    c.buses[2]!.serve('authority.n2', () => new Promise((resolve) => answers.push(resolve)));
    await c.settle();
    const answered = c.buses[0]!.request('authority.n2', info);
    const timedOut = c.buses[0]!.request('authority.n2', info, { timeoutMs: 100 }).catch(() => 'timed out');
    const requesterGone = c.buses[1]!.request('authority.n2', info).catch(() => 'gone');
    await c.settle();
    expect(c.hub.requestsInFlight).toBe(3);
    answers[0]!('done');
    await expect(answered).resolves.toBe('done');
    expect(c.hub.requestsInFlight).toBe(2);
    clock.advance(100);
    await expect(timedOut).resolves.toBe('timed out');
    await c.settle();
    expect(c.hub.requestsInFlight).toBe(1);
    c.drop(1);
    expect(c.hub.requestsInFlight).toBe(0);
    answers[1]!('late');
    answers[2]!('late');
    await c.settle();
    await c.close();
    await expect(requesterGone).resolves.toBe('gone');
  });

  it('ignores messages of other protocols on the channel', async () => {
    const c = cluster(2);
    const got: BusMessage[] = [];
    c.buses[1]!.subscribe('room.a', (m) => got.push(m));
    await c.settle();
    (c.pairs[0]!.worker as { send(m: unknown): void }).send({ type: 'prom-client:getMetricsReq', requestId: 1 });
    (c.pairs[1]!.primary as { send(m: unknown): void }).send({ t: 'other:pub', subject: 'room.a' });
    c.buses[0]!.publish('room.a', { kind: 'room-closed', sdkAppId: 1, groupId: 'a' });
    await c.settle();
    expect(got).toEqual([{ kind: 'room-closed', sdkAppId: 1, groupId: 'a' }]);
    await c.close();
  });

  it('drops the answer of a worker that was not asked, and answers nobody for a worker that exited', async () => {
    const clock = new ManualClock();
    const c = cluster(3, { clock });
    const answers: Array<(value: string) => void> = [];
    c.buses[2]!.serve('authority.n2', () => new Promise((resolve) => answers.push(resolve)));
    await c.settle();
    const asked = c.buses[0]!.request('authority.n2', info);
    const gone = c.buses[1]!.request('authority.n2', info).catch(() => 'gone');
    await c.settle();
    c.pairs[1]!.worker.send({ t: 'stadium:res', id: 1, reply: { ok: true, data: 'forged' } });
    await c.settle();
    c.drop(1);
    for (const answer of answers) answer('real');
    await expect(asked).resolves.toBe('real');
    await c.settle();
    await c.close();
    await expect(gone).resolves.toBe('gone');
  });
});

describe('ClusterWorkerBus', () => {
  it('refuses with INTERNAL_ERROR and reports it when a result cannot cross the channel', async () => {
    const errors: unknown[] = [];
    const c = cluster(3, { onHandlerError: (error) => errors.push(error) });
    c.buses[1]!.serve('authority.n1', async () => ({ callback: () => undefined }));
    await c.settle();
    await expect(c.buses[0]!.request('authority.n1', info)).rejects.toMatchObject({ reason: 'INTERNAL_ERROR' });
    expect(errors).toHaveLength(1);
    await c.close();
  });
});

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock/manual-clock.js';
import { ipcChannelPair } from '../../testing/ipc-channel-pair.js';
import { ClusterMetricsClient, ClusterMetricsHub, type MetricsToPrimary, type MetricsToWorker } from './cluster-metrics.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(aggregate: () => Promise<string>) {
  const clock = new ManualClock();
  const pair = ipcChannelPair<MetricsToPrimary, MetricsToWorker>();
  const stop = new ClusterMetricsHub({ clusterMetrics: aggregate }).attach(pair.primary);
  const client = new ClusterMetricsClient({ registry: new Registry(), channel: pair.worker, clock, timeoutMs: 1_000 });
  return { clock, pair, stop, client };
}

describe('cluster metrics', () => {
  it('gives a worker the node’s aggregated metrics from the primary', async () => {
    let calls = 0;
    const { client } = setup(async () => `stadium_connections ${++calls}\n`);
    await expect(client.text()).resolves.toBe('stadium_connections 1\n');
    await expect(Promise.all([client.text(), client.text()])).resolves.toEqual(['stadium_connections 2\n', 'stadium_connections 3\n']);
  });

  it('answers with a comment when aggregation fails', async () => {
    const { client } = setup(() => Promise.reject(new Error('Operation timed out.')));
    const text = await client.text();
    expect(text.startsWith('# ')).toBe(true);
    expect(text).toContain('Operation timed out.');
  });

  it('rejects with OVERLOADED when the primary does not answer in time', async () => {
    const { client, clock, stop } = setup(async () => 'never');
    stop();
    let outcome: unknown;
    client.text().catch((error: unknown) => (outcome = error));
    await settle();
    clock.advance(999);
    await settle();
    expect(outcome).toBeUndefined();
    clock.advance(1);
    await settle();
    expect(outcome).toMatchObject({ reason: 'OVERLOADED' });
  });
});

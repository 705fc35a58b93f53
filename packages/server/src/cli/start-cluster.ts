/**
 * `stadium start --workers N`: one port served by N processes (node:cluster). The primary
 * makes sure the development app exists, forks the workers, routes bus traffic between them
 * (ClusterHub), restarts a worker that dies, and on SIGTERM / SIGINT stops them all. Each
 * worker is a full node whose rooms' authorities are spread over the workers by hashing (over
 * NATS: over every live node of the deployment, these workers and other processes' alike).
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism, hostname } from 'node:os';
import { ensureDevApp } from '../apps/dev-app.js';
import { ensureOperator } from '../http/console/operators.js';
import { ClusterHub } from '../bus/cluster/cluster-hub.js';
import { ClusterMetricsClient, ClusterMetricsHub } from '../bus/cluster/cluster-metrics.js';
import { ClusterWorkerBus } from '../bus/cluster/cluster-worker-bus.js';
import type { BusRequest } from '../bus/bus.js';
import { isNatsUrl, openBus } from '../bus/open-bus.js';
import { systemClock } from '../clock/clock.js';
import { DEFAULT_SERVER_OPTIONS, type ServerOptions } from '../config/options.js';
import { Metrics } from '../metrics/metrics.js';
import { startStadium } from '../server.js';
import { openStore } from '../storage/open-store.js';
import { EXIT, storeHintFlags } from './args.js';
import type { CliIo } from './io.js';
import { banner, drainThenClose, untilSignal } from './start.js';

/** Node IDs of the workers, the same list in every worker. */
function workerNodes(base: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${base}-w${i}`);
}

/** Run as worker `STADIUM_WORKER_INDEX` of `STADIUM_WORKER_COUNT`. */
export async function runWorker(options: Partial<ServerOptions>, io: CliIo): Promise<number> {
  const index = Number(io.env['STADIUM_WORKER_INDEX']);
  const count = Number(io.env['STADIUM_WORKER_COUNT']);
  const nats = options.bus !== undefined && isNatsUrl(options.bus);
  // Over NATS several such processes may run on one machine: the base is this process tree's.
  const nodes = workerNodes(options.nodeId || (nats ? `${hostname()}-${process.ppid}` : hostname()), count);
  const metrics = new Metrics();
  // The logger is the server's; until it exists, handler failures go to stderr once each.
  const onHandlerError = (error: unknown, request: BusRequest): void => {
    io.stderr.write(`authority request ${request.cmd} for ${request.groupId} failed: ${String(error)}\n`);
  };
  // Over NATS the workers are nodes of the NATS deployment; otherwise they talk through the primary.
  const bus = nats ? await openBus(options.bus!, { node: nodes[index]!, onHandlerError }) : new ClusterWorkerBus({ onHandlerError });
  const clusterMetrics = new ClusterMetricsClient({ registry: metrics.registry });
  // The write budget is the machine's cores': with more workers than cores, each gets a share.
  const fanoutWritesPerSec = options.fanoutWritesPerSec ?? Math.round(DEFAULT_SERVER_OPTIONS.fanoutWritesPerSec * Math.min(1, availableParallelism() / count));
  const server = await startStadium(
    { ...options, nodeId: nodes[index]!, fanoutWritesPerSec },
    {
      bus,
      metrics,
      // Over NATS the deployment's nodes are the bus's live peers (every worker of every process).
      ...(nats ? {} : { nodes }),
      metricsText: () => clusterMetrics.text(),
    },
  );
  process.send?.({ t: 'stadium:ready', url: server.url, node: nodes[index]! });
  // Ctrl-C reaches the whole process group; the primary stops the workers (with SIGTERM) in
  // order, so a worker ignores SIGINT rather than exiting under the primary's feet.
  (io.signals ?? process).on('SIGINT', () => undefined);
  return untilSignal(
    io,
    async () => {
      // The primary passes SIGTERM on to every worker: each drains its own connections.
      await drainThenClose(server);
      clusterMetrics.close();
      await bus.close();
    },
    { quiet: true, names: ['SIGTERM'] },
  );
}

/** Run the primary of an N-worker node. */
export async function runPrimary(options: Partial<ServerOptions>, workers: number, io: CliIo): Promise<number> {
  const location = { dataDir: options.dataDir ?? './data', db: options.db ?? '' };
  const store = await openStore(location);
  let dev;
  let password;
  try {
    dev = await ensureDevApp(store, systemClock);
    password = await ensureOperator(store, systemClock);
  } finally {
    await store.close();
  }

  cluster.setupPrimary({ serialization: 'advanced' });
  const hub = new ClusterHub();
  const metricsHub = new ClusterMetricsHub();
  const running = new Map<number, Worker>();
  const everReady = new Set<number>();
  let stopping = false;
  let failed: (code: number) => void = () => undefined;
  const fork = (index: number): void => {
    const worker = cluster.fork({ STADIUM_WORKER_INDEX: String(index), STADIUM_WORKER_COUNT: String(workers) });
    running.set(index, worker);
    hub.add(worker);
    metricsHub.add(worker);
    worker.on('message', (message: { t?: string }) => {
      if (message?.t === 'stadium:ready') everReady.add(index);
    });
    worker.on('exit', (code, signal) => {
      if (running.get(index) === worker) running.delete(index);
      if (stopping) return;
      if (!everReady.has(index)) {
        io.stderr.write(`worker ${index} could not start (exit ${code ?? signal}); stopping\n`);
        failed(EXIT.ERROR);
        return;
      }
      io.stderr.write(`worker ${index} exited (${code ?? signal}); restarting it\n`);
      setTimeout(() => fork(index), 500).unref();
    });
  };

  const stopAll = async (): Promise<void> => {
    stopping = true;
    await Promise.all(
      [...running.values()].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
  };

  const url = await new Promise<string | null>((resolve) => {
    let ready = 0;
    failed = () => resolve(null);
    hub.onReady = (_id, workerUrl) => {
      if (++ready === workers) resolve(workerUrl);
    };
    for (let i = 0; i < workers; i++) fork(i);
  });
  if (url === null) {
    await stopAll();
    return EXIT.ERROR;
  }
  io.stdout.write(banner(url, dev.app, dev.created, storeHintFlags(location), password));
  io.stdout.write(`  Workers:    ${workers} processes on one port\n`);
  const exitCode = new Promise<number>((resolve) => {
    failed = resolve;
  });
  const code = await Promise.race([untilSignal(io, stopAll), exitCode]);
  if (!stopping) await stopAll();
  io.exit?.(code);
  return code;
}

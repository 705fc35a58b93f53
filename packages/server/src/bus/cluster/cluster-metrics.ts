/**
 * Cluster-wide /metrics of a multi-process node, over the same IPC channels as the bus but
 * apart from it: a worker asks the primary, the primary aggregates every worker's registry
 * with prom-client's AggregatorRegistry (which talks to the workers by itself) and answers.
 * Messages are `stadium-metrics:…`, so the bus hub and worker bus ignore them.
 */
import type { Worker } from 'node:cluster';
import { ERRORS, StadiumError } from '@stadium/protocol';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { systemClock, type Clock } from '../../clock/clock.js';
import { processChannel, workerChannel, type IpcChannel } from './ipc-channel.js';

/** Worker → primary: send the node's metrics. */
export type MetricsToPrimary = { t: 'stadium-metrics:req'; id: number };
/** Primary → worker: the node's metrics, as Prometheus text. */
export type MetricsToWorker = { t: 'stadium-metrics:res'; id: number; text: string };

/** What aggregates the metrics of every worker (in production, an AggregatorRegistry). */
export interface MetricsAggregator {
  clusterMetrics(): Promise<string>;
}

/** In the primary: answers the workers' requests for the node's metrics. */
export class ClusterMetricsHub {
  readonly #aggregator: MetricsAggregator;

  /** @param aggregator @default a new AggregatorRegistry */
  constructor(aggregator?: MetricsAggregator) {
    this.#aggregator = aggregator ?? new AggregatorRegistry();
  }

  /** Answer node:cluster `worker` until it exits. */
  add(worker: Worker): void {
    worker.once('exit', this.attach(workerChannel<MetricsToWorker>(worker)));
  }

  /** Answer requests arriving on `channel`; returns what stops answering. */
  attach(channel: IpcChannel<MetricsToWorker>): () => void {
    const listener = (message: unknown): void => {
      if (!isMetricsRequest(message)) return;
      const { id } = message;
      this.#aggregator.clusterMetrics().then(
        (text) => channel.send({ t: 'stadium-metrics:res', id, text }),
        (error: unknown) => channel.send({ t: 'stadium-metrics:res', id, text: `# ${ERRORS.INTERNAL_ERROR.message} ${String(error)}\n` }),
      );
    };
    channel.on('message', listener);
    return () => void channel.off('message', listener);
  }
}

/** Options of a {@link ClusterMetricsClient}. */
export interface ClusterMetricsClientOptions {
  /** This worker's registry, offered to the primary's aggregation. */
  registry: Registry;
  /** The channel to the primary. @default this process's (it must be a cluster worker) */
  channel?: IpcChannel<MetricsToPrimary>;
  /** @default systemClock */
  clock?: Clock;
  /** {@link ClusterMetricsClient.text} rejects with OVERLOADED after this long. @default 10000 */
  timeoutMs?: number;
}

/** In a worker: the metrics of every worker of this node, from the primary. */
export class ClusterMetricsClient {
  readonly #channel: IpcChannel<MetricsToPrimary>;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, (text: string) => void>();
  readonly #listener = (message: unknown): void => {
    if (!isMetricsResponse(message)) return;
    this.#pending.get(message.id)?.(message.text);
  };
  #nextId = 1;

  constructor(options: ClusterMetricsClientOptions) {
    this.#channel = options.channel ?? processChannel<MetricsToPrimary>();
    this.#clock = options.clock ?? systemClock;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    // Lets the primary's AggregatorRegistry collect this worker's registry (its own IPC).
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([options.registry]);
    this.#channel.on('message', this.#listener);
  }

  /** Prometheus text of every worker of this node. */
  text(): Promise<string> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        if (this.#pending.delete(id)) reject(new StadiumError('OVERLOADED', `no metrics from the primary in ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(id, (text) => {
        this.#pending.delete(id);
        this.#clock.clearTimeout(timer);
        resolve(text);
      });
      this.#channel.send({ t: 'stadium-metrics:req', id });
    });
  }

  /** Stop listening (pending calls are left to their timeout). */
  close(): void {
    this.#channel.off('message', this.#listener);
  }
}

function isMetricsRequest(message: unknown): message is MetricsToPrimary {
  return typeof message === 'object' && message !== null && (message as { t?: unknown }).t === 'stadium-metrics:req';
}

function isMetricsResponse(message: unknown): message is MetricsToWorker {
  return typeof message === 'object' && message !== null && (message as { t?: unknown }).t === 'stadium-metrics:res';
}

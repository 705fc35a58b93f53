/**
 * The Bus in a worker of a multi-process node. Local subscribers and local authorities are
 * served directly, in process; everything else goes through the primary's ClusterHub over
 * IPC. Publishing reaches local subscribers synchronously and other workers once each.
 */
import { StadiumError } from '@stadium/protocol';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Bus, BusMessage, BusRequest, Unsubscribe } from './bus.js';
import { isStadiumIpc, type BusReply, type ToPrimary, type ToWorker } from './cluster-ipc.js';

interface Pending {
  resolve: (reply: BusReply) => void;
  timer: NodeJS.Timeout;
}

/** A worker's bus. */
export class ClusterWorkerBus implements Bus {
  readonly #subs = new Map<string, Set<(message: BusMessage) => void>>();
  readonly #servers = new Map<string, (request: BusRequest) => Promise<unknown>>();
  readonly #pending = new Map<number, Pending>();
  readonly #metrics = new Map<number, (text: string) => void>();
  readonly #timeoutMs: number;
  readonly #onIpc = (message: unknown): void => {
    if (isStadiumIpc(message)) this.#onMessage(message as ToWorker);
  };
  #nextId = 1;

  constructor(options: { requestTimeoutMs?: number; registry?: Registry } = {}) {
    if (!process.send) throw new TypeError('ClusterWorkerBus runs only in a cluster worker');
    this.#timeoutMs = options.requestTimeoutMs ?? 15_000;
    process.on('message', this.#onIpc);
    if (options.registry) {
      // Lets the primary collect this worker's metrics for the cluster-wide /metrics.
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([options.registry]);
    }
  }

  #send(message: ToPrimary): void {
    // The primary may be gone (shutdown); a failed send must not crash the worker.
    if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
  }

  publish(subject: string, message: BusMessage): void {
    const handlers = this.#subs.get(subject);
    if (handlers) for (const handler of handlers) handler(message);
    this.#send({ t: 'stadium:pub', subject, message });
  }

  subscribe(subject: string, handler: (message: BusMessage) => void): Unsubscribe {
    let handlers = this.#subs.get(subject);
    if (!handlers) {
      this.#subs.set(subject, (handlers = new Set()));
      this.#send({ t: 'stadium:sub', subject });
    }
    handlers.add(handler);
    return () => {
      const set = this.#subs.get(subject);
      if (!set?.delete(handler) || set.size > 0) return;
      this.#subs.delete(subject);
      this.#send({ t: 'stadium:unsub', subject });
    };
  }

  request(subject: string, request: BusRequest): Promise<unknown> {
    const local = this.#servers.get(subject);
    if (local) return local(request);
    const id = this.#nextId++;
    return new Promise<BusReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new StadiumError('OVERLOADED', `no answer from ${subject} in ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, timer });
      this.#send({ t: 'stadium:req', id, subject, request });
    }).then((reply) => {
      if (!reply.ok) throw new StadiumError(reply.error === 'INTERNAL_ERROR' && reply.detail?.startsWith('nobody serves') ? 'SERVICE_UNAVAILABLE' : reply.error, reply.detail);
      return reply.data;
    });
  }

  serve(subject: string, handler: (request: BusRequest) => Promise<unknown>): Unsubscribe {
    this.#servers.set(subject, handler);
    this.#send({ t: 'stadium:serve', subject });
    return () => {
      if (this.#servers.get(subject) === handler) this.#servers.delete(subject);
    };
  }

  /** Metrics of every worker of this node, aggregated by the primary. */
  clusterMetrics(): Promise<string> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#metrics.set(id, resolve);
      this.#send({ t: 'stadium:metrics', id });
    });
  }

  async close(): Promise<void> {
    process.off('message', this.#onIpc);
    for (const pending of this.#pending.values()) clearTimeout(pending.timer);
    this.#pending.clear();
    this.#subs.clear();
    this.#servers.clear();
  }

  #onMessage(message: ToWorker): void {
    switch (message.t) {
      case 'stadium:pub': {
        const handlers = this.#subs.get(message.subject);
        if (handlers) for (const handler of handlers) handler(message.message);
        return;
      }
      case 'stadium:req': {
        const server = this.#servers.get(message.subject);
        const answer: Promise<BusReply> = server
          ? server(message.request).then(
              (data): BusReply => ({ ok: true, data }),
              (error: unknown): BusReply => (error instanceof StadiumError ? { ok: false, error: error.reason, detail: error.detail } : { ok: false, error: 'INTERNAL_ERROR' }),
            )
          : Promise.resolve<BusReply>({ ok: false, error: 'SERVICE_UNAVAILABLE', detail: `${message.subject} is not served here` });
        void answer.then((reply) => this.#send({ t: 'stadium:res', id: message.id, to: message.from, reply }));
        return;
      }
      case 'stadium:res': {
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        clearTimeout(pending.timer);
        pending.resolve(message.reply);
        return;
      }
      case 'stadium:metrics':
        this.#metrics.get(message.id)?.(message.text);
        this.#metrics.delete(message.id);
        return;
    }
  }
}

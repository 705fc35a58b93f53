/**
 * The router in the primary process of a multi-process node: it keeps which worker
 * subscribes to which subject and serves which authority subject, forwards publishes to the
 * other subscribed workers (each batch crosses to each worker once), and relays requests and
 * replies. It also answers workers' requests for cluster-wide metrics.
 */
import type { Worker } from 'node:cluster';
import { ERRORS } from '@stadium/protocol';
import { AggregatorRegistry } from 'prom-client';
import { CONTROL_SUBJECT } from './bus.js';
import { isStadiumIpc, type ToPrimary, type ToWorker } from './cluster-ipc.js';

/** Routes bus traffic between workers. */
export class ClusterHub {
  readonly #workers = new Map<number, Worker>();
  readonly #subs = new Map<string, Set<number>>();
  readonly #servers = new Map<string, number>();
  readonly #nodes = new Map<number, string>();
  readonly #aggregator = new AggregatorRegistry();
  /** Called with each worker's URL when it is listening. */
  onReady: ((workerId: number, url: string) => void) | null = null;

  /** Route for `worker` until it exits. */
  add(worker: Worker): void {
    this.#workers.set(worker.id, worker);
    worker.on('message', (message: unknown) => {
      if (isStadiumIpc(message)) this.#onMessage(worker.id, message as ToPrimary);
    });
    worker.on('exit', () => this.#remove(worker.id));
    worker.on('error', () => undefined);
  }

  #send(workerId: number, message: ToWorker): void {
    const worker = this.#workers.get(workerId);
    if (!worker?.isConnected()) return;
    // A worker may be going away at this very moment (shutdown, crash): its channel errors are
    // expected and must not take the primary down.
    worker.send(message, undefined, () => undefined);
  }

  #onMessage(from: number, message: ToPrimary): void {
    switch (message.t) {
      case 'stadium:sub': {
        let set = this.#subs.get(message.subject);
        if (!set) this.#subs.set(message.subject, (set = new Set()));
        set.add(from);
        return;
      }
      case 'stadium:unsub': {
        const set = this.#subs.get(message.subject);
        set?.delete(from);
        if (set?.size === 0) this.#subs.delete(message.subject);
        return;
      }
      case 'stadium:pub': {
        const set = this.#subs.get(message.subject);
        if (!set) return;
        for (const id of set) if (id !== from) this.#send(id, { t: 'stadium:pub', subject: message.subject, message: message.message });
        return;
      }
      case 'stadium:serve':
        this.#servers.set(message.subject, from);
        return;
      case 'stadium:req': {
        const server = this.#servers.get(message.subject);
        if (server === undefined || !this.#workers.has(server)) {
          this.#send(from, { t: 'stadium:res', id: message.id, reply: { ok: false, error: 'SERVICE_UNAVAILABLE', detail: `nobody serves ${message.subject}` } });
          return;
        }
        this.#send(server, { t: 'stadium:req', id: message.id, from, subject: message.subject, request: message.request });
        return;
      }
      case 'stadium:res':
        this.#send(message.to, { t: 'stadium:res', id: message.id, reply: message.reply });
        return;
      case 'stadium:metrics':
        this.#aggregator.clusterMetrics().then(
          (text) => this.#send(from, { t: 'stadium:metrics', id: message.id, text }),
          (error: unknown) => this.#send(from, { t: 'stadium:metrics', id: message.id, text: `# ${ERRORS.INTERNAL_ERROR.message} ${String(error)}\n` }),
        );
        return;
      case 'stadium:ready':
        this.#nodes.set(from, message.node);
        this.onReady?.(from, message.url);
        return;
    }
  }

  #remove(workerId: number): void {
    this.#workers.delete(workerId);
    const node = this.#nodes.get(workerId);
    this.#nodes.delete(workerId);
    if (node !== undefined) {
      // The dead worker's members are gone: every authority must stop counting them.
      for (const id of this.#subs.get(CONTROL_SUBJECT) ?? []) {
        if (id !== workerId) this.#send(id, { t: 'stadium:pub', subject: CONTROL_SUBJECT, message: { kind: 'node-reset', node } });
      }
    }
    for (const [subject, set] of this.#subs) {
      set.delete(workerId);
      if (set.size === 0) this.#subs.delete(subject);
    }
    for (const [subject, id] of this.#servers) if (id === workerId) this.#servers.delete(subject);
  }
}

/**
 * The router in the primary process of a multi-process node. It keeps which worker
 * subscribes to which subject and which serves which subject, forwards each publish once to
 * every other subscribed worker, and relays requests and replies. When a worker goes away it
 * fails the requests pending at that worker at once (SERVICE_UNAVAILABLE), forgets its
 * subscriptions and subjects, and tells the other workers with a `node-reset` on
 * CONTROL_SUBJECT. It decides nothing else: handler wrapping and timeouts are the workers'
 * (ClusterWorkerBus, on the bus base).
 */
import type { Worker } from 'node:cluster';
import { CONTROL_SUBJECT } from '../bus.js';
import { nobodyServes, serverDropped } from '../bus-reply.js';
import { isStadiumIpc, type ToPrimary, type ToWorker } from './cluster-ipc.js';
import { workerChannel, type IpcChannel } from './ipc-channel.js';

interface Connected {
  channel: IpcChannel<ToWorker>;
  listener: (message: unknown) => void;
}

/** A request on its way: who asked (and under which id), who serves it. */
interface InFlight {
  from: number;
  id: number;
  server: number;
  subject: string;
}

/** Routes bus traffic between the workers of one node. */
export class ClusterHub {
  readonly #workers = new Map<number, Connected>();
  readonly #subs = new Map<string, Set<number>>();
  readonly #servers = new Map<string, number>();
  readonly #nodes = new Map<number, string>();
  readonly #inFlight = new Map<number, InFlight>();
  /** Per requesting worker: its request id → the primary's. */
  readonly #byRequester = new Map<number, Map<number, number>>();
  #nextId = 1;
  /** Called with each worker's URL when it is listening (its `stadium:ready`). */
  onReady: ((workerId: number, url: string) => void) | null = null;

  /** Route for a node:cluster `worker` until it exits. */
  add(worker: Worker): void {
    this.connect(worker.id, workerChannel<ToWorker>(worker));
    worker.on('exit', () => this.disconnect(worker.id));
    worker.on('error', () => undefined);
  }

  /** Route for worker `workerId` over `channel` until {@link ClusterHub.disconnect}. */
  connect(workerId: number, channel: IpcChannel<ToWorker>): void {
    const listener = (message: unknown): void => {
      if (isStadiumIpc(message)) this.#onMessage(workerId, message);
    };
    this.#workers.set(workerId, { channel, listener });
    this.#byRequester.set(workerId, new Map());
    channel.on('message', listener);
  }

  /** Worker `workerId` is gone (it exited). */
  disconnect(workerId: number): void {
    const worker = this.#workers.get(workerId);
    if (!worker) return;
    worker.channel.off('message', worker.listener);
    this.#workers.delete(workerId);
    this.#byRequester.delete(workerId);
    for (const [id, request] of this.#inFlight) {
      if (request.server === workerId) {
        this.#settle(id, request);
        this.#send(request.from, { t: 'stadium:res', id: request.id, reply: serverDropped(request.subject) });
      } else if (request.from === workerId) {
        this.#inFlight.delete(id);
      }
    }
    for (const [subject, set] of this.#subs) {
      set.delete(workerId);
      if (set.size === 0) this.#subs.delete(subject);
    }
    for (const [subject, id] of this.#servers) if (id === workerId) this.#servers.delete(subject);
    const node = this.#nodes.get(workerId);
    this.#nodes.delete(workerId);
    // The dead worker's members are gone: every authority must stop counting them.
    if (node !== undefined) this.#publish(workerId, CONTROL_SUBJECT, { t: 'stadium:pub', subject: CONTROL_SUBJECT, message: { kind: 'node-reset', node } });
  }

  /** Requests on their way (forwarded, not yet answered, failed or given up). */
  get requestsInFlight(): number {
    return this.#inFlight.size;
  }

  /** Forget request `id` (the primary's). */
  #settle(id: number, request: InFlight): void {
    this.#inFlight.delete(id);
    this.#byRequester.get(request.from)?.delete(request.id);
  }

  #send(workerId: number, message: ToWorker): void {
    this.#workers.get(workerId)?.channel.send(message);
  }

  /** Send `message` to every worker subscribed to `subject` but `from`. */
  #publish(from: number, subject: string, message: ToWorker): void {
    const set = this.#subs.get(subject);
    if (set) for (const id of set) if (id !== from) this.#send(id, message);
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
        if (set?.delete(from) && set.size === 0) this.#subs.delete(message.subject);
        return;
      }
      case 'stadium:pub':
        this.#publish(from, message.subject, message);
        return;
      case 'stadium:serve':
        this.#servers.set(message.subject, from);
        return;
      case 'stadium:unserve':
        if (this.#servers.get(message.subject) === from) this.#servers.delete(message.subject);
        return;
      case 'stadium:req': {
        const server = this.#servers.get(message.subject);
        if (server === undefined) {
          this.#send(from, { t: 'stadium:res', id: message.id, reply: nobodyServes(message.subject) });
          return;
        }
        const id = this.#nextId++;
        this.#inFlight.set(id, { from, id: message.id, server, subject: message.subject });
        this.#byRequester.get(from)?.set(message.id, id);
        this.#send(server, { t: 'stadium:req', id, subject: message.subject, request: message.request });
        return;
      }
      case 'stadium:res': {
        const request = this.#inFlight.get(message.id);
        if (request?.server !== from) return;
        this.#settle(message.id, request);
        this.#send(request.from, { t: 'stadium:res', id: request.id, reply: message.reply });
        return;
      }
      case 'stadium:cancel': {
        const id = this.#byRequester.get(from)?.get(message.id);
        const request = id === undefined ? undefined : this.#inFlight.get(id);
        if (id !== undefined && request) this.#settle(id, request);
        return;
      }
      case 'stadium:ready':
        this.#nodes.set(from, message.node);
        this.onReady?.(from, message.url);
        return;
    }
  }
}

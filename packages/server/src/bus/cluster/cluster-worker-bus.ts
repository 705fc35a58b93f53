/**
 * The Bus in a worker of a multi-process node, on the bus base. Local subscribers and
 * subjects this worker serves are reached directly, in process; everything else goes
 * through the primary's ClusterHub over IPC. A publish reaches local subscribers
 * synchronously and every other subscribed worker once.
 */
import type { BusMessage, BusRequest, Unsubscribe } from '../bus.js';
import { BusBase, type BusPeer } from '../bus-base.js';
import type { BusOptions } from '../bus-options.js';
import { refusal, type BusReply } from '../bus-reply.js';
import { isStadiumIpc, type ToPrimary, type ToWorker } from './cluster-ipc.js';
import { processChannel, type IpcChannel } from './ipc-channel.js';

/** Options of a {@link ClusterWorkerBus}. */
export interface ClusterWorkerBusOptions extends BusOptions {
  /** The channel to the primary. @default this process's (it must be a cluster worker) */
  channel?: IpcChannel<ToPrimary>;
}

/** One subscribe() call. */
interface Subscription {
  readonly handler: (message: BusMessage) => void;
}

/** Requests this worker sent to the primary; the primary fails them if their server goes. */
const PRIMARY: unique symbol = Symbol('primary');
/** Requests this worker serves itself. */
const SELF: unique symbol = Symbol('self');

/** A worker's bus. */
export class ClusterWorkerBus extends BusBase {
  readonly #channel: IpcChannel<ToPrimary>;
  readonly #subs = new Map<string, Set<Subscription>>();
  readonly #onIpc = (message: unknown): void => {
    if (isStadiumIpc(message)) this.#onMessage(message as ToWorker);
  };

  constructor(options: ClusterWorkerBusOptions = {}) {
    super(options);
    this.#channel = options.channel ?? processChannel<ToPrimary>();
    this.#channel.on('message', this.#onIpc);
  }

  publish(subject: string, message: BusMessage): void {
    this.#deliver(subject, message);
    this.#channel.send({ t: 'stadium:pub', subject, message });
  }

  subscribe(subject: string, handler: (message: BusMessage) => void): Unsubscribe {
    const subscription: Subscription = { handler };
    let set = this.#subs.get(subject);
    if (!set) {
      this.#subs.set(subject, (set = new Set()));
      this.#channel.send({ t: 'stadium:sub', subject });
    }
    set.add(subscription);
    return () => {
      const current = this.#subs.get(subject);
      if (!current?.delete(subscription) || current.size > 0) return;
      this.#subs.delete(subject);
      this.#channel.send({ t: 'stadium:unsub', subject });
    };
  }

  protected transmit(id: number, subject: string, request: BusRequest): BusPeer {
    if (this.serves(subject)) {
      void this.answer(subject, request).then((reply) => this.receiveReply(id, reply));
      return SELF;
    }
    this.#channel.send({ t: 'stadium:req', id, subject, request });
    return PRIMARY;
  }

  protected override abandoned(id: number, peer: BusPeer): void {
    if (peer === PRIMARY) this.#channel.send({ t: 'stadium:cancel', id });
  }

  protected advertise(subject: string, serving: boolean): void {
    this.#channel.send({ t: serving ? 'stadium:serve' : 'stadium:unserve', subject });
  }

  protected shutdown(): void {
    for (const subject of this.#subs.keys()) this.#channel.send({ t: 'stadium:unsub', subject });
    this.#subs.clear();
    this.#channel.off('message', this.#onIpc);
  }

  #deliver(subject: string, message: BusMessage): void {
    const set = this.#subs.get(subject);
    if (set) for (const subscription of set) subscription.handler(message);
  }

  #reply(id: number, request: BusRequest, reply: BusReply): void {
    try {
      this.#channel.send({ t: 'stadium:res', id, reply });
    } catch (error) {
      // The result cannot cross the channel (it is not structured-cloneable): a handler bug.
      this.options.onHandlerError(error, request);
      this.#channel.send({ t: 'stadium:res', id, reply: refusal('INTERNAL_ERROR') });
    }
  }

  #onMessage(message: ToWorker): void {
    switch (message.t) {
      case 'stadium:pub':
        this.#deliver(message.subject, message.message);
        return;
      case 'stadium:req':
        void this.answer(message.subject, message.request).then((reply) => this.#reply(message.id, message.request, reply));
        return;
      case 'stadium:res':
        this.receiveReply(message.id, message.reply);
        return;
    }
  }
}

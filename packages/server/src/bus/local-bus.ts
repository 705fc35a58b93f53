/**
 * The in-process bus: publish calls every subscriber's handler synchronously with the very
 * message object (no copies, no allocation: the hot path of a single-process deployment);
 * requests go straight to the serving handler. Several LocalBuses on one {@link LocalHub}
 * are several nodes in one process; closing one is that node dropping out.
 */
import type { BusMessage, BusRequest, Unsubscribe } from './bus.js';
import { BusBase, type BusPeer } from './bus-base.js';
import type { BusOptions } from './bus-options.js';
import { LocalHub, type LocalSubscription } from './local-hub.js';

/** Options of a {@link LocalBus}. */
export interface LocalBusOptions extends BusOptions {
  /** Share it with the other nodes of this process. @default a hub of its own */
  hub?: LocalHub;
}

/** In-process bus. */
export class LocalBus extends BusBase {
  readonly #hub: LocalHub;
  readonly #unsubscribes = new Set<Unsubscribe>();
  #left = false;

  constructor(options: LocalBusOptions = {}) {
    super(options);
    this.#hub = options.hub ?? new LocalHub();
    this.#hub.nodes.add(this);
  }

  publish(subject: string, message: BusMessage): void {
    if (this.#left) return;
    const subscriptions = this.#hub.subscriptions.get(subject);
    if (!subscriptions) return;
    for (const subscription of subscriptions) subscription.handler(message);
  }

  subscribe(subject: string, handler: (message: BusMessage) => void): Unsubscribe {
    if (this.#left) return () => undefined;
    const subscriptions = this.#hub.subscriptions;
    const subscription: LocalSubscription = { handler };
    let set = subscriptions.get(subject);
    if (!set) subscriptions.set(subject, (set = new Set()));
    set.add(subscription);
    const unsubscribe = (): void => {
      this.#unsubscribes.delete(unsubscribe);
      const current = subscriptions.get(subject);
      if (current?.delete(subscription) && current.size === 0) subscriptions.delete(subject);
    };
    this.#unsubscribes.add(unsubscribe);
    return unsubscribe;
  }

  protected transmit(id: number, subject: string, request: BusRequest): BusPeer | undefined {
    const server = this.#hub.servers.get(subject);
    if (!server) return undefined;
    void server.answer(subject, request).then((reply) => this.receiveReply(id, reply));
    return server;
  }

  protected advertise(subject: string, serving: boolean): void {
    if (serving) this.#hub.servers.set(subject, this);
    else if (this.#hub.servers.get(subject) === this) this.#hub.servers.delete(subject);
  }

  protected shutdown(): void {
    this.#left = true;
    for (const unsubscribe of [...this.#unsubscribes]) unsubscribe();
    this.#hub.nodes.delete(this);
    for (const node of this.#hub.nodes) node.peerDropped(this);
  }
}

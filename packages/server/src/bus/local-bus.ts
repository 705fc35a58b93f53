import type { Bus, BusMessage, Unsubscribe } from './bus.js';

/** In-process bus: synchronous delivery to handlers in this process, no copies. */
export class LocalBus implements Bus {
  readonly #subs = new Map<string, Set<(message: BusMessage) => void>>();

  publish(subject: string, message: BusMessage): void {
    const handlers = this.#subs.get(subject);
    if (!handlers) return;
    for (const handler of handlers) handler(message);
  }

  subscribe(subject: string, handler: (message: BusMessage) => void): Unsubscribe {
    let handlers = this.#subs.get(subject);
    if (!handlers) {
      handlers = new Set();
      this.#subs.set(subject, handlers);
    }
    handlers.add(handler);
    return () => {
      const set = this.#subs.get(subject);
      if (!set) return;
      set.delete(handler);
      if (set.size === 0) this.#subs.delete(subject);
    };
  }

  async close(): Promise<void> {
    this.#subs.clear();
  }
}

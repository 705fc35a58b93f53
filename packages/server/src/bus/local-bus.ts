import { StadiumError } from '@stadium/protocol';
import type { Bus, BusMessage, BusRequest, Unsubscribe } from './bus.js';

/** In-process bus: synchronous publish to handlers in this process, no copies. */
export class LocalBus implements Bus {
  readonly #subs = new Map<string, Set<(message: BusMessage) => void>>();
  readonly #servers = new Map<string, (request: BusRequest) => Promise<unknown>>();

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

  request(subject: string, request: BusRequest): Promise<unknown> {
    const server = this.#servers.get(subject);
    if (!server) return Promise.reject(new StadiumError('SERVICE_UNAVAILABLE', `nobody serves ${subject}`));
    return server(request);
  }

  serve(subject: string, handler: (request: BusRequest) => Promise<unknown>): Unsubscribe {
    this.#servers.set(subject, handler);
    return () => {
      if (this.#servers.get(subject) === handler) this.#servers.delete(subject);
    };
  }

  async close(): Promise<void> {
    this.#subs.clear();
    this.#servers.clear();
  }
}

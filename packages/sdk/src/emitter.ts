/** A small event emitter with the compatible SDK's `on(name, handler, context?)` shape. */
import type { Logger } from './logger.js';

/** What every SDK event handler receives: `{ name, data }`. */
export interface TimEvent<T = unknown> {
  name: string;
  /** The event's payload (undefined for SDK_READY / SDK_NOT_READY). */
  data: T;
}

/** An event handler. */
export type TimEventHandler<T = unknown> = (event: TimEvent<T>) => void;

interface Listener {
  handler: TimEventHandler<never>;
  context: unknown;
}

/** Calls handlers in registration order; a throwing handler is logged and does not stop the others. */
export class Emitter {
  private readonly listeners = new Map<string, Listener[]>();

  constructor(private readonly logger: Logger) {}

  /** Add a handler; `context` becomes `this` inside it. */
  on<T>(name: string, handler: TimEventHandler<T>, context?: unknown): void {
    if (typeof handler !== 'function') return;
    const list = this.listeners.get(name) ?? [];
    list.push({ handler, context });
    this.listeners.set(name, list);
  }

  /** Remove a handler added with the same arguments. */
  off<T>(name: string, handler: TimEventHandler<T>, context?: unknown): void {
    const list = this.listeners.get(name);
    if (!list) return;
    const index = list.findIndex((l) => l.handler === handler && (context === undefined || l.context === context));
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.listeners.delete(name);
  }

  /** Emit `{ name, data }` (or `{ name }` when `data` is omitted). */
  emit(name: string, ...data: [] | [unknown]): void {
    const list = this.listeners.get(name);
    if (!list) return;
    const event: TimEvent = { name, data: data[0] };
    for (const { handler, context } of [...list]) {
      try {
        (handler as TimEventHandler).call(context, event);
      } catch (error) {
        this.logger.error(`handler of ${name} threw`, error);
      }
    }
  }

  /** Drop every handler. */
  clear(): void {
    this.listeners.clear();
  }
}

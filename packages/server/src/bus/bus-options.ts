/** Options every Bus adapter takes (through its base, {@link BusBase}). */
import { systemClock, type Clock } from '../clock/clock.js';
import type { BusRequest } from './bus.js';

/** Options of a bus. */
export interface BusOptions {
  /** Time for request timeouts. @default systemClock */
  clock?: Clock;
  /** A request not answered within this long rejects with OVERLOADED. @default 15000 */
  requestTimeoutMs?: number;
  /**
   * Called once for each request handler that threw something other than a StadiumError
   * (the caller gets INTERNAL_ERROR). Adapters log nothing themselves. @default ignore
   */
  onHandlerError?: (error: unknown, request: BusRequest) => void;
}

/** {@link BusOptions} with every default filled in. */
export type ResolvedBusOptions = Readonly<Required<BusOptions>>;

/** The defaults of {@link BusOptions}. */
export const DEFAULT_BUS_OPTIONS: ResolvedBusOptions = Object.freeze({
  clock: systemClock,
  requestTimeoutMs: 15_000,
  onHandlerError: () => undefined,
});

/** `options` over the defaults. */
export function resolveBusOptions(options: BusOptions = {}): ResolvedBusOptions {
  return Object.freeze({
    clock: options.clock ?? DEFAULT_BUS_OPTIONS.clock,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_BUS_OPTIONS.requestTimeoutMs,
    onHandlerError: options.onHandlerError ?? DEFAULT_BUS_OPTIONS.onHandlerError,
  });
}

/**
 * The clock, randomness and timers an instance uses. The defaults are the platform's; tests
 * pass a manual clock so that heartbeats, timeouts and reconnects run on their time.
 */

/** What an instance takes from its environment. */
export interface ClientEnvironment {
  /** Milliseconds since the epoch. */
  now: () => number;
  /** [0, 1). */
  random: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

/** The platform's clock, `Math.random` and timers, with `overrides` in their place. */
export function resolveClientEnvironment(overrides: Partial<ClientEnvironment> = {}): ClientEnvironment {
  return {
    now: overrides.now ?? Date.now,
    random: overrides.random ?? Math.random,
    setTimeout: overrides.setTimeout ?? ((fn, ms) => setTimeout(fn, ms)),
    clearTimeout: overrides.clearTimeout ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)),
  };
}

/** A clock and timers that move only when a test calls `advance`, for {@link ClientEnvironment}. */
import type { ClientEnvironment } from '../client-environment.js';

interface Timer {
  id: number;
  dueAt: number;
  fn: () => void;
}

/** Manual time: timers fire inside `advance`, in due order, with `now()` set to their due time. */
export class ManualClock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  constructor(startMs = 1_700_000_000_000) {
    this.current = startMs;
  }

  /** Current time in ms. */
  now = (): number => this.current;

  /** Schedule `fn` after `ms` (at least 0). */
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { id, dueAt: this.current + Math.max(0, ms), fn });
    return id;
  };

  /** Cancel a timer (unknown handles are ignored). */
  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** Timers waiting to fire. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Move time forward by `ms`, firing every timer that falls due (also timers scheduled while advancing). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let due: Timer | undefined;
      for (const timer of this.timers.values()) if (timer.dueAt <= target && (!due || timer.dueAt < due.dueAt || (timer.dueAt === due.dueAt && timer.id < due.id))) due = timer;
      if (!due) break;
      this.timers.delete(due.id);
      this.current = due.dueAt;
      due.fn();
    }
    this.current = target;
  }

  /** This clock as an instance's environment; `random` is fixed (0: reconnects without delay). */
  environment(random = 0): Partial<ClientEnvironment> {
    return { now: this.now, setTimeout: this.setTimeout, clearTimeout: this.clearTimeout, random: () => random };
  }
}

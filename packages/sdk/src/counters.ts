/**
 * Group counters (likes, viewers, gifts …): the compatible SDK's setGroupCounters /
 * increaseGroupCounter / decreaseGroupCounter / getGroupCounters, and the translation of the
 * server's aggregate `counters` frames into GROUP_COUNTER_UPDATED events, one per key.
 */
import type { CountersRequest } from '@stadium/protocol';

/** Sends a `group.counters` request. */
export type CountersRequester = (request: CountersRequest) => Promise<{ counters: Record<string, number> }>;

/** Result of increaseGroupCounter / decreaseGroupCounter. */
export interface CounterChange {
  groupID: string;
  key: string;
  value: number;
  counters: Record<string, number>;
}

/** The counter calls of the instance. */
export class GroupCounters {
  readonly #request: CountersRequester;

  constructor(request: CountersRequester) {
    this.#request = request;
  }

  /** Set several counters at once. */
  async set(options: { groupID: string; counters: Record<string, number> }): Promise<{ groupID: string; counters: Record<string, number> }> {
    const { counters } = await this.#request({ groupID: options.groupID, op: 'set', counters: options.counters });
    return { groupID: options.groupID, counters };
  }

  /** Add `value` to a counter (a missing counter starts at 0). */
  async change(op: 'increase' | 'decrease', options: { groupID: string; key: string; value: number }): Promise<CounterChange> {
    const { counters } = await this.#request({ groupID: options.groupID, op, key: options.key, value: options.value });
    return { groupID: options.groupID, key: options.key, value: counters[options.key] ?? 0, counters };
  }

  /** Read counters (all of them when `keyList` is empty or missing). */
  async get(options: { groupID: string; keyList?: string[] }): Promise<{ groupID: string; counters: Record<string, number> }> {
    const { counters } = await this.#request({ groupID: options.groupID, op: 'get', ...(options.keyList ? { keys: options.keyList } : {}) });
    return { groupID: options.groupID, counters };
  }
}

/**
 * The counter totals last seen per room, so that a `counters` frame (which carries every
 * counter) becomes one GROUP_COUNTER_UPDATED event per counter that actually changed.
 */
export class CounterTotals {
  readonly #seen = new Map<string, Map<string, number>>();

  /** Event data for each counter of `totals` that differs from what was seen before. */
  changes(groupID: string, totals: Record<string, number>): Array<{ groupID: string; key: string; value: number }> {
    let seen = this.#seen.get(groupID);
    if (!seen) this.#seen.set(groupID, (seen = new Map<string, number>()));
    const out: Array<{ groupID: string; key: string; value: number }> = [];
    for (const [key, value] of Object.entries(totals)) {
      if (seen.get(key) === value) continue;
      seen.set(key, value);
      out.push({ groupID, key, value });
    }
    return out;
  }

  /** Forget a room (left or dismissed). */
  forget(groupID: string): void {
    this.#seen.delete(groupID);
  }
}

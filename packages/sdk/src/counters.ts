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

/** GROUP_COUNTER_UPDATED event data for each counter in a `counters` frame. */
export function counterEvents(groupID: string, changed: Record<string, number>): Array<{ groupID: string; key: string; value: number }> {
  return Object.entries(changed).map(([key, value]) => ({ groupID, key, value }));
}

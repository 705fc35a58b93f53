/**
 * A room's counters (likes, viewers, gifts …) at its authority. Writes are applied at once
 * and answered with the new values; members are told the changed totals in one aggregate
 * frame per push interval, never one frame per tap.
 */
import { LIMITS, StadiumError, utf8Length } from '@stadium/protocol';
import type { CountersRequest } from '@stadium/protocol';
import { describe } from './describe.js';

/** Most counters a room may have. */
export const MAX_COUNTERS = LIMITS.maxCounters;

function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key === '' || utf8Length(key) > LIMITS.maxCounterKeyBytes) {
    throw new StadiumError('INVALID_COUNTER', `key ${describe(key)} is not a string of 1–${LIMITS.maxCounterKeyBytes} bytes`);
  }
  return key;
}

function checkValue(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new StadiumError('INVALID_COUNTER', `value ${describe(value)} is not an integer within ±(2^53−1)`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Check a client's `group.counters` body and build a fresh request holding only known fields,
 * so nothing untrusted (deep structures, extra keys) travels to the authority.
 */
export function parseCountersRequest(body: Record<string, unknown>): CountersRequest {
  const groupID = body.groupID as string;
  switch (body.op) {
    case 'get': {
      const { keys } = body;
      if (keys === undefined) return { groupID, op: 'get' };
      if (!Array.isArray(keys) || keys.length > MAX_COUNTERS) throw new StadiumError('INVALID_COUNTER', `keys must be an array of at most ${MAX_COUNTERS} counter keys`);
      return { groupID, op: 'get', keys: keys.map(checkKey) };
    }
    case 'set': {
      const { counters } = body;
      if (!isRecord(counters)) throw new StadiumError('INVALID_COUNTER', 'counters must be an object of key → integer');
      const entries = Object.entries(counters);
      if (entries.length > MAX_COUNTERS) throw new StadiumError('COUNTER_KEY_LIMIT', `${entries.length} keys in one set`);
      // Object.fromEntries defines own properties, so a key like "__proto__" stays a counter.
      return { groupID, op: 'set', counters: Object.fromEntries(entries.map(([k, v]) => [checkKey(k), checkValue(v)])) };
    }
    case 'increase':
    case 'decrease':
      return { groupID, op: body.op, key: checkKey(body.key), value: checkValue(body.value) };
    case 'delete': {
      const { keys } = body;
      if (keys === undefined) return { groupID, op: 'delete' };
      if (!Array.isArray(keys) || keys.length > MAX_COUNTERS) throw new StadiumError('INVALID_COUNTER', `keys must be an array of at most ${MAX_COUNTERS} counter keys`);
      return { groupID, op: 'delete', keys: keys.map(checkKey) };
    }
    default:
      throw new StadiumError('INVALID_PARAMETER', `op must be get, set, increase, decrease or delete, got ${describe(body.op)}`);
  }
}

/** Counters of one room. */
export class RoomCounters {
  readonly #values: Map<string, number>;
  readonly #dirty = new Set<string>();

  constructor(initial: Record<string, number>) {
    this.#values = new Map(Object.entries(initial));
  }

  /** Whether some counters changed since the last {@link takeChanges}. */
  get changed(): boolean {
    return this.#dirty.size > 0;
  }

  /** Every counter. */
  all(): Record<string, number> {
    return Object.fromEntries(this.#values);
  }

  // Results are built with Object.fromEntries (own properties), never `out[key] = …`, which
  // would drop a counter named "__proto__".

  /** Apply a request; returns the counters it read or changed. Changes nothing if it fails. */
  apply(request: CountersRequest): Record<string, number> {
    switch (request.op) {
      case 'get': {
        if (request.keys === undefined || (Array.isArray(request.keys) && request.keys.length === 0)) return this.all();
        if (!Array.isArray(request.keys)) throw new StadiumError('INVALID_COUNTER', 'keys must be an array of counter keys');
        const out: Array<[string, number]> = [];
        for (const key of request.keys) {
          const value = this.#values.get(checkKey(key));
          if (value !== undefined) out.push([key, value]);
        }
        return Object.fromEntries(out);
      }
      case 'set': {
        if (typeof request.counters !== 'object' || request.counters === null || Array.isArray(request.counters))
          throw new StadiumError('INVALID_COUNTER', 'counters must be an object');
        const entries = Object.entries(request.counters).map(([k, v]) => [checkKey(k), checkValue(v)] as const);
        const added = entries.filter(([k]) => !this.#values.has(k)).length;
        if (this.#values.size + added > MAX_COUNTERS) throw new StadiumError('COUNTER_KEY_LIMIT');
        for (const [k, v] of entries) this.#set(k, v);
        return Object.fromEntries(entries);
      }
      case 'increase':
      case 'decrease': {
        const key = checkKey(request.key);
        const delta = checkValue(request.value);
        if (!this.#values.has(key) && this.#values.size >= MAX_COUNTERS) throw new StadiumError('COUNTER_KEY_LIMIT');
        const next = (this.#values.get(key) ?? 0) + (request.op === 'increase' ? delta : -delta);
        checkValue(next);
        this.#set(key, next);
        return Object.fromEntries([[key, next]]);
      }
      case 'delete': {
        if (request.keys !== undefined && !Array.isArray(request.keys)) throw new StadiumError('INVALID_COUNTER', 'keys must be an array of counter keys');
        const keys = request.keys === undefined || request.keys.length === 0 ? [...this.#values.keys()] : request.keys.map(checkKey);
        const out: Array<[string, number]> = [];
        for (const key of keys) {
          if (!this.#values.delete(key)) continue;
          out.push([key, 0]);
          this.#dirty.add(key);
        }
        return Object.fromEntries(out);
      }
      default:
        throw new StadiumError('INVALID_PARAMETER', 'op must be get, set, increase, decrease or delete');
    }
  }

  /** The counters changed since the last call, with their values now. */
  takeChanges(): Record<string, number> {
    const out = Object.fromEntries([...this.#dirty].map((key) => [key, this.#values.get(key) ?? 0]));
    this.#dirty.clear();
    return out;
  }

  #set(key: string, value: number): void {
    if (this.#values.get(key) === value) return;
    this.#values.set(key, value);
    this.#dirty.add(key);
  }
}

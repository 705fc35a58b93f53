/** Small helpers shared by the SDK's tests: a silent logger, event recorders, rejection catching. */
import type { StadiumError } from '@stadium/protocol';
import type { Client } from '../client.js';
import type { TimEvent } from '../emitter.js';

/** A log sink that drops everything. */
export const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Records every event of the given names. */
export function record(tim: Client, ...names: string[]): Array<TimEvent> {
  const events: Array<TimEvent> = [];
  for (const name of names) tim.on(name, (event) => events.push(event));
  return events;
}

/** Resolves with the next event `name` that satisfies `predicate`. */
export function next<T = unknown>(tim: Client, name: string, predicate: (event: TimEvent<T>) => boolean = () => true): Promise<TimEvent<T>> {
  return new Promise((resolve) => {
    const handler = (event: TimEvent<T>) => {
      if (!predicate(event)) return;
      tim.off(name, handler);
      resolve(event);
    };
    tim.on(name, handler);
  });
}

/** The rejection of `promise` (fails when it resolves). */
export function catchError(promise: Promise<unknown>): Promise<StadiumError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as StadiumError,
  );
}

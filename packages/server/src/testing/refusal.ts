import { StadiumError } from '@stadium/protocol';
import { expect } from 'vitest';

/** The registry name a promise rejects with (and that it rejects with a StadiumError). */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StadiumError);
  return (error as StadiumError).reason;
}

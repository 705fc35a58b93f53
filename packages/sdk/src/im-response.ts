/** The `{ code: 0, data }` results and the rejections of the instance methods. */
import { StadiumError, type ErrorName } from '@stadium/protocol';
import type { IMResponse } from './client-types.js';

/** A successful result. */
export function ok<T>(data: T): IMResponse<T> {
  return { code: 0, data };
}

/** A promise rejected with the registry's error `name`. */
export function fail(name: ErrorName): Promise<never> {
  return Promise.reject(new StadiumError(name));
}

/** Attach `data` (the compatible SDK puts e.g. `{ message }` there) to a {@link StadiumError}; other values pass through. */
export function withData(error: unknown, data: unknown): unknown {
  if (error instanceof StadiumError) error.data = data;
  return error;
}

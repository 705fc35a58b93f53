/** Turns a server's error frame into the rejection value of an SDK promise. */
import { StadiumError, isErrorName } from '@stadium/protocol';

/**
 * A {@link StadiumError} for a server error: known names keep the registry's `reason`, and
 * the server's `code` and message text are kept either way. An unknown name (a newer
 * server) becomes reason `INTERNAL_ERROR` with the server's code and `data.name`.
 */
export function serverError(frame: { code: number; name: string; message: string }): StadiumError {
  const error = isErrorName(frame.name) ? new StadiumError(frame.name) : new StadiumError('INTERNAL_ERROR', undefined, { name: frame.name });
  if (typeof frame.message === 'string' && frame.message !== '') error.message = frame.message;
  if (typeof frame.code === 'number' && frame.code !== error.code) {
    Object.defineProperty(error, 'code', { value: frame.code, enumerable: true });
  }
  return error;
}

/** A server answer (not a local network failure or timeout). */
export function isServerRejection(error: unknown): boolean {
  return error instanceof StadiumError && error.reason !== 'SDK_NETWORK_ERROR' && error.reason !== 'SDK_NETWORK_TIMEOUT';
}

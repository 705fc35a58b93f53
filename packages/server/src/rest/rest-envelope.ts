/**
 * The compatible answer envelope: HTTP 200 with `ActionStatus`, `ErrorCode`, `ErrorInfo` and
 * the command's fields at the top level.
 */
import { ERRORS, StadiumError, type ErrorName } from '@stadium/protocol';

/** A successful answer with the command's fields. */
export function okEnvelope(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...fields };
}

/** A failed answer for a registry error. */
export function failEnvelope(name: ErrorName, detail?: string): Record<string, unknown> {
  const error = new StadiumError(name, detail);
  return { ActionStatus: 'FAIL', ErrorCode: ERRORS[name].code, ErrorInfo: error.message };
}

/** A failed answer for a thrown StadiumError. */
export function errorEnvelope(error: StadiumError): Record<string, unknown> {
  return { ActionStatus: 'FAIL', ErrorCode: error.code, ErrorInfo: error.message };
}

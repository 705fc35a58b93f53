/**
 * The reply envelope: how an answer or a refusal crosses between nodes, as plain data any
 * transport can carry (structured clone, JSON). The helpers here are the one place that
 * turns a StadiumError into a refusal and back, and that words "nobody serves".
 */
import { ERRORS, StadiumError, withCode, type ErrorName } from '@stadium/protocol';

/** What a served request comes back as. */
export type BusReply =
  { ok: true; data: unknown } | { ok: false; error: ErrorName; detail?: string; /** Only when not the registry's code (a callback's own refusal code). */ code?: number };

/** A refusal with `error` as its reason. */
export function refusal(error: ErrorName, detail?: string): BusReply {
  return detail === undefined ? { ok: false, error } : { ok: false, error, detail };
}

/** The refusal that carries `error` (its reason and the detail it was made with). */
export function refusalOf(error: StadiumError): BusReply {
  const reply: Extract<BusReply, { ok: false }> = error.detail === undefined ? { ok: false, error: error.reason } : { ok: false, error: error.reason, detail: error.detail };
  if (error.code !== ERRORS[error.reason].code) reply.code = error.code;
  return reply;
}

/** The StadiumError a refusal stands for: same reason, same message. */
export function errorOf(reply: Extract<BusReply, { ok: false }>): StadiumError {
  const error = new StadiumError(reply.error, reply.detail);
  return reply.code === undefined ? error : withCode(error, reply.code);
}

/** The one answer to a request that no node serves. */
export function nobodyServes(subject: string): BusReply {
  return refusal('SERVICE_UNAVAILABLE', `nobody serves ${subject}`);
}

/** The answer to a request whose serving node went away before it answered. */
export function serverDropped(subject: string): BusReply {
  return refusal('SERVICE_UNAVAILABLE', `the node serving ${subject} went away before answering`);
}

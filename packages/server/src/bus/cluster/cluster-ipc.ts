/**
 * Bus messages between the primary process and the workers of a multi-process node
 * (node:cluster IPC with the structured-clone serialization). The primary routes; workers
 * never talk to each other directly.
 */
import type { BusMessage, BusRequest } from '../bus.js';
import type { BusReply } from '../bus-reply.js';

/** Worker → primary. */
export type ToPrimary =
  | { t: 'stadium:sub'; subject: string }
  | { t: 'stadium:unsub'; subject: string }
  | { t: 'stadium:pub'; subject: string; message: BusMessage }
  | { t: 'stadium:serve'; subject: string }
  | { t: 'stadium:unserve'; subject: string }
  /** A request from this worker; `id` is the worker's own. */
  | { t: 'stadium:req'; id: number; subject: string; request: BusRequest }
  /** This worker gave up waiting for its request `id` (it timed out). */
  | { t: 'stadium:cancel'; id: number }
  /** The answer to a request the primary forwarded; `id` is the primary's. */
  | { t: 'stadium:res'; id: number; reply: BusReply }
  /** The worker listens at `url` as node `node`. */
  | { t: 'stadium:ready'; url: string; node: string };

/** Primary → worker. */
export type ToWorker =
  | { t: 'stadium:pub'; subject: string; message: BusMessage }
  /** A request for a subject this worker serves; `id` is the primary's. */
  | { t: 'stadium:req'; id: number; subject: string; request: BusRequest }
  /** The answer to this worker's request `id`. */
  | { t: 'stadium:res'; id: number; reply: BusReply };

/** True for messages of this protocol (other libraries share the IPC channel). */
export function isStadiumIpc(message: unknown): message is ToPrimary | ToWorker {
  return typeof message === 'object' && message !== null && typeof (message as { t?: unknown }).t === 'string' && (message as { t: string }).t.startsWith('stadium:');
}

/**
 * Messages between the primary process and the workers of a multi-process node (node:cluster
 * IPC with the structured-clone serialization). The primary routes; workers never talk to
 * each other directly.
 */
import type { ErrorName } from '@stadium/protocol';
import type { BusMessage, BusRequest } from './bus.js';

/** A reply as it crosses IPC. */
export type BusReply = { ok: true; data: unknown } | { ok: false; error: ErrorName; detail?: string };

/** Worker → primary. */
export type ToPrimary =
  | { t: 'stadium:sub'; subject: string }
  | { t: 'stadium:unsub'; subject: string }
  | { t: 'stadium:pub'; subject: string; message: BusMessage }
  | { t: 'stadium:serve'; subject: string }
  | { t: 'stadium:req'; id: number; subject: string; request: BusRequest }
  | { t: 'stadium:res'; id: number; to: number; reply: BusReply }
  | { t: 'stadium:metrics'; id: number }
  | { t: 'stadium:ready'; url: string; node: string };

/** Primary → worker. */
export type ToWorker =
  | { t: 'stadium:pub'; subject: string; message: BusMessage }
  | { t: 'stadium:req'; id: number; from: number; subject: string; request: BusRequest }
  | { t: 'stadium:res'; id: number; reply: BusReply }
  | { t: 'stadium:metrics'; id: number; text: string };

/** True for messages of this protocol (other libraries share the IPC channel). */
export function isStadiumIpc(message: unknown): message is ToPrimary | ToWorker {
  return typeof message === 'object' && message !== null && typeof (message as { t?: unknown }).t === 'string' && (message as { t: string }).t.startsWith('stadium:');
}

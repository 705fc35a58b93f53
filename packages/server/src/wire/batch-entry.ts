/**
 * Encode-once, part one: each admitted message is serialized exactly once, at its room's
 * authority, to the JSON text every member receives. Batches carry these entries across the
 * bus as plain data; each node frames them once for its own sockets (fanout/ws-frames.ts).
 */
import type { WireMessage } from '@stadium/protocol';
import { priorityRank } from '@stadium/protocol';

/** One message inside a batch. `json` is shared by every recipient on every node. */
export interface BatchEntry {
  readonly seq: number;
  /** 0 High … 3 Lowest. */
  readonly rank: 0 | 1 | 2 | 3;
  readonly json: string;
}

/** Counts encode work, so tests can prove the hot path does none per recipient. */
export const encodeStats = { messagesEncoded: 0, framesBuilt: 0 };

/** Serialize one message (once, at admission). */
export function encodeMessage(message: WireMessage): BatchEntry {
  encodeStats.messagesEncoded++;
  return { seq: message.seq, rank: priorityRank(message.priority), json: JSON.stringify(message) };
}

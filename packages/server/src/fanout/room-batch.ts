/**
 * Encode-once: each admitted message is serialized exactly once (to its JSON text), each
 * batch of a room is framed exactly once (JSON frame + WebSocket header), and that one
 * buffer is written to every member. The only per-recipient work is the socket write.
 */
import * as wsModule from 'ws';
import type { WireMessage } from '@stadium/protocol';
import { priorityRank } from '@stadium/protocol';

/** One message inside a batch. `json` is shared by every recipient. */
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

/** Build the WebSocket frame of a `msgs` frame from already-encoded messages. */
export function buildMessagesFrame(groupId: string, entries: readonly BatchEntry[], lost = 0): Buffer {
  encodeStats.framesBuilt++;
  let text = `{"t":"msgs","g":${JSON.stringify(groupId)},"m":[`;
  for (let i = 0; i < entries.length; i++) {
    if (i > 0) text += ',';
    text += entries[i]!.json;
  }
  text += lost > 0 ? `],"lost":${lost}}` : ']}';
  return wsTextFrame(text);
}

/** ws's framer (`Sender.frame`, exported by ws but not declared by @types/ws). */
const Sender = (wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;

/** Build the WebSocket frame of a `counters` frame. */
export function buildCountersFrame(groupId: string, counters: Record<string, number>): Buffer {
  encodeStats.framesBuilt++;
  return wsTextFrame(JSON.stringify({ t: 'counters', g: groupId, c: counters }));
}

/** Frame `text` as one unmasked WebSocket text frame (server → client). */
export function wsTextFrame(text: string): Buffer {
  const parts = Sender.frame(Buffer.from(text), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false });
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * Encode-once, part two: each node frames a room's batch exactly once (JSON frame + WebSocket
 * header) from the entries encoded at the authority, and writes that one buffer to every local
 * member. The only per-recipient work is the socket write.
 */
import type { PinnedMessage } from '@stadium/protocol';
import * as wsModule from 'ws';
import { encodeStats, type BatchEntry } from '../wire/batch-entry.js';

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

/** Build the WebSocket frame of an `attrs` frame. */
export function buildAttributesFrame(groupId: string, attributes: Record<string, string>, version: number): Buffer {
  encodeStats.framesBuilt++;
  return wsTextFrame(JSON.stringify({ t: 'attrs', g: groupId, a: attributes, v: version }));
}

/** Build the WebSocket frame of a `pins` frame. */
export function buildPinsFrame(groupId: string, pins: readonly PinnedMessage[], operation: 1 | 2, seq: number): Buffer {
  encodeStats.framesBuilt++;
  return wsTextFrame(JSON.stringify({ t: 'pins', g: groupId, p: pins, o: operation, s: seq }));
}

/** Frame `text` as one unmasked WebSocket text frame (server → client). */
export function wsTextFrame(text: string): Buffer {
  const parts = Sender.frame(Buffer.from(text), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false });
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * What NatsBuses say to each other over NATS: the subjects (every Bus subject under one
 * prefix, plus a few of the buses' own) and the JSON envelopes of requests, replies and
 * presence. Plain data only: the port's messages are plain data already.
 */
import type { BusMessage, BusRequest } from '../bus.js';
import type { BusReply } from '../bus-reply.js';

/** NATS subject of a Bus subject. Tokens NATS would not take are carried base64url-encoded. */
export function natsSubject(prefix: string, subject: string): string {
  return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(subject) ? `${prefix}.${subject}` : `${prefix}._x.${Buffer.from(subject).toString('base64url') || '_'}`;
}

/** Where bus `busId` receives the replies to its requests (`.<request id>` appended). */
export function replySubject(prefix: string, busId: string): string {
  return `${prefix}._r.${busId}`;
}

/** Bus `busId`'s own subject: liveness pings and answers to its hello. */
export function presenceSubject(prefix: string, busId: string): string {
  return `${prefix}._bus.${busId}`;
}

/** Where every bus says hello (on connect and after each reconnect) and goodbye. */
export function helloSubject(prefix: string): string {
  return `${prefix}._hello`;
}

/** A bus introducing itself. `again`: it reconnected, and what was sent meanwhile it missed. */
export interface Hello {
  t: 'hello' | 'bye';
  bus: string;
  node?: string;
  again?: boolean;
}

/** What comes back on a reply subject: the serving bus took the request, or its answer. */
export type ReplyEnvelope = { t: 'ack'; bus: string } | { t: 'res'; reply: BusReply };

/** A request on the wire. */
export interface RequestEnvelope {
  request: BusRequest;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON bytes of `value`. */
export function encode(value: BusMessage | RequestEnvelope | ReplyEnvelope | Hello): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** The value of JSON bytes, or undefined when they are not JSON. */
export function decode<T>(data: Uint8Array): T | undefined {
  try {
    return JSON.parse(decoder.decode(data)) as T;
  } catch {
    return undefined;
  }
}

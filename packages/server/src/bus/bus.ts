/**
 * The Bus port: how room traffic moves between the processes and nodes of one Stadium
 * deployment. Two patterns:
 * - publish / subscribe on a room's subject: a room's authority publishes each admitted
 *   batch once; every node with local members of the room subscribes and fans it out to its
 *   own sockets;
 * - request / reply on a node's subject: any node asks a room's authority to submit a
 *   message, count members, resume, change settings or dismiss.
 * Everything on the bus is plain data (discriminated unions, handled exhaustively), so an
 * adapter can pass it in-process untouched or encode it once for IPC or NATS — never once
 * per recipient.
 */
import type { CountersRequest, ErrorName, RoomSettings } from '@stadium/protocol';
import type { BatchEntry } from '../fanout/room-batch.js';
import type { UnsequencedMessage } from '../messages/room-sequencer.js';
import type { GroupRecord } from '../storage/store.js';

/** Published traffic. */
export type BusMessage =
  | {
      kind: 'batch';
      sdkAppId: number;
      groupId: string;
      /** The `msgs` frame, WebSocket-framed, ready to write to any member's socket. */
      wsFrame: Uint8Array;
      /** The messages in the frame, for members that are backlogged (slow path). */
      entries: readonly BatchEntry[];
    }
  | {
      kind: 'counters';
      sdkAppId: number;
      groupId: string;
      /** The `counters` frame, WebSocket-framed. */
      wsFrame: Uint8Array;
    }
  | { kind: 'room-updated'; sdkAppId: number; groupId: string; record: GroupRecord }
  | { kind: 'room-closed'; sdkAppId: number; groupId: string }
  /**
   * `node`'s member counts are void: it (re)started or died. Authorities forget its counts;
   * nodes with members of rooms whose authority it is report them again.
   */
  | { kind: 'node-reset'; node: string };

/** Requests to a room's authority. Every one names the room. */
export type BusRequest = { sdkAppId: number; groupId: string } & (
  | { kind: 'submit'; message: UnsequencedMessage }
  | {
      kind: 'members';
      /** The reporting node and how many members of the room it holds now. */
      node: string;
      count: number;
      /** Resume: send back the messages after this sequence number still held. */
      sinceSeq?: number;
      /** A join / quit tip to publish after the count is updated (its memberNum is filled in). */
      tip?: UnsequencedMessage;
    }
  | { kind: 'info' }
  | { kind: 'counters'; request: CountersRequest }
  | { kind: 'settings'; settings: Partial<RoomSettings> }
  | { kind: 'dismiss'; operatorId: string }
);

/** Replies from a room's authority. */
export type BusReply =
  | {
      ok: true;
      /** `submit`: the message's sequence number and server time (s). */
      seq?: number;
      time?: number;
      /** `submit`: accepted, but sampled away by the room's downstream cap (seq is 0). */
      sampled?: true;
      /** `counters`: the counters asked for or changed. */
      counters?: Record<string, number>;
      /** Members online in the room on all nodes. */
      memberCount?: number;
      /** Newest sequence number published (0 if none). */
      lastSeq?: number;
      /** `members` with `sinceSeq`: what was missed, and whether all of it was still held. */
      entries?: BatchEntry[];
      complete?: boolean;
      /** `settings`: the settings in force. */
      settings?: RoomSettings;
    }
  | { ok: false; error: ErrorName; detail?: string };

/** Unsubscribes when called. */
export type Unsubscribe = () => void;

/** The bus port. */
export interface Bus {
  /** Deliver `message` to every subscriber of `subject` (on every node). */
  publish(subject: string, message: BusMessage): void;
  /** Receive messages published to `subject`. */
  subscribe(subject: string, handler: (message: BusMessage) => void): Unsubscribe;
  /** Ask whoever serves `subject`; rejects if nobody does or it does not answer in time. */
  request(subject: string, request: BusRequest): Promise<BusReply>;
  /** Answer requests sent to `subject`. */
  serve(subject: string, handler: (request: BusRequest) => Promise<BusReply>): Unsubscribe;
  close(): Promise<void>;
}

/** Subject of a room's traffic. */
export function roomSubject(sdkAppId: number, groupId: string): string {
  return `room.${sdkAppId}.${Buffer.from(groupId).toString('base64url')}`;
}

/** Subject a node's room authorities answer on. */
export function authoritySubject(node: string): string {
  return `authority.${node}`;
}

/** Subject of deployment-wide events (app changes, node restarts). */
export const CONTROL_SUBJECT = 'control';

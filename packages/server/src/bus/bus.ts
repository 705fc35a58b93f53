/**
 * The Bus port: how room traffic moves between the nodes of one Stadium deployment. It
 * depends on nothing above it: its messages are the plain-data types of `wire/` and `core/`.
 *
 * - publish / subscribe on a subject: a room's authority publishes each admitted batch once,
 *   as message data; every node with local members of the room subscribes and frames the
 *   batch once for its own sockets;
 * - request / reply on a subject: any node asks a room's authority (a typed
 *   {@link AuthorityRequest}); the answer is the result, or the authority's refusal as the
 *   same StadiumError.
 *
 * One meaning everywhere (see bus-base.ts): a request nobody serves rejects with
 * `StadiumError('SERVICE_UNAVAILABLE')`, one not answered in time with `OVERLOADED`.
 */
import type { PinnedMessage } from '@stadium/protocol';
import type { ActorStamp } from '../core/actor.js';
import type { GroupRecord } from '../core/records.js';
import type { AuthorityRequest } from '../wire/authority-commands.js';
import type { BatchEntry } from '../wire/batch-entry.js';
import type { NodeRequest } from '../wire/node-commands.js';

/** Published traffic. */
export type BusMessage =
  /** Messages of a room, numbered and encoded once at its authority, in sequence order. */
  | {
      kind: 'batch';
      sdkAppId: number;
      groupId: string;
      entries: readonly BatchEntry[];
      /** When the authority published it (ms on its clock), for the fan-out latency histogram. */
      at?: number;
    }
  /** Every counter of a room, as totals. */
  | { kind: 'counters'; sdkAppId: number; groupId: string; counters: Record<string, number> }
  /** Every attribute of a room and their version, after a write. */
  | { kind: 'attributes'; sdkAppId: number; groupId: string; attributes: Record<string, string>; version: number }
  /** Every pin of a room after a change: `operation` 1 pinned, 2 unpinned (or lapsed) message `seq`. */
  | { kind: 'pins'; sdkAppId: number; groupId: string; pins: PinnedMessage[]; operation: 1 | 2; seq: number }
  | { kind: 'room-updated'; sdkAppId: number; groupId: string; record: GroupRecord }
  | { kind: 'room-closed'; sdkAppId: number; groupId: string }
  /** Messages of a room for some of its members only (seq 0: outside the room's numbering). */
  | { kind: 'direct'; sdkAppId: number; groupId: string; userIds: readonly string[]; entries: readonly BatchEntry[] }
  /**
   * A one-to-one message for every connection of `userIds` in the app (REST `openim/sendmsg`),
   * as the text of the whole `c2c` frame, encoded once where it was sent.
   */
  | { kind: 'user-message'; sdkAppId: number; userIds: readonly string[]; frame: string }
  /** End every session of `userId` in the app (REST `im_open_login_svc/kick`). */
  | { kind: 'user-kick'; sdkAppId: number; userId: string }
  /**
   * Members removed from a room (banned): each node delivers `entries` (the ban notice, seq 0)
   * to the named users' connections, then removes those connections from the room.
   * `operator` (who banned them) is named in their after-exit callbacks.
   */
  | { kind: 'members-removed'; sdkAppId: number; groupId: string; userIds: readonly string[]; entries: readonly BatchEntry[]; operator?: ActorStamp }
  /**
   * `node`'s member counts are void: it (re)started or died. Authorities forget its counts;
   * nodes with members of rooms whose authority it is report them again. `reconnected`: it is
   * still there, but its connection or this node's dropped and came back, so the room traffic
   * it published meanwhile may not have reached this node (groups/room-resync.ts catches up).
   */
  | { kind: 'node-reset'; node: string; reconnected?: true };

/** What a request handler receives: a command for a room's authority, or for a node about its local members. */
export type BusRequest = AuthorityRequest | NodeRequest;

/** Unsubscribes when called. */
export type Unsubscribe = () => void;

/** Options of one request. */
export interface RequestOptions {
  /** Reject with OVERLOADED after this long without an answer. @default the bus's requestTimeoutMs */
  timeoutMs?: number;
}

/** The bus port. */
export interface Bus {
  /** Deliver `message` to every subscriber of `subject` on every node, in publish order per subject. */
  publish(subject: string, message: BusMessage): void;
  /** Receive messages published to `subject`. */
  subscribe(subject: string, handler: (message: BusMessage) => void): Unsubscribe;
  /**
   * Ask whoever serves `subject`. Resolves with the handler's result; rejects with the
   * handler's StadiumError, SERVICE_UNAVAILABLE when nobody serves `subject`, OVERLOADED when
   * no answer comes in time.
   */
  request(subject: string, request: BusRequest, options?: RequestOptions): Promise<unknown>;
  /** Answer requests sent to `subject`; a handler refuses by throwing a StadiumError. */
  serve(subject: string, handler: (request: BusRequest) => Promise<unknown>): Unsubscribe;
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

/** Subject a node answers on about its own members of rooms (wire/node-commands.ts). */
export function nodeSubject(node: string): string {
  return `node.${node}`;
}

/** Subject of traffic for users rather than rooms (one-to-one messages, kicks); every node subscribes. */
export const USERS_SUBJECT = 'users';

/** Subject of deployment-wide events (node restarts). */
export const CONTROL_SUBJECT = 'control';

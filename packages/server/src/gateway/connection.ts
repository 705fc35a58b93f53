/**
 * One client WebSocket. Its idle state is a handful of fields; the backlog and the room map
 * exist only while needed. Room batches arrive through {@link Connection.deliver}, which
 * writes the shared frame straight to the socket while the socket keeps up and holds the
 * messages in a bounded {@link Backlog} when it does not.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { ERRORS, type ErrorName, type ServerFrame } from '@stadium/protocol';
import type { AppRecord } from '../core/records.js';
import { Backlog } from '../fanout/backlog.js';
import type { BatchEntry } from '../wire/batch-entry.js';
import { buildMessagesFrame } from '../fanout/ws-frames.js';
import type { Recipient } from '../fanout/recipient.js';
import type { MemberHandle } from '../groups/member.js';
import type { Room } from '../groups/room.js';

/** Limits a connection enforces on its own delivery. */
export interface DeliveryPolicy {
  socketHighWaterBytes: number;
  maxPendingBytes: number;
  slowConsumerTimeoutMs: number;
  now(): number;
  /** Told about every backlog drop (for metrics) and when the connection must be closed. */
  onDropped(dropped: readonly [number, number, number, number]): void;
  onSlow(connection: Connection): void;
}

/** A client connection. */
export class Connection implements Recipient, MemberHandle {
  readonly id: number;
  readonly ws: WebSocket;
  readonly socket: Socket;
  readonly app: AppRecord;
  readonly platform: string;
  /** The client's address, read once at connect (it is gone once the socket closes). */
  readonly clientIp: string;
  readonly #policy: DeliveryPolicy;
  /** Logged-in user, or null for a guest. */
  userId: string | null = null;
  nick = '';
  avatar = '';
  /** When the login's userSig expires (ms), 0 for guests. */
  sigExpiresAt = 0;
  /**
   * Rooms joined on this connection: null, the one room (the common case, no allocation), or
   * a map by groupID when there are several.
   */
  #rooms: Room | Map<string, Room> | null = null;
  lastSeenAt: number;
  badFrames = 0;
  badFramesSince = 0;
  closing = false;
  /** Why the server closed the connection, if it did. */
  closedFor: ErrorName | null = null;
  #backlog: Backlog | null = null;
  #draining = false;

  constructor(id: number, ws: WebSocket, socket: Socket, app: AppRecord, platform: string, policy: DeliveryPolicy) {
    this.id = id;
    this.ws = ws;
    this.socket = socket;
    this.app = app;
    this.platform = platform;
    this.clientIp = socket.remoteAddress ?? '';
    this.#policy = policy;
    this.lastSeenAt = policy.now();
  }

  /** The joined room with this groupID, if any. */
  joined(groupId: string): Room | undefined {
    const r = this.#rooms;
    if (r === null) return undefined;
    if (r instanceof Map) return r.get(groupId);
    return r.groupId === groupId ? r : undefined;
  }

  /** How many rooms are joined. */
  get roomCount(): number {
    const r = this.#rooms;
    return r === null ? 0 : r instanceof Map ? r.size : 1;
  }

  /** Every joined room. */
  joinedRooms(): Room[] {
    const r = this.#rooms;
    return r === null ? [] : r instanceof Map ? [...r.values()] : [r];
  }

  /** Note that the connection joined `room`. */
  addRoom(room: Room): void {
    const r = this.#rooms;
    if (r === null) this.#rooms = room;
    else if (r instanceof Map) r.set(room.groupId, room);
    else if (r.groupId !== room.groupId)
      this.#rooms = new Map([
        [r.groupId, r],
        [room.groupId, room],
      ]);
    else this.#rooms = room;
  }

  /** Note that the connection left the room with this groupID. */
  removeRoom(groupId: string): void {
    const r = this.#rooms;
    if (r === null) return;
    if (!(r instanceof Map)) {
      if (r.groupId === groupId) this.#rooms = null;
      return;
    }
    r.delete(groupId);
    if (r.size === 1) this.#rooms = r.values().next().value!;
  }

  /** Whether the user is the app's admin account. */
  get isAdmin(): boolean {
    return this.userId !== null && this.userId === this.app.adminUserId;
  }

  /** Bytes held for this connection beyond the socket buffer. */
  get backlogBytes(): number {
    return this.#backlog?.bytes ?? 0;
  }

  /** Since when the connection has been backlogged (0 if it is not). */
  get slowSince(): number {
    return this.#backlog?.since ?? 0;
  }

  /** Send one frame now (responses, pongs). */
  send(frame: ServerFrame): void {
    if (this.closing) return;
    this.ws.send(JSON.stringify(frame));
  }

  /** Answer request `id` with a registry error. */
  sendError(id: number, name: ErrorName, message: string, code: number = ERRORS[name].code): void {
    this.send({ t: 'res', id, code, name, message });
  }

  deliver(groupId: string, wsFrame: Uint8Array, entries: readonly BatchEntry[]): void {
    if (this.closing) return;
    if (this.#backlog === null && this.socket.writableLength < this.#policy.socketHighWaterBytes) {
      this.socket.write(wsFrame);
      return;
    }
    this.#hold(groupId, entries);
  }

  /** Deliver messages meant for this connection only (resume after a reconnect), in order with live traffic. */
  deliverOwn(groupId: string, entries: readonly BatchEntry[]): void {
    if (entries.length === 0 || this.closing) return;
    if (this.#backlog === null && this.socket.writableLength < this.#policy.socketHighWaterBytes) {
      this.socket.write(buildMessagesFrame(groupId, entries));
      return;
    }
    this.#hold(groupId, entries);
  }

  /** Close with the registry error's close code and message as the reason. */
  closeWith(name: ErrorName): void {
    if (this.closing) return;
    this.closing = true;
    this.closedFor = name;
    const spec = ERRORS[name];
    const reason = Buffer.byteLength(spec.message) > 120 ? name : spec.message;
    this.ws.close('close' in spec ? spec.close : 1000, reason);
    this.#backlog = null;
  }

  #hold(groupId: string, entries: readonly BatchEntry[]): void {
    const policy = this.#policy;
    if (this.#backlog === null) this.#backlog = new Backlog(policy.now());
    const result = this.#backlog.push(groupId, entries, policy.maxPendingBytes);
    if (result.dropped[1] + result.dropped[2] + result.dropped[3] > 0) policy.onDropped(result.dropped);
    if (result.overflow || policy.now() - this.#backlog.since > policy.slowConsumerTimeoutMs) {
      policy.onSlow(this);
      return;
    }
    if (!this.#draining) {
      this.#draining = true;
      this.socket.once('drain', () => this.#onDrain());
    }
  }

  #onDrain(): void {
    this.#draining = false;
    const backlog = this.#backlog;
    if (backlog === null || this.closing) return;
    this.#backlog = null;
    for (const frame of backlog.takeFrames()) this.socket.write(frame);
  }
}

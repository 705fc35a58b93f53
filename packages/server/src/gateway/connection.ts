/**
 * One client WebSocket. Its idle state is a handful of fields; the backlog and the room map
 * exist only while needed. Room batches arrive through {@link Connection.deliver}, which
 * writes the shared frame straight to the socket while the socket keeps up and holds the
 * messages in a bounded {@link Backlog} when it does not.
 *
 * Everything queued for the client counts against one budget, `maxPendingBytes`: the socket
 * buffer (responses, pushes, `pong`, `err`, frames written) plus the held messages. Once the
 * socket buffer reaches `socketHighWaterBytes` the connection is *behind*: the server stops
 * reading its frames (backpressure, so a client that does not read cannot make the server
 * work) and holds room messages, and it resumes once the socket drains below half the mark.
 * A connection behind for longer than `slowConsumerTimeoutMs`, or over its budget with
 * nothing left to drop, is closed as a slow consumer.
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
import type { RequestBudget } from './request-budget.js';
import type { FrameRate } from './frame-rate.js';

/** Limits a connection enforces on its own delivery. */
export interface DeliveryPolicy {
  /** Socket buffer at which the connection is behind: reading stops, room messages are held. */
  socketHighWaterBytes: number;
  /** Everything queued for the connection (socket buffer + held messages) may not pass this. */
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
  /** The client's address, read once at connect (it is gone once the socket closes); see `client-ip.ts`. */
  readonly clientIp: string;
  /** The connection's frame bucket (set by the gateway; null when frames are not counted). */
  readonly frames: FrameRate | null;
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
  /** Since when the connection is behind (reading paused), 0 while it keeps up. */
  #behindSince = 0;
  /** The connection's request budget (set by the gateway). */
  readonly budget: RequestBudget;

  constructor(
    id: number,
    ws: WebSocket,
    socket: Socket,
    app: AppRecord,
    platform: string,
    policy: DeliveryPolicy,
    budget: RequestBudget,
    clientIp: string = socket.remoteAddress ?? '',
    frames: FrameRate | null = null,
  ) {
    this.id = id;
    this.budget = budget;
    this.ws = ws;
    this.socket = socket;
    this.app = app;
    this.platform = platform;
    this.clientIp = clientIp;
    this.frames = frames;
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

  /** Everything queued for this connection: the socket buffer and the held messages. */
  get outboundBytes(): number {
    return this.socket.writableLength + (this.#backlog?.bytes ?? 0);
  }

  /** Since when the connection has been behind (0 if it keeps up). */
  get slowSince(): number {
    return this.#behindSince;
  }

  /** Send one frame now (responses, pongs, errors); it counts against the connection's budget. */
  send(frame: ServerFrame): void {
    if (this.closing) return;
    const wasBehind = this.#behindSince !== 0;
    this.ws.send(JSON.stringify(frame));
    this.#afterWrite(wasBehind);
  }

  /**
   * Send a frame already encoded as JSON text (shared by every connection it goes to): a
   * one-to-one message. Like {@link send}, it counts against the connection's one budget, so a
   * stalled connection is closed as a slow consumer (4008) instead of growing without bound.
   */
  sendText(text: string): void {
    if (this.closing) return;
    const wasBehind = this.#behindSince !== 0;
    this.ws.send(text);
    this.#afterWrite(wasBehind);
  }

  /** Answer request `id` with a registry error. */
  sendError(id: number, name: ErrorName, message: string, code: number = ERRORS[name].code): void {
    this.send({ t: 'res', id, code, name, message });
  }

  deliver(groupId: string, wsFrame: Uint8Array, entries: readonly BatchEntry[]): void {
    if (this.closing) return;
    if (this.#backlog === null && this.socket.writableLength < this.#policy.socketHighWaterBytes) {
      this.socket.write(wsFrame);
      this.#afterWrite(false);
      return;
    }
    this.#hold(groupId, entries);
  }

  /** Deliver messages meant for this connection only (resume after a reconnect), in order with live traffic. */
  deliverOwn(groupId: string, entries: readonly BatchEntry[]): void {
    if (entries.length === 0 || this.closing) return;
    if (this.#backlog === null && this.socket.writableLength < this.#policy.socketHighWaterBytes) {
      this.socket.write(buildMessagesFrame(groupId, entries));
      this.#afterWrite(false);
      return;
    }
    this.#hold(groupId, entries);
  }

  /**
   * Close with the registry error's close code and message as the reason. Unless the close
   * has a frame of its own (`kick` before KICKED) or is a planned restart (GOING_AWAY), an
   * `err` frame with the error goes first, so the client learns why (if it still reads);
   * `retryAfterMs` rides on it (the drain's suggested reconnect delay).
   */
  closeWith(name: ErrorName, detail?: string, retryAfterMs?: number): void {
    if (this.closing) return;
    this.closing = true;
    this.closedFor = name;
    const spec = ERRORS[name];
    if (name !== 'KICKED' && name !== 'SERVER_SHUTTING_DOWN') {
      const message = detail ? `${detail}: ${spec.message}` : spec.message;
      this.ws.send(JSON.stringify(retryAfterMs === undefined ? { t: 'err', code: spec.code, name, message } : { t: 'err', code: spec.code, name, message, retryAfterMs }));
    }
    const reason = Buffer.byteLength(spec.message) > 120 ? name : spec.message;
    this.ws.close('close' in spec ? spec.close : 1000, reason);
    this.#backlog = null;
  }

  /** After a write: fall behind at the high-water mark; a connection that was already behind must stay within its budget. */
  #afterWrite(wasBehind: boolean): void {
    if (this.socket.writableLength < this.#policy.socketHighWaterBytes) return;
    this.#fallBehind();
    if (!wasBehind) return;
    const policy = this.#policy;
    const room = policy.maxPendingBytes - this.socket.writableLength;
    if (this.#backlog !== null) this.#report(this.#backlog.trim(room).dropped);
    if (this.outboundBytes > policy.maxPendingBytes || policy.now() - this.#behindSince > policy.slowConsumerTimeoutMs) policy.onSlow(this);
  }

  /** Stop reading the client's frames until the socket drains. */
  #fallBehind(): void {
    if (this.#behindSince === 0) {
      this.#behindSince = this.#policy.now() || 1;
      this.ws.pause();
    }
    if (!this.#draining) {
      this.#draining = true;
      this.socket.once('drain', () => this.#onDrain());
    }
  }

  #hold(groupId: string, entries: readonly BatchEntry[]): void {
    const policy = this.#policy;
    this.#fallBehind();
    if (this.#backlog === null) this.#backlog = new Backlog(policy.now());
    const result = this.#backlog.push(groupId, entries, policy.maxPendingBytes - this.socket.writableLength);
    this.#report(result.dropped);
    if (result.overflow || policy.now() - this.#behindSince > policy.slowConsumerTimeoutMs) policy.onSlow(this);
  }

  #report(dropped: readonly [number, number, number, number]): void {
    if (dropped[1] + dropped[2] + dropped[3] > 0) this.#policy.onDropped(dropped);
  }

  #onDrain(): void {
    this.#draining = false;
    if (this.closing) return;
    const backlog = this.#backlog;
    this.#backlog = null;
    if (backlog !== null) for (const frame of backlog.takeFrames()) this.socket.write(frame);
    // Below half the mark (or below the socket's own mark, after which no 'drain' would come): read again.
    if (this.socket.writableLength < this.#policy.socketHighWaterBytes / 2 || !this.socket.writableNeedDrain) {
      this.#behindSince = 0;
      this.ws.resume();
    } else {
      this.#draining = true;
      this.socket.once('drain', () => this.#onDrain());
    }
  }
}

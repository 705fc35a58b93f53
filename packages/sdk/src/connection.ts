/**
 * One WebSocket to the server as an explicit state machine:
 *
 *   disconnected ──open()──▶ connecting ──hello + session restored──▶ connected
 *        ▲                        │                                      │
 *        └──── close() / close code that must not reconnect ◀────────────┘
 *        └──── unexpected close ──▶ disconnected ──backoff (full jitter)──▶ connecting …
 *
 * It correlates requests with responses (`id`), times them out, queues requests (bounded)
 * while the socket is down, sends heartbeats, notices a dead server, and reconnects. After
 * each `hello` it lets the owner restore the session (login, rejoin) before queued requests go
 * out, so they run in the restored session.
 *
 * With several server URLs it moves to the next one when the node drains (close 4012), goes
 * away, stops answering, or cannot be reached. A delay the server suggests (`retryAfterMs` of
 * a `SERVER_DRAINING` `err`, or `Retry-After` of a refused handshake) is a floor under the
 * full-jitter backoff, itself spread over one more such delay.
 */
import {
  CLOSE_CODES,
  StadiumError,
  shouldReconnect,
  type CommandName,
  type Commands,
  type ErrorFrame,
  type ErrorName,
  type KickFrame,
  type C2CFrame,
  type CountersFrame,
  type AttributesFrame,
  type PinsFrame,
  type MessagesFrame,
  type ServerFrame,
} from '@stadium/protocol';
import { Backoff } from './backoff.js';
import type { Logger } from './logger.js';
import { serverError } from './server-error.js';
import type { WebSocketConstructor, WebSocketLike } from './transport/websocket-like.js';

/** Connection state, with the values of `TIM.TYPES.NET_STATE_*`. */
export type NetState = 'disconnected' | 'connecting' | 'connected';

/** Sends one command and resolves with its result. */
export type Requester = <C extends CommandName>(cmd: C, body: Commands[C]['req']) => Promise<Commands[C]['res']>;

/** Pushed frames the connection hands to its owner. */
export type PushFrame = MessagesFrame | C2CFrame | CountersFrame | AttributesFrame | PinsFrame | ErrorFrame | KickFrame;

/** What the connection tells its owner. */
export interface ConnectionHandlers {
  /** The state changed. */
  stateChanged(state: NetState): void;
  /**
   * A `hello` arrived. Restore the session with `request` (it bypasses the queue); queued
   * requests wait until the returned promise settles. `reconnect` is false for the first
   * connection after `open()`.
   */
  sessionStart(request: Requester, reconnect: boolean): Promise<void>;
  /** A `msgs`, `err` or `kick` frame arrived. */
  push(frame: PushFrame): void;
  /** The connection ended without `close()` and will not reconnect (kicked, unknown app, …). */
  ended(code: number, reason: string): void;
}

/** Settings of a {@link Connection}. */
export interface ConnectionOptions {
  /** WebSocket URLs of the servers, already resolved (at least one); tried in turn. */
  urls: readonly string[];
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  requestTimeoutMs: number;
  maxQueuedRequests: number;
}

/** The environment of a {@link Connection}. */
export interface ConnectionDeps {
  WebSocket: WebSocketConstructor;
  logger: Logger;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** [0, 1). */
  random: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

interface PendingRequest {
  cmd: CommandName;
  body: unknown;
  resolve: (data: unknown) => void;
  reject: (error: StadiumError) => void;
  timer: unknown;
}

/** Heartbeat timeout as a multiple of the server's `heartbeatMs`. */
const DEAD_AFTER_HEARTBEATS = 2.5;

/** A WebSocket to the server with reconnects. See the module comment for the state machine. */
export class Connection {
  private state: NetState = 'disconnected';
  private socket: WebSocketLike | null = null;
  /** The owner wants a connection (set by `open`, cleared by `close` and final closes). */
  private wanted = false;
  /** A session was set up on an earlier socket since `open()` (so the next one is a reconnect). */
  private hadSession = false;
  private kicked = false;
  private nextId = 1;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly queue: PendingRequest[] = [];
  private readonly backoff: Backoff;
  private reconnectTimer: unknown = null;
  private connectTimer: unknown = null;
  private heartbeatTimer: unknown = null;
  private heartbeatMs = 0;
  private lastFrameAt = 0;
  /** Index in `options.urls` of the server used now. */
  private urlIndex = 0;
  /** The delay the server asked for before the next attempt (drain, refused handshake), ms. */
  private suggestedDelayMs = 0;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly deps: ConnectionDeps,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.backoff = new Backoff(options.reconnectBaseMs, options.reconnectMaxMs, deps.random);
  }

  /** The WebSocket URL in use (or to be tried next). */
  get currentUrl(): string {
    return this.options.urls[this.urlIndex]!;
  }

  /** Current state. */
  getState(): NetState {
    return this.state;
  }

  /** Start connecting unless connected, connecting or waiting to reconnect. */
  open(): void {
    this.wanted = true;
    if (this.state !== 'disconnected' || this.reconnectTimer !== null) return;
    this.hadSession = false;
    this.kicked = false;
    this.backoff.reset();
    this.connectNow();
  }

  /**
   * Send a command. Connected: at once. Otherwise it waits in the queue (opening the
   * connection if needed) and fails with 2800 when the queue is full, 2801 on timeout.
   */
  request<C extends CommandName>(cmd: C, body: Commands[C]['req']): Promise<Commands[C]['res']> {
    return new Promise<Commands[C]['res']>((resolve, reject) => {
      const entry = this.makeEntry(cmd, body, resolve as (data: unknown) => void, reject);
      if (this.state === 'connected') {
        this.transmit(entry);
        return;
      }
      if (this.queue.length >= this.options.maxQueuedRequests) {
        this.settle(entry, new StadiumError('SDK_NETWORK_ERROR', 'Too many requests wait for the connection'));
        return;
      }
      this.queue.push(entry);
      this.open();
    });
  }

  /**
   * Close on purpose: no reconnect; in-flight and queued requests fail with `reason`
   * (2800 by default, 2905 on destroy). A later `open()` or `request()` connects again.
   */
  close(reason: ErrorName = 'SDK_NETWORK_ERROR'): void {
    this.wanted = false;
    this.clearTimer('reconnectTimer');
    const socket = this.socket;
    this.teardownSocket();
    if (socket) closeQuietly(socket, CLOSE_CODES.NORMAL, 'client close');
    this.failAll(reason, true);
    this.setState('disconnected');
  }

  private makeEntry(cmd: CommandName, body: unknown, resolve: (data: unknown) => void, reject: (error: StadiumError) => void): PendingRequest {
    const entry: PendingRequest = { cmd, body, resolve, reject, timer: null };
    entry.timer = this.deps.setTimeout(() => {
      entry.timer = null;
      const queued = this.queue.indexOf(entry);
      if (queued >= 0) this.queue.splice(queued, 1);
      for (const [id, p] of this.pending) if (p === entry) this.pending.delete(id);
      reject(new StadiumError('SDK_NETWORK_TIMEOUT', `${cmd} got no answer within ${this.options.requestTimeoutMs} ms`));
    }, this.options.requestTimeoutMs);
    return entry;
  }

  private settle(entry: PendingRequest, error: StadiumError | null, data?: unknown): void {
    if (entry.timer !== null) this.deps.clearTimeout(entry.timer);
    entry.timer = null;
    if (error) entry.reject(error);
    else entry.resolve(data);
  }

  private transmit(entry: PendingRequest): void {
    const socket = this.socket;
    if (!socket) {
      this.settle(entry, new StadiumError('SDK_NETWORK_ERROR'));
      return;
    }
    const id = this.nextId++;
    this.pending.set(id, entry);
    try {
      socket.send(JSON.stringify({ t: 'req', id, cmd: entry.cmd, body: entry.body }));
    } catch (error) {
      this.pending.delete(id);
      this.deps.logger.warn(`send of ${entry.cmd} failed`, error);
      this.settle(entry, new StadiumError('SDK_NETWORK_ERROR'));
    }
  }

  /** The requester handed to `sessionStart`: sends on the current socket, bypassing the queue. */
  private readonly sessionRequest: Requester = (cmd, body) =>
    new Promise((resolve, reject) => {
      const entry = this.makeEntry(cmd, body, resolve as (data: unknown) => void, reject);
      this.transmit(entry);
    });

  private connectNow(): void {
    this.setState('connecting');
    let socket: WebSocketLike;
    try {
      socket = new this.deps.WebSocket(this.currentUrl);
    } catch (error) {
      this.deps.logger.error('cannot create a WebSocket', error);
      this.lost(CLOSE_CODES.INTERNAL_ERROR, 'cannot create a WebSocket');
      return;
    }
    this.socket = socket;
    this.connectTimer = this.deps.setTimeout(() => {
      this.connectTimer = null;
      this.deps.logger.warn('no hello from the server in time; retrying');
      this.drop(CLOSE_CODES.HEARTBEAT_TIMEOUT, 'connect timeout');
    }, this.options.requestTimeoutMs);
    socket.onopen = () => {
      this.lastFrameAt = this.deps.now();
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.onFrame(event.data);
    };
    socket.onerror = (event) => {
      if (this.socket === socket) this.deps.logger.debug('socket error', describeError(event));
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      const retryAfterMs = socket.handshakeRetryAfterMs;
      if (typeof retryAfterMs === 'number' && retryAfterMs > 0) this.suggestedDelayMs = Math.max(this.suggestedDelayMs, retryAfterMs);
      this.lost(event.code, event.reason);
    };
  }

  private onFrame(data: unknown): void {
    this.lastFrameAt = this.deps.now();
    let frame: ServerFrame;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data)) as ServerFrame;
    } catch {
      this.deps.logger.warn('ignoring a frame that is not JSON');
      return;
    }
    switch (frame.t) {
      case 'hello':
        this.onHello(frame.heartbeatMs);
        return;
      case 'res': {
        const entry = this.pending.get(frame.id);
        if (!entry) return;
        this.pending.delete(frame.id);
        if (frame.code === 0 && 'data' in frame) this.settle(entry, null, frame.data);
        else this.settle(entry, serverError(frame as { code: number; name: string; message: string }));
        return;
      }
      case 'kick':
        this.kicked = true;
        this.handlers.push(frame);
        return;
      case 'msgs':
      case 'c2c':
      case 'counters':
      case 'attrs':
      case 'pins':
        this.handlers.push(frame);
        return;
      case 'err':
        if (frame.name === 'SERVER_DRAINING' && typeof frame.retryAfterMs === 'number' && Number.isFinite(frame.retryAfterMs) && frame.retryAfterMs > 0) {
          // At most an hour, whatever the server says.
          this.suggestedDelayMs = Math.min(frame.retryAfterMs, 3_600_000);
        }
        // A drain is routine (a rolling restart): the SDK moves on by itself, the app is not told of an error.
        if (frame.name === 'SERVER_DRAINING') {
          this.deps.logger.info(`the server is draining; moving to ${this.options.urls.length > 1 ? 'the next server' : 'it again'} in about ${this.suggestedDelayMs} ms`);
          return;
        }
        this.handlers.push(frame);
        return;
      case 'pong':
        return;
      default:
        this.deps.logger.debug('ignoring an unknown frame', (frame as { t?: unknown }).t);
    }
  }

  private onHello(heartbeatMs: number): void {
    const socket = this.socket;
    this.clearTimer('connectTimer');
    this.heartbeatMs = Number.isFinite(heartbeatMs) && heartbeatMs > 0 ? heartbeatMs : 25_000;
    this.scheduleHeartbeat();
    const reconnect = this.hadSession;
    this.hadSession = true;
    const started = this.handlers.sessionStart(this.sessionRequest, reconnect).then(
      () => true,
      (error: unknown) => {
        this.deps.logger.warn('restoring the session failed', error);
        return false;
      },
    );
    void started.then((restored) => {
      if (this.socket !== socket || socket === null) return;
      // Not restored (an answer that did not come in time: a node busy with a reconnect storm):
      // this socket would carry a session without its rooms. Start again on a new one.
      if (!restored) return this.drop(CLOSE_CODES.HEARTBEAT_TIMEOUT, 'session restore failed');
      this.backoff.reset();
      this.setState('connected');
      for (const entry of this.queue.splice(0)) this.transmit(entry);
    });
  }

  private scheduleHeartbeat(): void {
    this.clearTimer('heartbeatTimer');
    this.heartbeatTimer = this.deps.setTimeout(() => {
      this.heartbeatTimer = null;
      const socket = this.socket;
      if (!socket) return;
      if (this.deps.now() - this.lastFrameAt > this.heartbeatMs * DEAD_AFTER_HEARTBEATS) {
        this.deps.logger.warn('no frame from the server within the heartbeat timeout; reconnecting');
        this.drop(CLOSE_CODES.HEARTBEAT_TIMEOUT, 'heartbeat timeout');
        return;
      }
      try {
        socket.send('{"t":"ping"}');
      } catch (error) {
        this.deps.logger.debug('ping failed', error);
      }
      this.scheduleHeartbeat();
    }, this.heartbeatMs);
  }

  /** Give up on the current socket without waiting for its close handshake, then handle it as lost. */
  private drop(code: number, reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.teardownSocket();
    closeQuietly(socket, code, reason);
    this.lost(code, reason);
  }

  /** The socket is gone (closed by the server, the network, or `drop`). */
  private lost(code: number, reason: string): void {
    this.teardownSocket();
    this.failAll('SDK_NETWORK_ERROR', false);
    const reconnect = this.wanted && !this.kicked && shouldReconnect(code);
    this.deps.logger.info(`connection closed (${code}${reason ? ` ${reason}` : ''})${reconnect ? '; reconnecting' : ''}`);
    if (!reconnect) {
      const wasWanted = this.wanted;
      this.wanted = false;
      this.failAll('SDK_NETWORK_ERROR', true);
      this.setState('disconnected');
      if (wasWanted) this.handlers.ended(code, reason);
      return;
    }
    this.setState('disconnected');
    if (movesOn(code)) this.urlIndex = (this.urlIndex + 1) % this.options.urls.length;
    const delay = this.nextDelay();
    this.deps.logger.debug(`reconnect attempt ${this.backoff.attempts} to ${this.currentUrl} in ${delay} ms`);
    this.reconnectTimer = this.deps.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.wanted && this.state === 'disconnected') this.connectNow();
    }, delay);
  }

  /**
   * The wait before the next attempt: full-jitter backoff, but never less than a delay the
   * server suggested, which is spread over one more such delay (clients told together do not
   * come back together).
   */
  private nextDelay(): number {
    const backoff = this.backoff.next();
    const suggested = this.suggestedDelayMs;
    this.suggestedDelayMs = 0;
    if (suggested <= 0) return backoff;
    return Math.max(backoff, Math.floor(suggested + this.deps.random() * suggested));
  }

  /** Detach the current socket and stop its timers. */
  private teardownSocket(): void {
    this.clearTimer('connectTimer');
    this.clearTimer('heartbeatTimer');
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      // Keep no-op handlers: `ws` throws on an 'error' event without a listener.
      socket.onopen = noop;
      socket.onmessage = noop;
      socket.onclose = noop;
      socket.onerror = noop;
    }
  }

  /** Reject in-flight requests, and queued ones too when `queued`. */
  private failAll(reason: ErrorName, queued: boolean): void {
    const inFlight = [...this.pending.values()];
    this.pending.clear();
    for (const entry of inFlight) this.settle(entry, new StadiumError(reason));
    if (queued) for (const entry of this.queue.splice(0)) this.settle(entry, new StadiumError(reason));
  }

  private clearTimer(name: 'reconnectTimer' | 'connectTimer' | 'heartbeatTimer'): void {
    const handle = this[name];
    if (handle !== null) this.deps.clearTimeout(handle);
    this[name] = null;
  }

  private setState(state: NetState): void {
    if (this.state === state) return;
    this.state = state;
    this.handlers.stateChanged(state);
  }
}

function noop(): void {}

/**
 * Whether a loss is a reason to try the next server URL: the node drains, goes away, stops
 * answering or cannot be reached. Closes for the client's own conduct (slow reading, floods,
 * bad frames) keep the server.
 */
function movesOn(code: number): boolean {
  switch (code) {
    case CLOSE_CODES.SLOW_CONSUMER:
    case CLOSE_CODES.REQUEST_FLOOD:
    case CLOSE_CODES.TOO_MANY_BAD_FRAMES:
    case CLOSE_CODES.FRAME_TOO_LARGE:
    case CLOSE_CODES.PROTOCOL_ERROR:
      return false;
    default:
      return true;
  }
}

function closeQuietly(socket: WebSocketLike, code: number, reason: string): void {
  try {
    socket.close(code, reason);
  } catch {
    try {
      socket.close();
    } catch {
      // The socket is already unusable; nothing more to do.
    }
  }
}

function describeError(event: unknown): unknown {
  return (event as { message?: unknown; error?: unknown })?.message ?? (event as { error?: unknown })?.error ?? event;
}

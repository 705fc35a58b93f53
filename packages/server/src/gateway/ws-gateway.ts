/**
 * The WebSocket endpoint: upgrade on `/ws`, version check, the `hello` frame, frame parsing
 * and dispatch, heartbeats, slow consumers and graceful shutdown. One sweep timer serves all
 * connections (no timer per connection).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { isUtf8 } from 'node:buffer';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import { ERRORS, LIMITS, PLATFORMS, PROTOCOL_VERSION, StadiumError, SUPPORTED_PROTOCOL_VERSIONS, WS_PATH, isCommandName, type ErrorName } from '@stadium/protocol';
import type { AppCache } from '../apps/app-cache.js';
import type { BusMessage } from '../bus/bus.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { GroupService } from '../groups/group-service.js';
import { PRIORITY_LABELS, type Metrics } from '../metrics/metrics.js';
import { parseSdkAppId } from '../core/parse-sdk-app-id.js';
import { describe } from '../core/describe.js';
import { actorOf, type CommandHandlers } from './command-handlers.js';
import { Connection, type DeliveryPolicy } from './connection.js';
import { RequestBudget, type RequestBudgetOptions } from './request-budget.js';
import { PING_COST, requestCost } from './request-cost.js';
import type { SessionListener } from './session-event.js';
import type { SessionRegistry } from './session-registry.js';
import { clientIpOf, parseTrustedProxies } from './client-ip.js';
import { ConnectionLimits } from './connection-limits.js';
import { FrameRate, type FrameRateOptions } from './frame-rate.js';
import { HandshakeLimiter } from './handshake-limits.js';

/** Gateway settings (from ServerOptions). */
export interface GatewayOptions {
  nodeId: string;
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
  maxFrameBytes: number;
  maxBadFramesPerMinute: number;
  socketHighWaterBytes: number;
  maxPendingBytes: number;
  slowConsumerTimeoutMs: number;
  requestsPerSec: number;
  requestBurst: number;
  maxRequestsInFlight: number;
  maxRefusedRequestsPerMinute: number;
  maxFramesPerSec: number;
  frameBurst: number;
  maxConnectionsPerIp: number;
  maxConnectionsPerApp: number;
  handshakesPerIpPerSec: number;
  handshakeBurstPerIp: number;
  /** Comma-separated proxy addresses whose X-Forwarded-For is believed. */
  trustedProxies: string;
  /** Admission control: handshakes admitted per second (token bucket refill). */
  handshakesPerSec: number;
  /** Admission control: the bucket's size. */
  handshakeBurst: number;
}

/** What the gateway needs. */
export interface GatewayDeps {
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  apps: AppCache;
  sessions: SessionRegistry;
  groups: GroupService;
  handlers: CommandHandlers;
  /** Told when a logged-in user's connection closes (callbacks). @default none */
  onSession?: SessionListener;
}

/** Where a socket keeps its Connection, so one set of listeners serves every socket. */
const CONN = Symbol('stadium.connection');

/** The WebSocket side of the server. */
export class WsGateway {
  readonly #o: GatewayOptions;
  readonly #d: GatewayDeps;
  readonly #wss: WebSocketServer;
  readonly #policy: DeliveryPolicy;
  readonly #budget: RequestBudgetOptions;
  readonly #frameRate: FrameRateOptions;
  readonly #trustedProxies: ReadonlySet<string>;
  readonly #handshakes: HandshakeLimiter;
  readonly #connLimits: ConnectionLimits;
  #nextId = 1;
  /** Admission control: handshake tokens left and when they were last refilled. */
  #handshakeTokens: number;
  #handshakeRefilledAt: number;
  /** Set by {@link drain}: new handshakes are refused, clients are sent elsewhere. */
  #draining = false;
  #drainRetryAfterMs = 0;
  #sweepTimer: TimerHandle | null = null;
  /**
   * Listeners shared by every socket (EventEmitter calls them with `this` = the socket), so an
   * idle connection costs no closures of its own.
   */
  readonly #listeners: {
    message: (this: WebSocket, data: RawData, isBinary: boolean) => void;
    /** WebSocket ping and pong control frames: they count against the frame rate. */
    control: (this: WebSocket) => void;
    error: (this: WebSocket, error: Error) => void;
    /** Called with `this` = ws's Receiver, which carries the Connection under {@link CONN} too. */
    framingError: (this: object, error: Error) => void;
    close: (this: WebSocket) => void;
  };
  #stopping = false;

  constructor(options: GatewayOptions, deps: GatewayDeps) {
    this.#o = options;
    this.#d = deps;
    // UTF-8 is checked in #onFrame, so that bad text gets an `err` frame and counts as a bad frame
    // (ws would close with 1007 without a word).
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false, clientTracking: false, skipUTF8Validation: true });
    this.#handshakeTokens = options.handshakeBurst;
    this.#handshakeRefilledAt = deps.clock.now();
    this.#budget = {
      requestsPerSec: options.requestsPerSec,
      requestBurst: options.requestBurst,
      maxRequestsInFlight: options.maxRequestsInFlight,
      maxRefusedRequestsPerMinute: options.maxRefusedRequestsPerMinute,
    };
    this.#frameRate = { framesPerSec: options.maxFramesPerSec, frameBurst: options.frameBurst };
    this.#trustedProxies = parseTrustedProxies(options.trustedProxies);
    this.#handshakes = new HandshakeLimiter(options);
    this.#connLimits = new ConnectionLimits(options);
    this.#policy = {
      socketHighWaterBytes: options.socketHighWaterBytes,
      maxPendingBytes: options.maxPendingBytes,
      slowConsumerTimeoutMs: options.slowConsumerTimeoutMs,
      now: () => deps.clock.now(),
      onDropped: (dropped) => {
        for (let rank = 1; rank <= 3; rank++) if (dropped[rank]) deps.metrics.slowDrops.inc({ priority: PRIORITY_LABELS[rank]! }, dropped[rank]);
      },
      onSlow: (conn) => this.#closeSlow(conn),
    };
    const gateway = this;
    const connOf = (ws: WebSocket): Connection => (ws as WebSocket & { [CONN]: Connection })[CONN];
    this.#listeners = {
      message(data, isBinary) {
        gateway.#onFrame(connOf(this), data, isBinary);
      },
      control() {
        const conn = connOf(this);
        if (!conn.closing) gateway.#countFrame(conn, deps.clock.now());
      },
      error(error) {
        const conn = connOf(this);
        deps.logger.debug({ app: conn.app.sdkAppId, conn: conn.id, err: error }, 'websocket error');
      },
      framingError(error) {
        // Runs before ws closes the connection (1009 or 1002), so the client gets an `err` first.
        const conn = (this as { [CONN]: Connection })[CONN];
        deps.metrics.badFrames.inc();
        const code = (error as { code?: string }).code;
        const name = code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'FRAME_TOO_LARGE' : 'WEBSOCKET_PROTOCOL_ERROR';
        conn.send({ t: 'err', code: ERRORS[name].code, name, message: `${code ?? 'framing error'}: ${ERRORS[name].message}` });
      },
      close() {
        gateway.#onClose(connOf(this));
      },
    };
  }

  /** Take over `upgrade` requests of `server` and start the heartbeat sweep. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.#onUpgrade(req, socket, head);
    });
    this.#scheduleSweep();
  }

  /** End every session of a deleted app: a `kick`, then close 4011 (the SDK does not reconnect). */
  closeApp(sdkAppId: number): void {
    for (const conn of this.#d.sessions.all) {
      if (conn.app.sdkAppId !== sdkAppId || conn.closing) continue;
      conn.send({ t: 'kick', type: 'REST_API_Kick', code: ERRORS.UNKNOWN_APP.code, name: 'UNKNOWN_APP', message: `SDKAppID ${sdkAppId} was deleted` });
      conn.closeWith('KICKED');
    }
  }

  /**
   * Traffic for users of this node (the users subject): a one-to-one message goes to each of
   * the named users' connections here; a kick ends each of the user's sessions here with a
   * `kick` frame (`REST_API_Kick`) and close 4011.
   */
  onUserEvent(message: BusMessage): void {
    const { sessions } = this.#d;
    if (message.kind === 'user-message') {
      for (const userId of message.userIds) for (const conn of sessions.connectionsOf(message.sdkAppId, userId)) conn.sendText(message.frame);
      return;
    }
    if (message.kind !== 'user-kick') return;
    const spec = ERRORS.KICKED_BY_ADMIN;
    for (const conn of [...sessions.connectionsOf(message.sdkAppId, message.userId)]) {
      if (conn.closing) continue;
      conn.send({ t: 'kick', type: 'REST_API_Kick', code: spec.code, name: 'KICKED_BY_ADMIN', message: spec.message });
      conn.closeWith('KICKED_BY_ADMIN');
    }
  }

  /** Close every connection with 1001 so SDKs reconnect, waiting at most `graceMs`. */
  async shutdown(graceMs: number): Promise<void> {
    this.#stopping = true;
    if (this.#sweepTimer) this.#d.clock.clearTimeout(this.#sweepTimer);
    const conns = [...this.#d.sessions.all];
    const closed = conns.map(
      (conn) =>
        new Promise<void>((resolve) => {
          if (conn.ws.readyState === conn.ws.CLOSED) return resolve();
          conn.ws.once('close', () => resolve());
          conn.closeWith('SERVER_SHUTTING_DOWN');
        }),
    );
    await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    for (const conn of conns) if (conn.ws.readyState !== conn.ws.CLOSED) conn.ws.terminate();
    this.#wss.close();
  }

  /** Whether the node takes new connections (`/readyz`): not once it drains or stops. */
  get ready(): boolean {
    return !this.#draining && !this.#stopping;
  }

  /**
   * Drain: refuse new handshakes (503), tell every client to reconnect elsewhere (an `err`
   * `SERVER_DRAINING` with `retryAfterMs`, then close 4012), and resolve once every connection
   * is gone or after `timeoutMs`. Idempotent; {@link shutdown} still closes what is left.
   */
  async drain(retryAfterMs: number, timeoutMs: number): Promise<void> {
    this.#draining = true;
    this.#drainRetryAfterMs = retryAfterMs;
    const { clock, logger, metrics, sessions } = this.#d;
    const conns = [...sessions.all];
    logger.info({ connections: conns.length, retryAfterMs, timeoutMs }, 'draining');
    const closed = conns.map(
      (conn) =>
        new Promise<void>((resolve) => {
          if (conn.ws.readyState === conn.ws.CLOSED) return resolve();
          conn.ws.once('close', () => resolve());
          if (conn.closing) return;
          metrics.drainCloses.inc();
          conn.closeWith('SERVER_DRAINING', `${conns.length} connections move to other nodes`, retryAfterMs);
          // A client that does not complete the close handshake is not waited for.
          clock.setTimeout(() => conn.ws.terminate(), 1000);
        }),
    );
    let timer: TimerHandle | null = null;
    await Promise.race([
      Promise.all(closed),
      new Promise<void>((resolve) => {
        timer = clock.setTimeout(resolve, timeoutMs);
      }),
    ]);
    if (timer) clock.clearTimeout(timer);
  }

  /**
   * Admission control: take a handshake token, or answer how many seconds to wait (the
   * bucket refills at `handshakesPerSec`).
   */
  #admitHandshake(): number {
    const now = this.#d.clock.now();
    const { handshakesPerSec, handshakeBurst } = this.#o;
    this.#handshakeTokens = Math.min(handshakeBurst, this.#handshakeTokens + ((now - this.#handshakeRefilledAt) / 1000) * handshakesPerSec);
    this.#handshakeRefilledAt = now;
    if (this.#handshakeTokens >= 1) {
      this.#handshakeTokens -= 1;
      return 0;
    }
    // Spread the refused over the next seconds rather than sending them all back at one instant.
    return Math.max(1, Math.ceil((1 - this.#handshakeTokens) / handshakesPerSec + Math.random() * 2));
  }

  async #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Node hands an upgrade over without an `error` listener on its socket: a client that
    // resets mid-handshake (or while a refusal is written) would be an uncaught exception
    // that ends the process. Such a socket is simply gone (`ws` adds its own listener once it
    // takes the socket over).
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH || this.#stopping || this.#draining) {
      const status = url.pathname !== WS_PATH ? '404 Not Found' : '503 Service Unavailable';
      // A draining node has nothing more to offer: retry (another node) at once.
      const retry = this.#draining && url.pathname === WS_PATH ? 'Retry-After: 1\r\n' : '';
      socket.end(`HTTP/1.1 ${status}\r\n${retry}Connection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const waitSec = this.#admitHandshake();
    if (waitSec > 0) {
      this.#d.metrics.handshakesRefused.inc();
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${waitSec}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const clientIp = clientIpOf(req, this.#trustedProxies);
    const retryAfter = this.#handshakes.take(clientIp, this.#d.clock.now());
    if (retryAfter > 0) {
      this.#d.metrics.requestErrors.inc({ name: 'HANDSHAKE_RATE_LIMITED' });
      const body = `${clientIp}: ${ERRORS.HANDSHAKE_RATE_LIMITED.message}`;
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nRetry-After: ${retryAfter}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    const sdkAppIdText = url.searchParams.get('sdkappid');
    const sdkAppId = parseSdkAppId(sdkAppIdText);
    const version = Number(url.searchParams.get('v') ?? PROTOCOL_VERSION);
    const platformParam = url.searchParams.get('platform') ?? 'Web';
    // The canonical constant, so connections share one string.
    const platform = PLATFORMS.find((p) => p === platformParam) ?? 'Unknown';
    let app;
    try {
      app = sdkAppId !== undefined ? await this.#d.apps.get(sdkAppId) : undefined;
    } catch (error) {
      this.#d.logger.error({ err: error }, 'app lookup failed');
      socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      if (!SUPPORTED_PROTOCOL_VERSIONS.includes(version))
        return this.#refuse(ws, 'UNSUPPORTED_VERSION', `version ${version}; this server speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`);
      if (sdkAppIdText === null) return this.#refuse(ws, 'UNKNOWN_APP', 'the sdkappid query parameter is missing');
      if (sdkAppId === undefined)
        return this.#refuse(ws, 'UNKNOWN_APP', `sdkappid ${describe(sdkAppIdText)} is not an SDKAppID (decimal digits, 1–4294967295, no sign, spaces or leading zeros)`);
      if (!app) return this.#refuse(ws, 'UNKNOWN_APP', `SDKAppID ${sdkAppId}`);
      // A handshake that began before the drain and ends after it is sent on at once.
      if (this.#draining) {
        const spec = ERRORS.SERVER_DRAINING;
        ws.send(JSON.stringify({ t: 'err', code: spec.code, name: 'SERVER_DRAINING', message: spec.message, retryAfterMs: this.#drainRetryAfterMs }));
        return ws.close(spec.close, 'SERVER_DRAINING');
      }
      const limited = this.#connLimits.admit(clientIp, app.sdkAppId);
      if (limited !== null) {
        this.#d.metrics.requestErrors.inc({ name: limited });
        const detail =
          limited === 'TOO_MANY_CONNECTIONS_FROM_IP'
            ? `${this.#o.maxConnectionsPerIp} connections from ${clientIp} are open`
            : `${this.#o.maxConnectionsPerApp} connections of SDKAppID ${app.sdkAppId} are open`;
        return this.#refuse(ws, limited, detail);
      }
      this.#onConnection(ws, (ws as unknown as { _socket: Socket })._socket, app, platform, clientIp);
    });
  }

  #refuse(ws: WebSocket, name: ErrorName, detail: string): void {
    const spec = ERRORS[name];
    ws.send(JSON.stringify({ t: 'err', code: spec.code, name, message: `${detail}: ${spec.message}` }));
    ws.close('close' in spec ? spec.close : 1008, name);
  }

  #onConnection(ws: WebSocket, socket: Socket, app: Connection['app'], platform: string, clientIp: string): void {
    const { clock, logger, metrics, sessions } = this.#d;
    const now = clock.now();
    const conn = new Connection(this.#nextId++, ws, socket, app, platform, this.#policy, new RequestBudget(this.#budget, now), clientIp, new FrameRate(this.#frameRate, now));
    sessions.add(conn);
    metrics.connections.inc();
    (ws as WebSocket & { [CONN]?: Connection })[CONN] = conn;
    ws.on('message', this.#listeners.message);
    ws.on('ping', this.#listeners.control);
    ws.on('pong', this.#listeners.control);
    ws.on('error', this.#listeners.error);
    // ws's Receiver reports framing errors (too large, bad opcode, unmasked, …) to the socket's
    // own listener, which closes at once; a listener put in front of it may still send.
    const receiver = (ws as unknown as { _receiver?: { [CONN]?: Connection; prependListener(event: 'error', fn: (error: Error) => void): void } })._receiver;
    if (receiver) {
      receiver[CONN] = conn;
      receiver.prependListener('error', this.#listeners.framingError);
    }
    ws.on('close', this.#listeners.close);
    logger.debug({ app: app.sdkAppId, conn: conn.id, platform }, 'connection opened');
    conn.send({ t: 'hello', v: PROTOCOL_VERSION, node: this.#o.nodeId, heartbeatMs: this.#o.heartbeatMs, maxMessageBytes: LIMITS.maxMessageBytes, time: clock.now() });
  }

  #onClose(conn: Connection): void {
    conn.closing = true;
    const { logger, metrics, sessions, groups } = this.#d;
    logger.debug({ app: conn.app.sdkAppId, conn: conn.id, user: conn.userId, code: conn.ws.readyState }, 'connection closed');
    // A logged-in member whose connection ends without a quit is told as an exit (`Quit`; see docs/callbacks.md).
    const quitter = conn.userId !== null ? actorOf(conn) : undefined;
    for (const room of conn.joinedRooms()) groups.leave(conn, room, quitter);
    if (conn.userId !== null) {
      const reason = conn.closedFor === 'HEARTBEAT_TIMEOUT' ? 'TimeOut' : 'LinkClose';
      this.#d.onSession?.({ action: 'Disconnect', reason, app: conn.app, userId: conn.userId, platform: conn.platform, clientIp: conn.clientIp });
    }
    sessions.remove(conn);
    this.#connLimits.release(conn.clientIp, conn.app.sdkAppId);
    metrics.connections.dec();
  }

  #onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
    // Once closing, what the client still sends does no work (ws parses until the close handshake ends).
    if (conn.closing) return;
    const now = this.#d.clock.now();
    if (!this.#countFrame(conn, now)) return;
    if (isBinary) return this.#badFrame(conn, undefined, 'BAD_FRAME', 'binary frame; send JSON text');
    // With skipUTF8Validation, ws hands over the raw bytes of a text frame (a Buffer without fragments).
    const bytes = data as Buffer;
    if (!isUtf8(bytes)) return this.#badFrame(conn, undefined, 'INVALID_UTF8', `text frame of ${bytes.length} bytes`);
    let frame: unknown;
    try {
      frame = JSON.parse(bytes.toString());
    } catch {
      return this.#badFrame(conn, undefined, 'BAD_FRAME', 'not JSON text');
    }
    if (typeof frame !== 'object' || frame === null) return this.#badFrame(conn, undefined, 'BAD_FRAME', 'not an object');
    const { t, id, cmd, body } = frame as Record<string, unknown>;
    if (t === 'ping') {
      const refusal = conn.budget.admit(PING_COST, now, false);
      if (refusal !== null) return this.#refuseRequest(conn, undefined, refusal, now);
      return conn.send({ t: 'pong', time: now });
    }
    const reqId = typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
    if (t !== 'req' || reqId === undefined) return this.#badFrame(conn, reqId, 'BAD_FRAME', 'expected {"t":"req","id":<integer>,…} or {"t":"ping"}');
    if (!isCommandName(cmd)) return this.#badFrame(conn, reqId, 'UNKNOWN_COMMAND', `got ${describe(cmd)}`);
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      return this.#badFrame(conn, reqId, 'INVALID_PARAMETER', 'body must be an object');
    }
    const refusal = conn.budget.admit(requestCost(cmd, body as Record<string, unknown> | undefined), now, true);
    if (refusal !== null) return this.#refuseRequest(conn, reqId, refusal, now);
    this.#d.handlers[cmd](conn, (body ?? {}) as Record<string, unknown>).then(
      (result) => {
        conn.budget.settled();
        conn.send({ t: 'res', id: reqId, code: 0, data: result });
      },
      (error: unknown) => {
        conn.budget.settled();
        this.#fail(conn, reqId, cmd, error);
      },
    );
  }

  /**
   * Count a frame against the connection's frame rate (see `frame-rate.ts`). Returns whether
   * it may be read; a dropped frame does no work beyond an `err` at the start of a run of drops.
   */
  #countFrame(conn: Connection, now: number): boolean {
    conn.lastSeenAt = now;
    const verdict = conn.frames?.take(now) ?? 'admit';
    if (verdict === 'admit') return true;
    if (verdict === 'close') {
      this.#d.metrics.floodCloses.inc();
      this.#d.logger.info({ app: conn.app.sdkAppId, conn: conn.id, user: conn.userId }, 'closing a connection that floods frames');
      this.#closeNow(conn, 'FRAME_FLOOD', `more than ${this.#o.maxFramesPerSec} frames dropped within a minute`);
    } else if (verdict === 'drop-and-tell') {
      this.#d.metrics.requestErrors.inc({ name: 'FRAME_RATE_LIMITED' });
      const spec = ERRORS.FRAME_RATE_LIMITED;
      conn.send({
        t: 'err',
        code: spec.code,
        name: 'FRAME_RATE_LIMITED',
        message: `over ${this.#o.maxFramesPerSec} frames per second (burst ${this.#o.frameBurst}); frames are dropped: ${spec.message}`,
      });
    }
    return false;
  }

  /** Refuse a request over the connection's budget; close the connection when it keeps on. */
  #refuseRequest(conn: Connection, id: number | undefined, name: 'REQUESTS_RATE_LIMITED' | 'TOO_MANY_REQUESTS_IN_FLIGHT', now: number): void {
    this.#d.metrics.requestErrors.inc({ name });
    if (conn.budget.refused(now)) {
      this.#d.metrics.floodCloses.inc();
      this.#d.logger.info({ app: conn.app.sdkAppId, conn: conn.id, user: conn.userId }, 'closing a connection that floods requests');
      this.#closeNow(conn, 'REQUEST_FLOOD', `more than ${this.#o.maxRefusedRequestsPerMinute} requests refused within a minute`);
      return;
    }
    const detail =
      name === 'REQUESTS_RATE_LIMITED'
        ? `${conn.budget.tokens(now).toFixed(1)} of ${this.#o.requestBurst} tokens left, ${this.#o.requestsPerSec} added per second`
        : `${conn.budget.inFlight} requests await an answer`;
    const message = `${detail}: ${ERRORS[name].message}`;
    if (id === undefined) conn.send({ t: 'err', code: ERRORS[name].code, name, message });
    else conn.sendError(id, name, message);
  }

  #fail(conn: Connection, id: number, cmd: string, error: unknown): void {
    if (error instanceof StadiumError) {
      this.#d.metrics.requestErrors.inc({ name: error.reason });
      conn.sendError(id, error.reason, error.message, error.code);
      return;
    }
    this.#d.metrics.requestErrors.inc({ name: 'INTERNAL_ERROR' });
    this.#d.logger.error({ app: conn.app.sdkAppId, conn: conn.id, cmd, err: error }, 'command failed');
    conn.sendError(id, 'INTERNAL_ERROR', ERRORS.INTERNAL_ERROR.message);
  }

  #badFrame(conn: Connection, id: number | undefined, name: ErrorName, detail: string): void {
    const now = this.#d.clock.now();
    this.#d.metrics.badFrames.inc();
    if (now - conn.badFramesSince > 60_000) {
      conn.badFramesSince = now;
      conn.badFrames = 0;
    }
    if (++conn.badFrames > this.#o.maxBadFramesPerMinute) {
      conn.closeWith('TOO_MANY_BAD_FRAMES', `${name}: ${detail}`);
      return;
    }
    const message = `${detail}: ${ERRORS[name].message}`;
    if (id === undefined) conn.send({ t: 'err', code: ERRORS[name].code, name, message });
    else conn.sendError(id, name, message);
  }

  #closeSlow(conn: Connection): void {
    if (conn.closing) return;
    this.#d.metrics.slowCloses.inc();
    this.#d.logger.info({ app: conn.app.sdkAppId, conn: conn.id, user: conn.userId, backlogBytes: conn.backlogBytes }, 'closing slow consumer');
    this.#closeNow(conn, 'SLOW_CONSUMER', `${conn.outboundBytes} bytes queued`);
  }

  /** Close, and terminate a second later: a client that does not read will not complete the close handshake. */
  #closeNow(conn: Connection, name: ErrorName, detail: string): void {
    // Reading goes on (frames are ignored once closing), so a client that reads completes the
    // close handshake and sees the close code.
    conn.closeWith(name, detail);
    this.#d.clock.setTimeout(() => conn.ws.terminate(), 1000);
  }

  #scheduleSweep(): void {
    const every = Math.max(250, Math.min(this.#o.heartbeatMs, this.#o.slowConsumerTimeoutMs) / 2);
    this.#sweepTimer = this.#d.clock.setTimeout(() => {
      this.#sweep();
      if (!this.#stopping) this.#scheduleSweep();
    }, every);
  }

  /** One pass over connections: heartbeat timeouts, slow consumers, expired userSigs. */
  #sweep(): void {
    const now = this.#d.clock.now();
    for (const conn of this.#d.sessions.all) {
      if (conn.closing) continue;
      if (now - conn.lastSeenAt > this.#o.heartbeatTimeoutMs) conn.closeWith('HEARTBEAT_TIMEOUT', `no frame for ${now - conn.lastSeenAt} ms`);
      else if (conn.slowSince !== 0 && now - conn.slowSince > this.#o.slowConsumerTimeoutMs) this.#closeSlow(conn);
      else if (conn.sigExpiresAt !== 0 && now > conn.sigExpiresAt) {
        conn.send({ t: 'kick', type: 'userSigExpired', code: ERRORS.USERSIG_EXPIRED.code, name: 'USERSIG_EXPIRED', message: ERRORS.USERSIG_EXPIRED.message });
        conn.closeWith('KICKED');
      }
    }
  }
}

/** Options of `TIM.create` / `TIM.createInstance`, their defaults and their resolution. */
import { StadiumError, type Platform } from '@stadium/protocol';
import type { LogLevel, LogSink } from './logger.js';
import type { WebSocketConstructor } from './transport/websocket-like.js';
import type { RefreshUserSig } from './user-sig-refresher.js';

/** Options of `TIM.create` and `TIM.createInstance`. */
export interface TimOptions {
  /** The application's SDKAppID (required). */
  SDKAppID: number;
  /**
   * Base URL of the Stadium server (`http(s)://…` or `ws(s)://…`), or several: the nodes of
   * one deployment. With several, the SDK starts with the first and moves to the next when a
   * node drains (close 4012), goes away or cannot be reached, round and round.
   * @default the page's origin in browsers, else 'http://127.0.0.1:8080'
   */
  server?: string | readonly string[];
  /**
   * Platform reported to the server (`OptPlatform` in callbacks).
   * @default 'Web'
   */
  platform?: Platform;
  /**
   * First reconnect delay ceiling in ms; each attempt doubles it (full jitter: the actual delay is random below it).
   * @default 500
   */
  reconnectBaseMs?: number;
  /**
   * Largest reconnect delay ceiling in ms.
   * @default 30000
   */
  reconnectMaxMs?: number;
  /**
   * How long a request may wait for its answer (including time queued while reconnecting) before failing with 2801.
   * @default 15000
   */
  requestTimeoutMs?: number;
  /**
   * Requests that may wait while the connection is down; more fail at once with 2800.
   * @default 100
   */
  maxQueuedRequests?: number;
  /**
   * Log level (see `setLogLevel`).
   * @default 0
   */
  logLevel?: LogLevel;
  /**
   * Where log lines go.
   * @default console
   */
  logger?: LogSink;
  /**
   * WebSocket class to use.
   * @default the browser's WebSocket, or the `ws` package in Node
   */
  WebSocket?: WebSocketConstructor;
  /**
   * Stadium extension: returns a new userSig for the logged-in `userID` (or a promise of one).
   * With it, the SDK asks for a new userSig ahead of the current one's expiry (see
   * `userSigRefreshMarginMs`) and logs in again with it over the live connection: rooms,
   * messages and the connection stay as they are, and later reconnects use the new userSig.
   * When every attempt fails, the server's expiry kick ends the session (`KICKED_OUT` with
   * type `userSigExpired`), as without it. After a reconnect refused for an expired userSig
   * it is called once more before the session ends.
   * @default none: the session ends when the userSig expires
   */
  refreshUserSig?: RefreshUserSig;
  /**
   * Stadium extension: `refreshUserSig` is called this long before the userSig expires, or at
   * 90 % of its lifetime when that is later (for short-lived userSigs).
   * @default 300000
   */
  userSigRefreshMarginMs?: number;
  /**
   * Stadium extension: attempts after a failed `refreshUserSig` (or a refused login with its
   * userSig), 5 s, 10 s, 20 s, … apart (at most 60 s), while the userSig is still valid.
   * `refreshUserSig` may take `requestTimeoutMs` before an attempt counts as failed.
   * @default 4
   */
  userSigRefreshRetries?: number;
  /** Accepted for compatibility and ignored. */
  oversea?: boolean;
}

/** Options with every default filled in. */
export interface ResolvedTimOptions {
  SDKAppID: number;
  /** The first of {@link servers}. */
  server: string;
  /** Every server URL, in the order tried (at least one). */
  servers: readonly string[];
  platform: Platform;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  requestTimeoutMs: number;
  maxQueuedRequests: number;
  logLevel: LogLevel;
  logger: LogSink;
  WebSocket: WebSocketConstructor | undefined;
  refreshUserSig: RefreshUserSig | undefined;
  userSigRefreshMarginMs: number;
  userSigRefreshRetries: number;
}

/** Defaults of the optional numeric and string options. */
export const DEFAULT_TIM_OPTIONS = Object.freeze({
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- widens the frozen literal to the option's type
  platform: 'Web' as Platform,
  reconnectBaseMs: 500,
  reconnectMaxMs: 30_000,
  requestTimeoutMs: 15_000,
  maxQueuedRequests: 100,
  userSigRefreshMarginMs: 300_000,
  userSigRefreshRetries: 4,
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- widens the frozen literal to the option's type
  logLevel: 0 as LogLevel,
  fallbackServer: 'http://127.0.0.1:8080',
});

/** Validate `options` and fill in defaults. Throws 2000 when SDKAppID is not a positive number. */
export function resolveTimOptions(options: TimOptions): ResolvedTimOptions {
  const appId = Number(options?.SDKAppID);
  if (!Number.isInteger(appId) || appId <= 0) throw new StadiumError('SDK_NO_SDKAPPID');
  const servers = resolveServers(options.server);
  if (options.refreshUserSig !== undefined && typeof options.refreshUserSig !== 'function') {
    throw new StadiumError('INVALID_PARAMETER', 'refreshUserSig must be a function that returns a userSig');
  }
  return {
    SDKAppID: appId,
    server: servers[0]!,
    servers,
    platform: options.platform ?? DEFAULT_TIM_OPTIONS.platform,
    reconnectBaseMs: positive(options.reconnectBaseMs, DEFAULT_TIM_OPTIONS.reconnectBaseMs),
    reconnectMaxMs: positive(options.reconnectMaxMs, DEFAULT_TIM_OPTIONS.reconnectMaxMs),
    requestTimeoutMs: positive(options.requestTimeoutMs, DEFAULT_TIM_OPTIONS.requestTimeoutMs),
    maxQueuedRequests: positive(options.maxQueuedRequests, DEFAULT_TIM_OPTIONS.maxQueuedRequests),
    logLevel: options.logLevel ?? DEFAULT_TIM_OPTIONS.logLevel,
    logger: options.logger ?? console,
    WebSocket: options.WebSocket,
    refreshUserSig: options.refreshUserSig,
    userSigRefreshMarginMs: positive(options.userSigRefreshMarginMs, DEFAULT_TIM_OPTIONS.userSigRefreshMarginMs),
    userSigRefreshRetries: count(options.userSigRefreshRetries, DEFAULT_TIM_OPTIONS.userSigRefreshRetries),
  };
}

/** `userSigRefreshRetries` above this is taken as this. */
export const MAX_USERSIG_REFRESH_RETRIES = 20;

/** At most this many server URLs are kept (more are ignored). */
export const MAX_SERVER_URLS = 32;

function resolveServers(server: string | readonly string[] | undefined): readonly string[] {
  if (server === undefined) return [defaultServer()];
  if (typeof server === 'string') return [server];
  const list: readonly unknown[] = Array.isArray(server) ? server : [];
  if (list.length === 0 || !list.every((s): s is string => typeof s === 'string' && s !== '')) {
    throw new StadiumError('INVALID_PARAMETER', 'server must be a URL or a non-empty list of URLs');
  }
  return list.slice(0, MAX_SERVER_URLS);
}

function defaultServer(): string {
  const origin = (globalThis as { location?: { origin?: unknown } }).location?.origin;
  return typeof origin === 'string' && /^https?:/.test(origin) ? origin : DEFAULT_TIM_OPTIONS.fallbackServer;
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function count(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? Math.min(value, MAX_USERSIG_REFRESH_RETRIES) : fallback;
}

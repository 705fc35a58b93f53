/**
 * Server options: one interface, one frozen defaults object, one resolver. Flags and
 * environment variables are read by the CLI only (`cli/start.ts`), which passes the
 * result here; nothing below the composition root reads `process.env`.
 */

/** Everything `startStadium` can be told. */
export interface ServerOptions {
  /** TCP port; 0 picks a free one. @default 8080 */
  port: number;
  /** Interface to bind. @default '127.0.0.1' */
  host: string;
  /** Folder for the embedded SQLite file. @default './data' */
  dataDir: string;
  /** Store URL: `sqlite:<file>`, `memory:`, `postgres://…` (shared by every node); empty means `<dataDir>/stadium.db`. @default '' */
  db: string;
  /**
   * Bus URL: `local:` (this machine: in-process, or IPC between the workers of `--workers N`)
   * or `nats://host:port` (several servers comma-separated; `tls://` for TLS): the nodes of a
   * deployment over NATS. @default 'local:'
   */
  bus: string;
  /** Node name in logs and `hello` frames. @default hostname-pid */
  nodeId: string;
  /** pino level. @default 'info' */
  logLevel: string;
  /** Clients ping at least this often. @default 25000 */
  heartbeatMs: number;
  /** Close a connection silent for this long. @default 62500 (2.5 × heartbeatMs) */
  heartbeatTimeoutMs: number;
  /** Largest WebSocket frame accepted from a client. @default 65536 */
  maxFrameBytes: number;
  /** Malformed frames a connection may send per minute before it is closed. @default 20 */
  maxBadFramesPerMinute: number;
  /** Time over which a small room's messages are merged into one frame (the shortest window). @default 20 */
  batchWindowMs: number;
  /** The longest batch window, used by the biggest rooms. @default 500 */
  batchWindowMaxMs: number;
  /**
   * Socket writes per second a process may spend on one room. A room's window grows with its
   * members on the busiest process so that members × (1000 / window) stays under this. With
   * more workers than cores, each worker's default is this times cores / workers.
   * @default 100000
   */
  fanoutWritesPerSec: number;
  /**
   * A room's pass over its members on a process that ends later than this after the oldest
   * message in it was published is late; while passes are late the room degrades step by step
   * (merged windows here, then lower priorities sampled away at its authority; High never).
   * @default 500
   */
  fanoutLagTargetMs: number;
  /** The longest window a late room's batches are merged into on a process. @default 1000 */
  fanoutMergeMaxMs: number;
  /**
   * Bytes a socket may have buffered before the connection is behind: the server stops reading
   * its frames and holds its room messages until the socket drains below half of this. At
   * least 16384 (the socket's own buffer mark). @default 262144
   */
  socketHighWaterBytes: number;
  /**
   * The one outbound budget of a connection: bytes queued for it in all (socket buffer —
   * responses, pushes, pongs, errors — plus held room messages). Past it held messages are
   * dropped, lowest priority first; a connection that is behind and still over it is closed
   * with 4008. Must be at least socketHighWaterBytes. @default 1048576
   */
  maxPendingBytes: number;
  /** A connection that stays behind this long is closed with 4008. @default 5000 */
  slowConsumerTimeoutMs: number;
  /** Request tokens a connection gets per second (a request takes its command's cost; ping costs 1). @default 100 */
  requestsPerSec: number;
  /** Request tokens a connection may save up (and starts with): its largest burst. @default 300 */
  requestBurst: number;
  /** Requests of one connection awaiting an answer at once; more are refused with 60018. @default 128 */
  maxRequestsInFlight: number;
  /** Refused requests (over the budget) a connection may send per minute before it is closed with 4029. @default 100 */
  maxRefusedRequestsPerMinute: number;
  /** Frames (any: requests, pings, malformed, WebSocket ping/pong) a connection may send per second; past its burst they are dropped, and more than this many drops in a minute close it with 4030. @default 200 */
  maxFramesPerSec: number;
  /** Frames a connection may send at once before maxFramesPerSec applies (its frame bucket's size). @default 1000 */
  frameBurst: number;
  /** Connections one client address may hold open to one server process; more are closed with 4031. @default 500 */
  maxConnectionsPerIp: number;
  /** Connections one app may hold open to one server process; more are closed with 4032. @default 1000000 */
  maxConnectionsPerApp: number;
  /** WebSocket upgrades one client address may start per second (after its burst); more are refused with HTTP 429 and Retry-After. @default 50 */
  handshakesPerIpPerSec: number;
  /** WebSocket upgrades one client address may start at once before handshakesPerIpPerSec applies. @default 500 */
  handshakeBurstPerIp: number;
  /**
   * Addresses of reverse proxies (comma-separated) whose `X-Forwarded-For` names the client;
   * for connections from them the client address is the right-most forwarded address that is
   * not a trusted proxy. Empty trusts no header. @default ''
   */
  trustedProxies: string;
  /**
   * Messages per second each member of a big room receives at most, unless the room sets its
   * own cap; what exceeds it is sampled away, lowest priority first (High never). @default 20
   */
  downstreamCapPerSec: number;
  /** Rooms with at least this many members get the automatic downstream cap. @default 1000 */
  downstreamCapMinMembers: number;
  /** Counter changes are pushed to members, as totals, at most this often. @default 1000 */
  counterPushMs: number;
  /** Join / quit tips per room per second; excess tips are dropped and counted. @default 20 */
  memberTipsPerSec: number;
  /** Rooms one connection may be in at once. @default 100 */
  maxRoomsPerConnection: number;
  /** A room with no members is unloaded from memory after this long (its state is stored). @default 300000 */
  idleUnloadMs: number;
  /** Messages per room kept for resume, in memory and in the store (at most MAX_RESUME_BUFFER_SIZE). @default 1000 */
  resumeBufferSize: number;
  /** Messages published longer ago than this are not offered for resume (ms, at most MAX_RESUME_WINDOW_MS). @default 300000 */
  resumeWindowMs: number;
  /** Over NATS: length of a room's authority lease; a dead or cut-off node's rooms move after at most this long. @default 3000 */
  roomLeaseMs: number;
  /** Over NATS: how often held room leases are renewed (at most half of roomLeaseMs). @default 1000 */
  roomLeaseRenewMs: number;
  /** How often app changes made elsewhere (CLI, other nodes) are picked up. @default 5000 */
  appRefreshMs: number;
  /** Milliseconds to wait for connections to close on shutdown. @default 5000 */
  shutdownGraceMs: number;
  /** On SIGTERM (drain): milliseconds to wait for clients to leave before closing the rest. @default 30000 */
  drainTimeoutMs: number;
  /** On drain: the reconnect delay suggested to clients (`retryAfterMs`; the SDK adds jitter). @default 1000 */
  drainRetryAfterMs: number;
  /** New WebSocket handshakes admitted per second on this process; over it they get HTTP 503 with Retry-After. @default 500 */
  handshakesPerSec: number;
  /** Handshakes that may arrive at once before `handshakesPerSec` applies (the bucket's size). @default 1000 */
  handshakeBurst: number;
  /** Folder of the browser SDK bundle; empty uses the installed @stadium/sdk. @default '' */
  sdkBundlePath: string;
  /** Folder of the built web pages (the live page); empty uses the installed @stadium/web. @default '' */
  webPath: string;
  /** Largest REST request body, bytes; past it REST_BODY_TOO_LARGE (60008). @default 1048576 */
  restMaxBodyBytes: number;
  /** Rooms one user may create per hour (fixed window, counted on each node in memory); app admins are exempt. @default 100 */
  maxRoomsCreatedPerUserPerHour: number;
  /** Live (created, not dismissed) rooms one user may own at once, counted in the store; app admins are exempt. @default 1000 */
  maxRoomsPerUser: number;
  /** Live rooms one app may hold at once, counted in the store. @default 100000 */
  maxRoomsPerApp: number;
  /** Profiles one app may store (each at most 8,192 bytes of strings); existing ones stay writable. @default 1000000 */
  maxProfilesPerApp: number;
  /** Admins one room may have (set by its owner with setGroupMemberRole). @default 50 */
  maxAdminsPerRoom: number;
  /** Messages one room holds for review (word lists with action review); past it sends that would be held fail with REVIEW_QUEUE_FULL. @default 500 */
  reviewQueueMax: number;
  /** How long a message stays held for review before it expires (ms). @default 86400000 */
  reviewHoldMs: number;
  /** Pinned messages one room may have (owners and admins pin with pinGroupMessage), 1–20. @default 3 */
  maxPinnedMessages: number;
  /** Sends from one sender with the same client message ID (or REST `Random`) within this long are one message (ms). @default 300000 */
  dedupeWindowMs: number;
  /** Send keys one room remembers for that (about 400 bytes each); past it the oldest are forgotten. @default 10000 */
  dedupeMaxKeys: number;
  /** After-event callbacks one node holds (waiting, in flight or to retry); past it new ones are dropped and counted. @default 10000 */
  callbackQueueMax: number;
  /** Attempts per after-event callback, the first included. @default 4 */
  callbackMaxAttempts: number;
  /** Wait before the first retry of a failed after-event callback; doubles with each retry. @default 1000 */
  callbackRetryBaseMs: number;
  /** Callback requests one node has in flight at once (after-events; before-send callbacks are not limited). @default 32 */
  callbackConcurrency: number;
}

/** Node's default socket buffer mark: below it a socket emits no 'drain', so the high-water mark cannot be lower. */
const MIN_SOCKET_HIGH_WATER_BYTES = 16_384;
/** The costliest request (profile.get of 100 users, see gateway/request-cost.ts); a burst must fit it. */
const MAX_REQUEST_COST = 11;
/** Largest `resumeBufferSize`: messages per room held in memory and in the store for resume. */
export const MAX_RESUME_BUFFER_SIZE = 100_000;
/** Longest `resumeWindowMs`: 24 hours. */
export const MAX_RESUME_WINDOW_MS = 86_400_000;

/** Defaults of {@link ServerOptions}. */
export const DEFAULT_SERVER_OPTIONS: Readonly<ServerOptions> = Object.freeze({
  port: 8080,
  host: '127.0.0.1',
  dataDir: './data',
  db: '',
  bus: 'local:',
  nodeId: '',
  logLevel: 'info',
  heartbeatMs: 25_000,
  heartbeatTimeoutMs: 62_500,
  maxFrameBytes: 65_536,
  maxBadFramesPerMinute: 20,
  batchWindowMs: 20,
  batchWindowMaxMs: 500,
  fanoutWritesPerSec: 100_000,
  fanoutLagTargetMs: 500,
  fanoutMergeMaxMs: 1000,
  socketHighWaterBytes: 262_144,
  maxPendingBytes: 1_048_576,
  slowConsumerTimeoutMs: 5000,
  requestsPerSec: 100,
  requestBurst: 300,
  maxRequestsInFlight: 128,
  maxRefusedRequestsPerMinute: 100,
  maxFramesPerSec: 200,
  frameBurst: 1000,
  maxConnectionsPerIp: 500,
  maxConnectionsPerApp: 1_000_000,
  handshakesPerIpPerSec: 50,
  handshakeBurstPerIp: 500,
  trustedProxies: '',
  downstreamCapPerSec: 20,
  downstreamCapMinMembers: 1000,
  counterPushMs: 1000,
  memberTipsPerSec: 20,
  maxRoomsPerConnection: 100,
  idleUnloadMs: 300_000,
  resumeBufferSize: 1000,
  resumeWindowMs: 300_000,
  roomLeaseMs: 3000,
  roomLeaseRenewMs: 1000,
  appRefreshMs: 5000,
  shutdownGraceMs: 5000,
  drainTimeoutMs: 30_000,
  drainRetryAfterMs: 1000,
  handshakesPerSec: 500,
  handshakeBurst: 1000,
  sdkBundlePath: '',
  webPath: '',
  restMaxBodyBytes: 1_048_576,
  maxRoomsCreatedPerUserPerHour: 100,
  maxRoomsPerUser: 1000,
  maxRoomsPerApp: 100_000,
  maxProfilesPerApp: 1_000_000,
  maxAdminsPerRoom: 50,
  reviewQueueMax: 500,
  reviewHoldMs: 86_400_000,
  maxPinnedMessages: 3,
  dedupeWindowMs: 300_000,
  dedupeMaxKeys: 10_000,
  callbackQueueMax: 10_000,
  callbackMaxAttempts: 4,
  callbackRetryBaseMs: 1000,
  callbackConcurrency: 32,
});

/** Merge `partial` over the defaults and check every value. Throws a TypeError that says what to fix. */
export function resolveServerOptions(partial: Partial<ServerOptions> = {}): ServerOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<ServerOptions>;
  const o: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...defined };
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new TypeError(`port must be an integer 0–65535, got ${String(o.port)}`);
  if (typeof o.host !== 'string' || o.host === '') throw new TypeError('host must be a non-empty string');
  for (const key of [
    'heartbeatMs',
    'heartbeatTimeoutMs',
    'maxFrameBytes',
    'maxBadFramesPerMinute',
    'socketHighWaterBytes',
    'maxPendingBytes',
    'slowConsumerTimeoutMs',
    'requestsPerSec',
    'requestBurst',
    'maxRequestsInFlight',
    'maxRefusedRequestsPerMinute',
    'maxFramesPerSec',
    'frameBurst',
    'maxConnectionsPerIp',
    'maxConnectionsPerApp',
    'handshakesPerIpPerSec',
    'handshakeBurstPerIp',
    'memberTipsPerSec',
    'downstreamCapPerSec',
    'downstreamCapMinMembers',
    'counterPushMs',
    'maxRoomsPerConnection',
    'idleUnloadMs',
    'resumeBufferSize',
    'resumeWindowMs',
    'roomLeaseMs',
    'roomLeaseRenewMs',
    'fanoutWritesPerSec',
    'fanoutLagTargetMs',
    'fanoutMergeMaxMs',
    'appRefreshMs',
    'shutdownGraceMs',
    'drainTimeoutMs',
    'drainRetryAfterMs',
    'handshakesPerSec',
    'handshakeBurst',
    'restMaxBodyBytes',
    'maxRoomsCreatedPerUserPerHour',
    'maxRoomsPerUser',
    'maxRoomsPerApp',
    'maxProfilesPerApp',
    'maxAdminsPerRoom',
    'reviewQueueMax',
    'reviewHoldMs',
    'maxPinnedMessages',
    'dedupeWindowMs',
    'dedupeMaxKeys',
    'callbackQueueMax',
    'callbackMaxAttempts',
    'callbackRetryBaseMs',
    'callbackConcurrency',
  ] as const) {
    if (!Number.isFinite(o[key]) || o[key] <= 0) throw new TypeError(`${key} must be a positive number, got ${String(o[key])}`);
  }
  if (!Number.isInteger(o.resumeBufferSize) || o.resumeBufferSize > MAX_RESUME_BUFFER_SIZE)
    throw new TypeError(`resumeBufferSize must be a whole number from 1 to ${MAX_RESUME_BUFFER_SIZE}, got ${String(o.resumeBufferSize)}`);
  if (o.resumeWindowMs > MAX_RESUME_WINDOW_MS) throw new TypeError(`resumeWindowMs must be at most ${MAX_RESUME_WINDOW_MS} (24 hours), got ${String(o.resumeWindowMs)}`);
  if (o.roomLeaseRenewMs * 2 > o.roomLeaseMs) throw new TypeError(`roomLeaseRenewMs must be at most half of roomLeaseMs (${o.roomLeaseMs}), got ${o.roomLeaseRenewMs}`);
  if (o.socketHighWaterBytes < MIN_SOCKET_HIGH_WATER_BYTES) {
    throw new TypeError(`socketHighWaterBytes must be at least ${MIN_SOCKET_HIGH_WATER_BYTES} (the socket's own buffer mark), got ${o.socketHighWaterBytes}`);
  }
  if (o.maxPendingBytes < o.socketHighWaterBytes)
    throw new TypeError(`maxPendingBytes must be at least socketHighWaterBytes (${o.socketHighWaterBytes}), got ${o.maxPendingBytes}`);
  if (o.requestBurst < MAX_REQUEST_COST) throw new TypeError(`requestBurst must be at least ${MAX_REQUEST_COST} (the costliest request), got ${o.requestBurst}`);
  if (!Number.isFinite(o.batchWindowMs) || o.batchWindowMs < 0) throw new TypeError(`batchWindowMs must be ≥ 0, got ${String(o.batchWindowMs)}`);
  if (partial.batchWindowMaxMs === undefined) o.batchWindowMaxMs = Math.max(o.batchWindowMs, DEFAULT_SERVER_OPTIONS.batchWindowMaxMs);
  if (!Number.isFinite(o.batchWindowMaxMs) || o.batchWindowMaxMs < o.batchWindowMs) {
    throw new TypeError(`batchWindowMaxMs must be ≥ batchWindowMs (${o.batchWindowMs}), got ${String(o.batchWindowMaxMs)}`);
  }
  if (partial.heartbeatTimeoutMs === undefined) o.heartbeatTimeoutMs = Math.round(o.heartbeatMs * 2.5);
  if (!Number.isInteger(o.maxPinnedMessages) || o.maxPinnedMessages > 20)
    throw new TypeError(`maxPinnedMessages must be a whole number from 1 to 20, got ${String(o.maxPinnedMessages)}`);
  if (o.frameBurst < 1 || o.handshakeBurstPerIp < 1) throw new TypeError('frameBurst and handshakeBurstPerIp must be at least 1');
  if (typeof o.trustedProxies !== 'string') throw new TypeError('trustedProxies must be a string of addresses separated by commas, such as "10.0.0.1,10.0.0.2"');
  if (typeof o.bus !== 'string') throw new TypeError('bus must be a URL string such as "local:" or "nats://127.0.0.1:4222"');
  return o;
}

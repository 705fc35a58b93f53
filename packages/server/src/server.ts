/**
 * The composition root: the one place that picks adapters (store, bus, clock, logger) and
 * wires the engine, the gateway and the HTTP app onto one port.
 */
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { AppCache } from './apps/app-cache.js';
import { AppWatcher } from './apps/app-watcher.js';
import { DEFAULT_ADMISSION_STEPS } from './authority/admission.js';
import { createWordFilterStep, WordFilterCache } from './filter/word-filter-step.js';
import { AuthorityHost } from './authority/authority-host.js';
import { CallbackDispatcher } from './callbacks/callback-dispatcher.js';
import { UndiciCallbackTransport, type CallbackTransport } from './callbacks/callback-transport.js';
import { CONTROL_SUBJECT, USERS_SUBJECT, type Bus } from './bus/bus.js';
import { openBus } from './bus/open-bus.js';
import { systemClock, type Clock } from './clock/clock.js';
import { resolveServerOptions, type ServerOptions } from './config/options.js';
import { createCommandHandlers } from './gateway/command-handlers.js';
import { SessionRegistry } from './gateway/session-registry.js';
import { WsGateway } from './gateway/ws-gateway.js';
import { parseTrustedProxies } from './gateway/client-ip.js';
import { GroupService } from './groups/group-service.js';
import { RoomRegistry } from './groups/room-registry.js';
import { RoomRouter } from './groups/room-router.js';
import { RoomResync } from './groups/room-resync.js';
import { peerMembership, staticMembership, tracksPeers } from './groups/node-membership.js';
import { createHttpApp } from './http/http-app.js';
import { DirectMessageService } from './messages/direct-message-service.js';
import { MessageService } from './messages/message-service.js';
import { Metrics } from './metrics/metrics.js';
import { openStore } from './storage/open-store.js';
import type { AppRecord, Store } from './storage/store.js';
import { REST_COMMANDS } from './rest/commands/index.js';
import { ProfileService } from './users/profile-service.js';
import { UserSessions } from './users/user-sessions.js';

/** Adapters a caller may inject (tests); anything missing is built from the options. */
export interface StadiumDeps {
  clock: Clock;
  logger: Logger;
  store: Store;
  bus: Bus;
  metrics: Metrics;
  /**
   * Every node of the deployment, this one included (a fixed list). @default the bus's live
   * peers over a bus that tracks them (NATS), else [nodeId]
   */
  nodes: readonly string[];
  /** The text of /metrics (a worker of a multi-process node serves the whole node's). @default this process's registry */
  metricsText: () => Promise<string>;
  /** How callback requests are sent. @default pooled undici */
  callbackTransport: CallbackTransport;
}

/** A running server. */
export interface StadiumServer {
  /** `http://host:port`. */
  url: string;
  port: number;
  host: string;
  nodeId: string;
  store: Store;
  metrics: Metrics;
  /** The rooms this node is the authority for (after-send events). */
  authorities: AuthorityHost;
  /** This node's callbacks (after-event queue). */
  callbacks: CallbackDispatcher;
  /** Close connections with 1001, stop listening, persist room state, close the store and bus it opened. Idempotent. */
  close(): Promise<void>;
  /**
   * Drain (what SIGTERM does): `/readyz` turns 503, new handshakes are refused, every client
   * is told to reconnect elsewhere (close 4012 after an `err` with `retryAfterMs`); resolves
   * once they are gone or after `drainTimeoutMs`. It does not close: call {@link close} next.
   */
  drain(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Start a server. */
export async function startStadium(options: Partial<ServerOptions> = {}, deps: Partial<StadiumDeps> = {}): Promise<StadiumServer> {
  const o = resolveServerOptions(options);
  const nodeId = o.nodeId || `${hostname()}-${process.pid}`;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? pino({ level: o.logLevel, base: { node: nodeId } });
  const store = deps.store ?? (await openStore({ db: o.db, dataDir: o.dataDir }));
  const bus =
    deps.bus ??
    (await openBus(o.bus, {
      clock,
      node: nodeId,
      onHandlerError: (error, request) => logger.error({ err: error, app: request.sdkAppId, group: request.groupId, cmd: request.cmd }, 'authority request failed'),
    }));
  const metrics = deps.metrics ?? new Metrics();

  // A fixed list of nodes, or (over NATS) the live peers: then rooms move as nodes come and
  // go, and their authorities hold leases in the store.
  const dynamic = deps.nodes === undefined && tracksPeers(bus);
  const membership = dynamic ? peerMembership(bus, nodeId) : staticMembership(deps.nodes ?? [nodeId]);
  const sessions = new SessionRegistry();
  const appCache = new AppCache(store, clock, o.appRefreshMs);
  const router = new RoomRouter(bus, membership);
  const wordFilter = new WordFilterCache(store, clock, o.appRefreshMs);
  const callbacks = new CallbackDispatcher(
    { transport: deps.callbackTransport ?? new UndiciCallbackTransport(), clock, metrics, logger, apps: appCache },
    { maxQueued: o.callbackQueueMax, maxAttempts: o.callbackMaxAttempts, retryBaseMs: o.callbackRetryBaseMs, concurrency: o.callbackConcurrency },
  );
  const authorities = new AuthorityHost(
    {
      store,
      bus,
      clock,
      metrics,
      logger,
      apps: appCache,
      // The word filter, then the before-send callback last, right before the rate limiter.
      admissionSteps: [...DEFAULT_ADMISSION_STEPS, createWordFilterStep(wordFilter), callbacks.beforeSendStep],
      observer: callbacks.observer,
      ...(dynamic ? { placement: { owns: (sdkAppId: number, groupId: string) => router.authorityOf(sdkAppId, groupId) === nodeId, connected: () => membership.connected() } } : {}),
    },
    {
      nodeId,
      leaseMs: o.roomLeaseMs,
      leaseRenewMs: o.roomLeaseRenewMs,
      downstreamCapPerSec: o.downstreamCapPerSec,
      downstreamCapMinMembers: o.downstreamCapMinMembers,
      counterPushMs: o.counterPushMs,
      batchWindowMs: o.batchWindowMs,
      batchWindowMaxMs: o.batchWindowMaxMs,
      fanoutWritesPerSec: o.fanoutWritesPerSec,
      memberTipsPerSec: o.memberTipsPerSec,
      resumeBufferSize: o.resumeBufferSize,
      resumeWindowMs: o.resumeWindowMs,
      idleUnloadMs: o.idleUnloadMs,
      maxAdminsPerRoom: o.maxAdminsPerRoom,
      reviewQueueMax: o.reviewQueueMax,
      reviewHoldMs: o.reviewHoldMs,
      maxPinnedMessages: o.maxPinnedMessages,
      dedupeWindowMs: o.dedupeWindowMs,
      dedupeMaxKeys: o.dedupeMaxKeys,
    },
  );
  const rooms = new RoomRegistry(
    { store, bus, clock, metrics, logger, router },
    { idleUnloadMs: o.idleUnloadMs, lag: { targetMs: o.fanoutLagTargetMs, maxSpacingMs: o.fanoutMergeMaxMs } },
  );
  const groups = new GroupService({
    store,
    rooms,
    router,
    clock,
    logger,
    nodeId,
    maxRoomsPerConnection: o.maxRoomsPerConnection,
    quotas: { maxRoomsCreatedPerUserPerHour: o.maxRoomsCreatedPerUserPerHour, maxRoomsPerUser: o.maxRoomsPerUser, maxRoomsPerApp: o.maxRoomsPerApp },
    onMembership: callbacks.onMembership,
  });
  rooms.onMembersRemoved = (room, members, operator) => groups.removed(room, members, operator);
  rooms.onLagLevel = (room) => groups.reportLag(room);
  const unserveNode = rooms.serve(nodeId);
  const profiles = new ProfileService({
    store,
    maxProfilesPerApp: o.maxProfilesPerApp,
    onChanged: (sdkAppId, profile) => {
      for (const conn of sessions.connectionsOf(sdkAppId, profile.userID)) {
        conn.nick = profile.nick;
        conn.avatar = profile.avatar;
      }
    },
  });
  const messages = new MessageService({ router, groups });
  const directMessages = new DirectMessageService({ bus, clock });
  const userSessions = new UserSessions({ bus, store, clock });
  const handlers = createCommandHandlers({ clock, metrics, sessions, groups, messages, profiles, userSessions, onSession: callbacks.onSession });
  const resync = new RoomResync({ rooms, router, nodeId, logger, metrics });
  const unsubscribeControl = bus.subscribe(CONTROL_SUBJECT, (message) => {
    if (message.kind !== 'node-reset') return;
    authorities.nodeStarted(message.node);
    groups.reportCountsTo(message.node);
    // Its room traffic may have been lost on the way here: catch the rooms up (or tell their members).
    if (message.reconnected) resync.reconnected(message.node);
  });
  const unsubscribeMembership = membership.onChange(() => {
    // Rooms whose authority moved: members here are reported to the new one; rooms this
    // node no longer owns are given up (lease and numbers) so the new owner takes them at once.
    for (const node of rooms.reroute()) groups.reportCountsTo(node);
    authorities.rebalance();
  });
  authorities.start();
  const gateway = new WsGateway(
    {
      nodeId,
      heartbeatMs: o.heartbeatMs,
      heartbeatTimeoutMs: o.heartbeatTimeoutMs,
      maxFrameBytes: o.maxFrameBytes,
      maxBadFramesPerMinute: o.maxBadFramesPerMinute,
      socketHighWaterBytes: o.socketHighWaterBytes,
      maxPendingBytes: o.maxPendingBytes,
      slowConsumerTimeoutMs: o.slowConsumerTimeoutMs,
      requestsPerSec: o.requestsPerSec,
      requestBurst: o.requestBurst,
      maxRequestsInFlight: o.maxRequestsInFlight,
      maxRefusedRequestsPerMinute: o.maxRefusedRequestsPerMinute,
      maxFramesPerSec: o.maxFramesPerSec,
      frameBurst: o.frameBurst,
      maxConnectionsPerIp: o.maxConnectionsPerIp,
      maxConnectionsPerApp: o.maxConnectionsPerApp,
      handshakesPerIpPerSec: o.handshakesPerIpPerSec,
      handshakeBurstPerIp: o.handshakeBurstPerIp,
      trustedProxies: o.trustedProxies,
      handshakesPerSec: o.handshakesPerSec,
      handshakeBurst: o.handshakeBurst,
    },
    { clock, logger, metrics, apps: appCache, sessions, groups, handlers, onSession: callbacks.onSession },
  );
  const unsubscribeUsers = bus.subscribe(USERS_SUBJECT, (message) => gateway.onUserEvent(message));
  const appDeleted = (sdkAppId: number): void => {
    appCache.invalidate(sdkAppId);
    wordFilter.invalidate(sdkAppId);
    gateway.closeApp(sdkAppId);
    rooms.dropApp(sdkAppId);
    authorities.dropApp(sdkAppId);
  };
  const appChanged = (app: AppRecord): void => {
    appCache.set(app);
    rooms.updateApp(app);
    authorities.updateApp(app);
  };
  const appWatcher = new AppWatcher(store, clock, o.appRefreshMs, {
    recordsInUse: () => [...appCache.cached(), ...rooms.appRecords(), ...authorities.appRecords()],
    onChanged: appChanged,
    onDeleted: appDeleted,
  });
  const http = createHttpApp({
    logger,
    metrics,
    metricsText: deps.metricsText ?? (() => metrics.registry.metrics()),
    nodeId,
    sdkBundleDir: o.sdkBundlePath,
    health: () => ({ connections: sessions.all.size, rooms: rooms.size, authorities: authorities.size }),
    ready: () => gateway.ready,
    trustedProxies: [...parseTrustedProxies(o.trustedProxies)],
    rest: {
      commands: REST_COMMANDS,
      deps: {
        clock,
        store,
        groups,
        messages,
        profiles,
        directMessages,
        userSessions,
        appChanged,
        wordListsChanged: (sdkAppId) => wordFilter.invalidate(sdkAppId),
        sendTestCallback: (app) => callbacks.sendTest(app),
      },
      apps: appCache,
      clock,
      maxBodyBytes: o.restMaxBodyBytes,
    },
    webDir: o.webPath,
    devLogin: { store, apps: appCache, groups, clock },
    console: {
      store,
      clock,
      appDeleted,
    },
  });
  gateway.attach(http.server);
  appWatcher.start();
  await http.listen({ port: o.port, host: o.host });
  const address = http.server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  logger.info({ url }, 'stadium listening');

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      appWatcher.stop();
      await gateway.shutdown(o.shutdownGraceMs);
      await http.close();
      rooms.closeAll();
      await authorities.close();
      await callbacks.close();
      unsubscribeControl();
      unsubscribeMembership();
      unserveNode();
      unsubscribeUsers();
      if (!deps.bus) await bus.close();
      if (!deps.store) await store.close();
      logger.info('stadium stopped');
    })());

  let draining: Promise<void> | null = null;
  const drain = (): Promise<void> => (draining ??= gateway.drain(o.drainRetryAfterMs, o.drainTimeoutMs));

  return { url, port: address.port, host: o.host, nodeId, store, metrics, authorities, callbacks, close, drain, [Symbol.asyncDispose]: close };
}

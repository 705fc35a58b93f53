/**
 * The rooms this node is the authority for: it answers their requests on this node's
 * authority subject, loads a room on its first request and unloads it once it has had no
 * members anywhere for `idleUnloadMs`. What each command decides lives in
 * command-handlers.ts; the send path's checks in admission.ts.
 *
 * Sequence numbers must never repeat, even after a crash (a client that already saw seq N
 * would take a new message numbered N for a duplicate and drop it). So the store always
 * holds a reservation ahead of what has been assigned: on load the authority reserves
 * `seqReserve` numbers (atomically, Store.reserveSeq), and renews when half of it is used. A
 * crash leaves a gap (clients are told their resume was incomplete); a clean unload gives the
 * unused end back (Store.releaseSeq), so restarts leave none.
 *
 * When the deployment's nodes change (NATS: processes join and leave), a room's authority
 * moves, and for a moment two nodes could each think they are it. With `placement` the host
 * holds a lease per room in the store (Store.acquireRoomLease) and every reservation is
 * fenced by the lease's epoch (Store.reserveSeqFenced): a node takes a room only once the
 * previous holder's lease lapsed or was given up, renews its leases every `leaseRenewMs` while
 * it is connected to the others, and stops acting for a room (drops it, unrenewed) once its
 * lease may have lapsed; the new holder numbers above every earlier reservation.
 */
import { StadiumError } from '@stadium/protocol';
import type { Logger } from 'pino';
import type { AppCache } from '../apps/app-cache.js';
import { CONTROL_SUBJECT, authoritySubject, roomSubject, type Bus, type BusRequest, type Unsubscribe } from '../bus/bus.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { AppRecord } from '../core/records.js';
import { effectiveSettings, roomKey } from '../core/room-settings.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Store } from '../storage/store.js';
import { isNodeRequest } from '../wire/node-commands.js';
import { Admission, DEFAULT_ADMISSION_STEPS, type AdmissionStep } from './admission.js';
import type { AuthorityObserver } from './authority-observer.js';
import { createAuthorityHandlers, type AuthorityHandlers } from './command-handlers.js';
import { RoomAuthority } from './room-authority.js';
import { DEFAULT_MAX_PINNED_MESSAGES } from '../core/room-pins.js';
import { PinKeeper } from './pin-handlers.js';
import { RoomSequencer, type Published } from './room-sequencer.js';
import { RoomModeration } from './room-moderation.js';
import { ReviewQueue } from './review-queue.js';
import { RoomHistory } from './room-history.js';
import { DEFAULT_RESUME_WINDOW_MS, ResumeWindowWriter } from './resume-window-writer.js';
import { DEFAULT_DEDUPE_MAX_KEYS, DEFAULT_DEDUPE_WINDOW_MS, RecentSends } from './recent-sends.js';

/** What the host needs. */
export interface AuthorityHostDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  apps: AppCache;
  /** Admission steps, in order. @default DEFAULT_ADMISSION_STEPS */
  admissionSteps?: readonly AdmissionStep[];
  /** Told of message outcomes, dismissals and profile changes (callbacks). @default none */
  observer?: AuthorityObserver;
  /** Where rooms belong when the deployment's nodes change; rooms are then held by leases. @default none (a fixed deployment, no leases) */
  placement?: RoomPlacement;
}

/** Where rooms belong now (groups/room-router.ts over groups/node-membership.ts). */
export interface RoomPlacement {
  /** Whether this node is the room's authority by the current membership. */
  owns(sdkAppId: number, groupId: string): boolean;
  /** Whether this node is in touch with the others (leases are renewed only then). */
  connected(): boolean;
}

/** Host settings. */
export interface AuthorityHostOptions {
  nodeId: string;
  /** Automatic downstream cap: messages/s per member once a room has `downstreamCapMinMembers`. */
  downstreamCapPerSec: number;
  downstreamCapMinMembers: number;
  /** Counter changes are pushed to members (and stored) at most this often. @default 1000 */
  counterPushMs?: number;
  batchWindowMs: number;
  batchWindowMaxMs: number;
  fanoutWritesPerSec: number;
  memberTipsPerSec: number;
  resumeBufferSize: number;
  /** Messages published longer ago than this are not offered for resume, and not kept for it in the Store (ms). @default 300000 */
  resumeWindowMs?: number;
  /** Unload a room without members anywhere after this long. */
  idleUnloadMs: number;
  /** Sequence numbers reserved in the store ahead of use. @default 10000 */
  seqReserve?: number;
  /** Most admins a room may have. @default 50 */
  maxAdminsPerRoom?: number;
  /** Most messages a room holds for review. @default 500 */
  reviewQueueMax?: number;
  /** How long a message stays held for review (ms). @default 86400000 (24 h) */
  reviewHoldMs?: number;
  /** Most pinned messages a room may have. @default 3 */
  maxPinnedMessages?: number;
  /** Sends from one sender with the same client message ID (or REST `Random`) within this long are one message (ms). @default 300000 */
  dedupeWindowMs?: number;
  /** Most send keys a room remembers for that; past it the oldest are forgotten. @default 10000 */
  dedupeMaxKeys?: number;
  /** Length of a room lease (with `placement`): how long a dead authority keeps its rooms. @default 3000 */
  leaseMs?: number;
  /** How often held leases are renewed; an authority acts until `leaseMs - leaseRenewMs` after its last renewal. @default 1000 */
  leaseRenewMs?: number;
}

/** A message published by one of this node's rooms (after-send event). */
export interface AfterSend {
  sdkAppId: number;
  groupId: string;
  published: readonly Published[];
}

/** Authorities of this node. */
export class AuthorityHost {
  readonly #d: AuthorityHostDeps;
  readonly #o: Required<AuthorityHostOptions>;
  readonly #rooms = new Map<string, RoomAuthority>();
  readonly #loading = new Map<string, Promise<RoomAuthority | undefined>>();
  readonly #handlers: AuthorityHandlers;
  readonly #pins: PinKeeper;
  readonly #afterSend = new Set<(event: AfterSend) => void>();
  #unserve: Unsubscribe | null = null;
  #sweep: TimerHandle | null = null;
  #leaseTimer: TimerHandle | null = null;
  #closed = false;

  constructor(deps: AuthorityHostDeps, options: AuthorityHostOptions) {
    this.#d = deps;
    this.#o = {
      seqReserve: 10_000,
      resumeWindowMs: DEFAULT_RESUME_WINDOW_MS,
      counterPushMs: 1000,
      maxAdminsPerRoom: 50,
      reviewQueueMax: 500,
      reviewHoldMs: 86_400_000,
      maxPinnedMessages: DEFAULT_MAX_PINNED_MESSAGES,
      dedupeWindowMs: DEFAULT_DEDUPE_WINDOW_MS,
      dedupeMaxKeys: DEFAULT_DEDUPE_MAX_KEYS,
      leaseMs: 3000,
      leaseRenewMs: 1000,
      ...options,
    };
    if (this.#o.leaseRenewMs <= 0 || this.#o.leaseRenewMs * 2 > this.#o.leaseMs) throw new RangeError('leaseRenewMs must be above 0 and at most half of leaseMs');
    this.#pins = new PinKeeper({ store: deps.store, bus: deps.bus, clock: deps.clock, logger: deps.logger, maxPinnedMessages: this.#o.maxPinnedMessages });
    this.#handlers = createAuthorityHandlers({
      store: deps.store,
      bus: deps.bus,
      clock: deps.clock,
      logger: deps.logger,
      metrics: deps.metrics,
      admission: new Admission(deps.admissionSteps ?? DEFAULT_ADMISSION_STEPS, deps.clock),
      maxAdminsPerRoom: this.#o.maxAdminsPerRoom,
      reviewQueueMax: this.#o.reviewQueueMax,
      reviewHoldMs: this.#o.reviewHoldMs,
      pins: this.#pins,
      ...(deps.observer ? { observer: deps.observer } : {}),
      schedulePush: (room) => this.#schedulePush(room),
      drop: (room) => this.#drop(room),
    });
  }

  /** Answer on this node's authority subject and tell the deployment this node (re)started. */
  start(): void {
    this.#unserve = this.#d.bus.serve(authoritySubject(this.#o.nodeId), (request) => this.#handle(request));
    this.#d.bus.publish(CONTROL_SUBJECT, { kind: 'node-reset', node: this.#o.nodeId });
    this.#scheduleSweep();
    if (this.#d.placement) this.#scheduleLeaseRenewal();
  }

  /**
   * The deployment's nodes changed: unload (giving back their leases and numbers at once) the
   * rooms that now belong to another node.
   */
  rebalance(): void {
    const placement = this.#d.placement;
    if (!placement) return;
    for (const room of [...this.#rooms.values()]) if (!placement.owns(room.sdkAppId, room.groupId)) void this.#unload(room);
  }

  /** Listen to every message published by this node's rooms, after it is published. */
  onAfterSend(listener: (event: AfterSend) => void): () => void {
    this.#afterSend.add(listener);
    return () => this.#afterSend.delete(listener);
  }

  /** Rooms held now. */
  get size(): number {
    return this.#rooms.size;
  }

  /** App records the held rooms work with. */
  appRecords(): AppRecord[] {
    return [...this.#rooms.values()].map((room) => room.app);
  }

  /** Apply an app's new settings to its rooms. */
  updateApp(app: AppRecord): void {
    for (const room of this.#rooms.values()) {
      if (room.app.sdkAppId !== app.sdkAppId) continue;
      room.app = app;
      room.sequencer.setRate(room.settings.rateLimitPerSec);
    }
  }

  /** Forget every room of a deleted app. */
  dropApp(sdkAppId: number): void {
    for (const room of [...this.#rooms.values()]) {
      if (room.sdkAppId !== sdkAppId) continue;
      this.#drop(room);
      void room.history.discard();
      void room.resumeWindow.discard();
    }
  }

  /** A node restarted: the counts it had reported are gone (it reports again). */
  nodeStarted(node: string): void {
    if (node === this.#o.nodeId) return;
    for (const room of this.#rooms.values()) room.setCount(node, 0);
  }

  /** Stop answering and unload everything, giving back unused sequence numbers. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unserve?.();
    if (this.#sweep) this.#d.clock.clearTimeout(this.#sweep);
    if (this.#leaseTimer) this.#d.clock.clearTimeout(this.#leaseTimer);
    await Promise.all([...this.#rooms.values()].map((room) => this.#unload(room)));
  }

  async #handle(request: BusRequest): Promise<unknown> {
    if (isNodeRequest(request)) throw new StadiumError('SERVICE_UNAVAILABLE', `${request.cmd} is a node command, not an authority command`);
    // Cut off from the other nodes, it may no longer be the room's authority (and what it
    // published would reach nobody, or reach them late): it decides nothing until it is back.
    if (this.#d.placement && !this.#d.placement.connected()) throw new StadiumError('SERVICE_UNAVAILABLE', 'this node lost its connection to the other nodes; retry in a moment');
    const room = await this.#get(request.sdkAppId, request.groupId);
    if (!room) throw new StadiumError('GROUP_NOT_FOUND', request.groupId);
    room.idleSince = this.#d.clock.now();
    const h = this.#handlers;
    switch (request.cmd) {
      case 'submit':
        return h.submit(room, request.body);
      case 'members':
        return h.members(room, request.body);
      case 'info':
        return h.info(room, request.body);
      case 'counters':
        return h.counters(room, request.body);
      case 'attributes':
        return h.attributes(room, request.body);
      case 'pins':
        return h.pins(room, request.body);
      case 'settings':
        return h.settings(room, request.body);
      case 'dismiss':
        return h.dismiss(room, request.body);
      case 'profile':
        return h.profile(room, request.body);
      case 'notice':
        return h.notice(room, request.body);
      case 'role':
        return h.role(room, request.body);
      case 'mute':
        return h.mute(room, request.body);
      case 'ban':
        return h.ban(room, request.body);
      case 'unban':
        return h.unban(room, request.body);
      case 'member-list':
        return h['member-list'](room, request.body);
      case 'moderation':
        return h.moderation(room, request.body);
      case 'reviewQueue':
        return h.reviewQueue(room, request.body);
      case 'review':
        return h.review(room, request.body);
      case 'history':
        return h.history(room, request.body);
      case 'record':
        return h.record(room, request.body);
    }
  }

  #get(sdkAppId: number, groupId: string): Promise<RoomAuthority | undefined> {
    const key = roomKey(sdkAppId, groupId);
    const room = this.#rooms.get(key);
    if (room && room.leaseValidUntil <= this.#d.clock.now()) {
      // Its lease may have lapsed (this node lost touch): another node may hold the room now.
      this.#depose(room, 'lapsed', 'its lease was not renewed in time');
    } else if (room) return Promise.resolve(room);
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#load(sdkAppId, groupId, key).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  async #load(sdkAppId: number, groupId: string, key: string): Promise<RoomAuthority | undefined> {
    const { store, bus, clock, metrics, apps } = this.#d;
    const [app, record, memberStates, held] = await Promise.all([
      apps.get(sdkAppId),
      store.getGroup(sdkAppId, groupId),
      store.listMemberStates(sdkAppId, groupId),
      store.listHeldMessages(sdkAppId, groupId),
    ]);
    if (!app || !record) return undefined;
    const settings = effectiveSettings(app, record);
    const lease = this.#d.placement ? await this.#acquireLease(sdkAppId, groupId) : { epoch: 0, validUntil: Infinity };
    const reserve = lease.epoch > 0 ? store.reserveSeqFenced(sdkAppId, groupId, this.#o.seqReserve, lease.epoch) : store.reserveSeq(sdkAppId, groupId, this.#o.seqReserve);
    const [first, kept, resumeSeed] = await Promise.all([
      reserve,
      store.lastHistory(sdkAppId, groupId, settings.historySize),
      store.lastResumeWindow(sdkAppId, groupId, this.#o.resumeBufferSize),
    ]);
    if (first === 0) throw new StadiumError('SERVICE_UNAVAILABLE', `the authority of room ${groupId} moved to another node while it loaded; retry`);
    // Assigned once the sequencer exists; its callbacks only run after that.
    const holder: { room?: RoomAuthority } = {};
    const resumeWindow = new ResumeWindowWriter({ store, clock, logger: this.#d.logger }, sdkAppId, groupId, {
      size: this.#o.resumeBufferSize,
      windowMs: this.#o.resumeWindowMs,
    });
    const sequencer = new RoomSequencer(
      { clock, bus, metrics },
      {
        sdkAppId,
        groupId,
        subject: roomSubject(sdkAppId, groupId),
        nextSeq: first,
        firstSeq: record.firstSeq,
        ratePerSec: settings.rateLimitPerSec,
        tipsPerSec: this.#o.memberTipsPerSec,
        batchWindowMs: this.#o.batchWindowMs,
        batchWindowMaxMs: this.#o.batchWindowMaxMs,
        fanoutWritesPerSec: this.#o.fanoutWritesPerSec,
        busiestNodeMembers: () => holder.room?.busiestNodeMembers ?? 0,
        downstreamCapPerSec: () => (holder.room ? this.#downstreamCap(holder.room) : 0),
        lagLevel: () => holder.room?.lagLevel ?? 0,
        resumeBufferSize: this.#o.resumeBufferSize,
        resumeWindowMs: this.#o.resumeWindowMs,
        resumeSeed,
        onBatch: (entries, atMs) => resumeWindow.append(entries, atMs),
        onAdvance: (nextSeq) => {
          if (holder.room) this.#renew(holder.room, nextSeq);
        },
        onPublished: (published) => {
          holder.room?.history.append(published);
          for (const listener of this.#afterSend) listener({ sdkAppId, groupId, published });
        },
      },
    );
    // Held messages that expired while nobody held the room go now.
    const now = clock.now();
    const expired = held.filter((h) => h.expiresAt <= now).map((h) => h.holdId);
    if (expired.length > 0) {
      store.deleteHeldMessages(sdkAppId, groupId, expired).catch((error: unknown) => {
        this.#d.logger.warn({ err: error, app: sdkAppId, group: groupId }, 'could not delete expired held messages');
      });
    }
    const queue = new ReviewQueue(held.filter((h) => h.expiresAt > now));
    // Resends across a change of authority: the recent sends are rebuilt from the kept history.
    const sends = new RecentSends({ windowMs: this.#o.dedupeWindowMs, maxKeys: this.#o.dedupeMaxKeys });
    sends.rebuild(kept, now);
    const room = new RoomAuthority(app, record, sequencer, first + this.#o.seqReserve, now, new RoomModeration(memberStates), queue, sends);
    room.leaseEpoch = lease.epoch;
    room.leaseValidUntil = lease.validUntil;
    room.history = new RoomHistory({ store, clock, logger: this.#d.logger }, sdkAppId, groupId, () => room.settings, kept);
    room.resumeWindow = resumeWindow;
    holder.room = room;
    this.#pins.arm(room);
    this.#rooms.set(key, room);
    metrics.authorities.set(this.#rooms.size);
    return room;
  }

  /**
   * Take the room's lease for this node: at once when nobody holds it, else once the holder's
   * lease lapsed (it died or lost touch), trying every quarter of `leaseRenewMs` for up to
   * `leaseMs + leaseRenewMs`. Refuses with SERVICE_UNAVAILABLE when the room moved to
   * another node meanwhile or the lease stays held.
   */
  async #acquireLease(sdkAppId: number, groupId: string): Promise<{ epoch: number; validUntil: number }> {
    const { store, clock } = this.#d;
    const placement = this.#d.placement!;
    const { leaseMs, leaseRenewMs, nodeId } = this.#o;
    const giveUpAt = clock.now() + leaseMs + leaseRenewMs;
    for (;;) {
      if (this.#closed) throw new StadiumError('SERVICE_UNAVAILABLE', 'this node is shutting down; retry');
      if (!placement.owns(sdkAppId, groupId)) throw new StadiumError('SERVICE_UNAVAILABLE', `the authority of room ${groupId} moved to another node; retry`);
      const now = clock.now();
      const epoch = await store.acquireRoomLease(sdkAppId, groupId, nodeId, 0, now, now + leaseMs);
      if (epoch > 0) {
        this.#d.metrics.leasesAcquired.inc();
        return { epoch, validUntil: now + leaseMs - leaseRenewMs };
      }
      if (now >= giveUpAt) throw new StadiumError('SERVICE_UNAVAILABLE', `room ${groupId} is still held by another node; retry`);
      await new Promise<void>((resolve) => clock.setTimeout(resolve, Math.max(1, Math.floor(leaseRenewMs / 4))));
    }
  }

  #scheduleLeaseRenewal(): void {
    if (this.#closed) return;
    this.#leaseTimer = this.#d.clock.setTimeout(() => {
      this.#leaseTimer = null;
      void this.#renewLeases().finally(() => this.#scheduleLeaseRenewal());
    }, this.#o.leaseRenewMs);
  }

  /** Renew every held lease (only while connected); drop a room whose lease is gone or may have lapsed. */
  async #renewLeases(): Promise<void> {
    const { store, clock, logger } = this.#d;
    const { leaseMs, leaseRenewMs, nodeId } = this.#o;
    const connected = this.#d.placement!.connected();
    await Promise.all(
      [...this.#rooms.values()].map(async (room) => {
        const now = clock.now();
        if (connected && room.leaseEpoch > 0) {
          try {
            const epoch = await store.acquireRoomLease(room.sdkAppId, room.groupId, nodeId, room.leaseEpoch, now, now + leaseMs);
            if (epoch === room.leaseEpoch) {
              room.leaseValidUntil = now + leaseMs - leaseRenewMs;
              return;
            }
            this.#depose(room, 'taken', 'another node holds its lease');
            return;
          } catch (error) {
            this.#d.metrics.leaseRenewFailures.inc();
            logger.warn({ err: error, app: room.sdkAppId, group: room.groupId }, 'could not renew the room lease');
          }
        }
        if (room.leaseValidUntil <= clock.now()) this.#depose(room, 'lapsed', 'its lease was not renewed in time');
      }),
    );
  }

  /** Stop acting for a room whose lease is, or may be, another node's: nothing is given back. */
  #depose(room: RoomAuthority, reason: 'taken' | 'lapsed', why: string): void {
    this.#d.metrics.leasesLost.inc({ reason });
    this.#d.logger.warn({ app: room.sdkAppId, group: room.groupId, epoch: room.leaseEpoch }, `no longer the room's authority: ${why}`);
    this.#drop(room);
    void room.history.flush();
    void room.resumeWindow.flush();
  }

  /** The cap in force: the room's own, or the automatic one once the room is big. */
  #downstreamCap(room: RoomAuthority): number {
    const own = room.settings.downstreamCapPerSec;
    if (own !== null) return own;
    return room.memberCount >= this.#o.downstreamCapMinMembers ? this.#o.downstreamCapPerSec : 0;
  }

  #schedulePush(room: RoomAuthority): void {
    if (room.counterTimer !== null) return;
    room.counterTimer = this.#d.clock.setTimeout(() => this.#pushCounters(room), this.#o.counterPushMs);
  }

  /** Tell members the counter totals after a change (one message for all), and store them. */
  #pushCounters(room: RoomAuthority): void {
    room.counterTimer = null;
    if (room.closed || !room.counters.changed) return;
    const { sdkAppId, groupId } = room;
    room.counters.takeChanges();
    // Every counter, not only the changed ones: a member that missed a push is whole again.
    const counters = room.counters.all();
    this.#d.bus.publish(roomSubject(sdkAppId, groupId), { kind: 'counters', sdkAppId, groupId, counters });
    this.#d.store.updateGroup(sdkAppId, groupId, { counters }).catch((error: unknown) => {
      this.#d.logger.warn({ err: error, app: sdkAppId, group: groupId }, 'could not store counters');
    });
  }

  /** Reserve the next block once half of the current one is used. */
  #renew(room: RoomAuthority, nextSeq: number): void {
    if (room.renewing || room.reservedEnd - nextSeq > this.#o.seqReserve / 2) return;
    room.renewing = true;
    const { sdkAppId, groupId } = room;
    const reserve =
      room.leaseEpoch > 0
        ? this.#d.store.reserveSeqFenced(sdkAppId, groupId, this.#o.seqReserve, room.leaseEpoch)
        : this.#d.store.reserveSeq(sdkAppId, groupId, this.#o.seqReserve);
    reserve.then(
      (first) => {
        room.renewing = false;
        if (first === 0) {
          this.#depose(room, 'taken', 'another node took its lease');
          return;
        }
        if (first !== room.reservedEnd) {
          // Someone else reserved in between: continue in our new block, never in theirs.
          this.#d.logger.warn({ app: sdkAppId, group: groupId, expected: room.reservedEnd, got: first }, 'sequence reservation was not contiguous');
          room.sequencer.skipTo(first);
        }
        room.reservedEnd = first + this.#o.seqReserve;
      },
      (error: unknown) => {
        room.renewing = false;
        this.#d.logger.warn({ err: error, app: sdkAppId, group: groupId }, 'could not renew the sequence reservation');
      },
    );
  }

  /** Forget a room without storing anything (dismissed or deleted). */
  #drop(room: RoomAuthority): void {
    const key = roomKey(room.sdkAppId, room.groupId);
    if (this.#rooms.get(key) !== room) return;
    this.#rooms.delete(key);
    if (room.counterTimer !== null) this.#d.clock.clearTimeout(room.counterTimer);
    this.#pins.disarm(room);
    room.closed = true;
    room.sequencer.close();
    this.#d.metrics.authorities.set(this.#rooms.size);
  }

  /** Unload a room: give back the unused sequence numbers and store pending counters. */
  async #unload(room: RoomAuthority): Promise<void> {
    const key = roomKey(room.sdkAppId, room.groupId);
    if (this.#rooms.get(key) !== room) return;
    const pendingCounters = room.counterTimer !== null;
    this.#drop(room);
    const { store, logger } = this.#d;
    const { sdkAppId, groupId } = room;
    await store.releaseSeq(sdkAppId, groupId, room.reservedEnd, room.sequencer.nextSeq).catch((error: unknown) => {
      logger.warn({ err: error, app: sdkAppId, group: groupId }, 'could not give back the sequence reservation');
    });
    await Promise.all([room.history.flush(), room.resumeWindow.flush()]);
    // Last: the next holder may take the room at once, and numbers from where this one stopped.
    if (room.leaseEpoch > 0) {
      await store.releaseRoomLease(sdkAppId, groupId, this.#o.nodeId, room.leaseEpoch).catch((error: unknown) => {
        logger.warn({ err: error, app: sdkAppId, group: groupId }, 'could not give back the room lease');
      });
    }
    if (pendingCounters) await store.updateGroup(sdkAppId, groupId, { counters: room.counters.all() }).catch(() => undefined);
  }

  #scheduleSweep(): void {
    this.#sweep = this.#d.clock.setTimeout(
      () => {
        const now = this.#d.clock.now();
        for (const room of [...this.#rooms.values()]) {
          if (room.memberCount === 0 && now - room.idleSince > this.#o.idleUnloadMs) void this.#unload(room);
        }
        this.#scheduleSweep();
      },
      Math.max(1000, this.#o.idleUnloadMs / 2),
    );
  }
}

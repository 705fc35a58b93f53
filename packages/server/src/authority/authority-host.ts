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

  constructor(deps: AuthorityHostDeps, options: AuthorityHostOptions) {
    this.#d = deps;
    this.#o = {
      seqReserve: 10_000,
      counterPushMs: 1000,
      maxAdminsPerRoom: 50,
      reviewQueueMax: 500,
      reviewHoldMs: 86_400_000,
      maxPinnedMessages: DEFAULT_MAX_PINNED_MESSAGES,
      dedupeWindowMs: DEFAULT_DEDUPE_WINDOW_MS,
      dedupeMaxKeys: DEFAULT_DEDUPE_MAX_KEYS,
      ...options,
    };
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
    }
  }

  /** A node restarted: the counts it had reported are gone (it reports again). */
  nodeStarted(node: string): void {
    if (node === this.#o.nodeId) return;
    for (const room of this.#rooms.values()) room.setCount(node, 0);
  }

  /** Stop answering and unload everything, giving back unused sequence numbers. */
  async close(): Promise<void> {
    this.#unserve?.();
    if (this.#sweep) this.#d.clock.clearTimeout(this.#sweep);
    await Promise.all([...this.#rooms.values()].map((room) => this.#unload(room)));
  }

  async #handle(request: BusRequest): Promise<unknown> {
    if (isNodeRequest(request)) throw new StadiumError('SERVICE_UNAVAILABLE', `${request.cmd} is a node command, not an authority command`);
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
    if (room) return Promise.resolve(room);
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
    const [first, kept] = await Promise.all([store.reserveSeq(sdkAppId, groupId, this.#o.seqReserve), store.lastHistory(sdkAppId, groupId, settings.historySize)]);
    // Assigned once the sequencer exists; its callbacks only run after that.
    const holder: { room?: RoomAuthority } = {};
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
        resumeBufferSize: this.#o.resumeBufferSize,
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
    room.history = new RoomHistory({ store, clock, logger: this.#d.logger }, sdkAppId, groupId, () => room.settings, kept);
    holder.room = room;
    this.#pins.arm(room);
    this.#rooms.set(key, room);
    metrics.authorities.set(this.#rooms.size);
    return room;
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
    this.#d.store.reserveSeq(sdkAppId, groupId, this.#o.seqReserve).then(
      (first) => {
        room.renewing = false;
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
    await room.history.flush();
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

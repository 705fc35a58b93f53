/**
 * The rooms this node is the authority for, answering requests from every node on the bus.
 * A room's authority is loaded on first request and unloaded once it has had no members
 * anywhere for `idleUnloadMs`.
 *
 * Sequence numbers must never repeat, even after a crash (a client that already saw seq N
 * would take a new message numbered N for a duplicate and drop it). So the store always
 * holds a reservation ahead of what has been assigned: on load the authority reserves
 * `seqReserve` numbers, and renews the reservation when half of it is used. A crash leaves a
 * gap (clients are told their resume was incomplete); a clean unload stores the exact next
 * number, so restarts leave none.
 */
import { GROUP_SYSTEM_NOTICE, StadiumError } from '@stadium/protocol';
import type { GroupTipPayload } from '@stadium/protocol';
import type { Logger } from 'pino';
import type { AppCache } from '../apps/app-cache.js';
import { CONTROL_SUBJECT, authoritySubject, roomSubject, type Bus, type BusReply, type BusRequest, type Unsubscribe } from '../bus/bus.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Metrics } from '../metrics/metrics.js';
import { RoomSequencer } from '../messages/room-sequencer.js';
import { buildCountersFrame } from '../fanout/room-batch.js';
import type { AppRecord, Store } from '../storage/store.js';
import { RoomAuthority } from './room-authority.js';
import { effectiveSettings, roomKey } from './room.js';

/** What the host needs. */
export interface AuthorityHostDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  apps: AppCache;
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
}

interface Held {
  authority: RoomAuthority;
  /** Pending push of changed counters. */
  counterTimer: TimerHandle | null;
  /** Highest sequence number (exclusive) reserved in the store. */
  reserved: number;
  renewing: boolean;
  idleSince: number;
}

/** Authorities of this node. */
export class AuthorityHost {
  readonly #d: AuthorityHostDeps;
  readonly #o: Required<AuthorityHostOptions>;
  readonly #held = new Map<string, Held>();
  readonly #loading = new Map<string, Promise<Held | undefined>>();
  #unserve: Unsubscribe | null = null;
  #sweep: TimerHandle | null = null;

  constructor(deps: AuthorityHostDeps, options: AuthorityHostOptions) {
    this.#d = deps;
    this.#o = { seqReserve: 10_000, counterPushMs: 1000, ...options };
  }

  /** Answer on this node's authority subject and tell the deployment this node (re)started. */
  start(): void {
    this.#unserve = this.#d.bus.serve(authoritySubject(this.#o.nodeId), (request) => this.#handle(request));
    this.#d.bus.publish(CONTROL_SUBJECT, { kind: 'node-reset', node: this.#o.nodeId });
    this.#scheduleSweep();
  }

  /** Rooms held now. */
  get size(): number {
    return this.#held.size;
  }

  /** App records the held rooms work with. */
  appRecords(): AppRecord[] {
    return [...this.#held.values()].map((h) => h.authority.app);
  }

  /** Apply an app's new settings to its rooms. */
  updateApp(app: AppRecord): void {
    for (const { authority } of this.#held.values()) {
      if (authority.app.sdkAppId !== app.sdkAppId) continue;
      authority.app = app;
      authority.sequencer.setRate(authority.settings.rateLimitPerSec);
    }
  }

  /** Forget every room of a deleted app. */
  dropApp(sdkAppId: number): void {
    for (const [key, held] of this.#held) if (held.authority.app.sdkAppId === sdkAppId) this.#drop(key, held);
  }

  /** A node restarted: the counts it had reported are gone (it reports again). */
  nodeStarted(node: string): void {
    if (node === this.#o.nodeId) return;
    for (const { authority } of this.#held.values()) authority.setCount(node, 0);
  }

  /** Stop answering and unload everything, storing exact sequence numbers. */
  async close(): Promise<void> {
    this.#unserve?.();
    if (this.#sweep) this.#d.clock.clearTimeout(this.#sweep);
    await Promise.all([...this.#held].map(([key, held]) => this.#unload(key, held)));
  }

  async #handle(request: BusRequest): Promise<BusReply> {
    try {
      const held = await this.#get(request.sdkAppId, request.groupId);
      if (!held) return { ok: false, error: 'GROUP_NOT_FOUND', detail: request.groupId };
      const a = held.authority;
      held.idleSince = this.#d.clock.now();
      switch (request.kind) {
        case 'submit': {
          const { seq, time, sampled } = await a.sequencer.submit(request.message);
          return sampled ? { ok: true, seq, time, sampled } : { ok: true, seq, time };
        }
        case 'members': {
          a.setCount(request.node, request.count);
          const reply: BusReply = { ok: true, memberCount: a.memberCount, lastSeq: a.sequencer.lastSeq };
          if (request.sinceSeq !== undefined) {
            const missed = a.sequencer.since(request.sinceSeq);
            reply.entries = missed.entries;
            reply.complete = missed.complete;
          }
          if (request.tip && a.settings.memberTips) {
            (request.tip.payload as GroupTipPayload).memberNum = a.memberCount;
            a.sequencer.submitTip(request.tip);
          }
          return reply;
        }
        case 'info':
          return { ok: true, memberCount: a.memberCount, lastSeq: a.sequencer.lastSeq, settings: a.settings };
        case 'counters': {
          const counters = a.counters.apply(request.request);
          if (a.counters.changed && held.counterTimer === null) {
            held.counterTimer = this.#d.clock.setTimeout(() => this.#pushCounters(held), this.#o.counterPushMs);
          }
          return { ok: true, counters };
        }
        case 'settings': {
          const settings = { ...a.record.settings, ...request.settings };
          const record = (await this.#d.store.updateGroup(request.sdkAppId, request.groupId, { settings })) ?? { ...a.record, settings };
          a.record = { ...record, nextSeq: a.record.nextSeq };
          a.sequencer.setRate(a.settings.rateLimitPerSec);
          this.#d.bus.publish(roomSubject(request.sdkAppId, request.groupId), { kind: 'room-updated', sdkAppId: request.sdkAppId, groupId: request.groupId, record: a.record });
          return { ok: true, settings: a.settings };
        }
        case 'dismiss': {
          const now = this.#d.clock.now();
          a.sequencer.submitNotice({
            id: `notice-${a.sequencer.nextSeq}-${now}`,
            type: 'TIMGroupSystemNoticeElem',
            payload: { operationType: GROUP_SYSTEM_NOTICE.DISMISSED, operatorID: request.operatorId },
            from: request.operatorId,
            priority: 'High',
          });
          this.#d.bus.publish(roomSubject(request.sdkAppId, request.groupId), { kind: 'room-closed', sdkAppId: request.sdkAppId, groupId: request.groupId });
          this.#drop(roomKey(request.sdkAppId, request.groupId), held);
          await this.#d.store.deleteGroup(request.sdkAppId, request.groupId);
          this.#d.logger.info({ app: request.sdkAppId, group: request.groupId, operator: request.operatorId }, 'room dismissed');
          return { ok: true };
        }
      }
    } catch (error) {
      if (error instanceof StadiumError) return { ok: false, error: error.reason, detail: error.message };
      this.#d.logger.error({ err: error, app: request.sdkAppId, group: request.groupId, kind: request.kind }, 'authority request failed');
      return { ok: false, error: 'INTERNAL_ERROR' };
    }
  }

  #get(sdkAppId: number, groupId: string): Promise<Held | undefined> {
    const key = roomKey(sdkAppId, groupId);
    const held = this.#held.get(key);
    if (held) return Promise.resolve(held);
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#load(sdkAppId, groupId, key).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  async #load(sdkAppId: number, groupId: string, key: string): Promise<Held | undefined> {
    const { store, bus, clock, metrics, apps } = this.#d;
    const [app, record] = await Promise.all([apps.get(sdkAppId), store.getGroup(sdkAppId, groupId)]);
    if (!app || !record) return undefined;
    const reserved = record.nextSeq + this.#o.seqReserve;
    await store.updateGroup(sdkAppId, groupId, { nextSeq: reserved });
    const settings = effectiveSettings(app, record);
    const sequencer = new RoomSequencer(
      { clock, bus, metrics },
      {
        sdkAppId,
        groupId,
        subject: roomSubject(sdkAppId, groupId),
        nextSeq: record.nextSeq,
        ratePerSec: settings.rateLimitPerSec,
        tipsPerSec: this.#o.memberTipsPerSec,
        batchWindowMs: this.#o.batchWindowMs,
        batchWindowMaxMs: this.#o.batchWindowMaxMs,
        fanoutWritesPerSec: this.#o.fanoutWritesPerSec,
        busiestNodeMembers: () => held.authority.busiestNodeMembers,
        downstreamCapPerSec: () => this.#downstreamCap(held.authority),
        resumeBufferSize: this.#o.resumeBufferSize,
        onAdvance: (nextSeq) => this.#renew(key, nextSeq),
      },
    );
    const held: Held = { authority: new RoomAuthority(app, record, sequencer), counterTimer: null, reserved, renewing: false, idleSince: clock.now() };
    this.#held.set(key, held);
    metrics.authorities.set(this.#held.size);
    return held;
  }

  /** The cap in force: the room's own, or the automatic one once the room is big. */
  #downstreamCap(a: RoomAuthority): number {
    const own = a.settings.downstreamCapPerSec;
    if (own !== null) return own;
    return a.memberCount >= this.#o.downstreamCapMinMembers ? this.#o.downstreamCapPerSec : 0;
  }

  /** Tell members the counter totals after a change (one frame for all), and store them. */
  #pushCounters(held: Held): void {
    held.counterTimer = null;
    const a = held.authority;
    if (a.closed || !a.counters.changed) return;
    const { sdkAppId, groupId } = a.record;
    a.counters.takeChanges();
    // Every counter, not only the changed ones: a member that missed a push is whole again.
    this.#d.bus.publish(roomSubject(sdkAppId, groupId), { kind: 'counters', sdkAppId, groupId, wsFrame: buildCountersFrame(groupId, a.counters.all()) });
    void this.#d.store.updateGroup(sdkAppId, groupId, { counters: a.counters.all() }).catch((error: unknown) => {
      this.#d.logger.warn({ err: error, app: sdkAppId, group: groupId }, 'could not store counters');
    });
  }

  #renew(key: string, nextSeq: number): void {
    const held = this.#held.get(key);
    if (!held || held.renewing || held.reserved - nextSeq > this.#o.seqReserve / 2) return;
    const renewed = nextSeq + this.#o.seqReserve;
    held.renewing = true;
    void this.#storeNextSeq(held.authority, renewed).then((ok) => {
      held.renewing = false;
      if (ok) held.reserved = renewed;
    });
  }

  async #storeNextSeq(authority: RoomAuthority, nextSeq: number): Promise<boolean> {
    try {
      await this.#d.store.updateGroup(authority.app.sdkAppId, authority.record.groupId, { nextSeq });
      return true;
    } catch (error) {
      this.#d.logger.warn({ err: error, app: authority.app.sdkAppId, group: authority.record.groupId }, 'could not store the sequence reservation');
      return false;
    }
  }

  /** Forget a room without storing anything (dismissed or deleted). */
  #drop(key: string, held: Held): void {
    if (this.#held.get(key) !== held) return;
    this.#held.delete(key);
    if (held.counterTimer !== null) this.#d.clock.clearTimeout(held.counterTimer);
    held.authority.closed = true;
    held.authority.sequencer.close();
    this.#d.metrics.authorities.set(this.#held.size);
  }

  /** Unload a room, storing its exact next sequence number. */
  async #unload(key: string, held: Held): Promise<void> {
    if (this.#held.get(key) !== held) return;
    this.#drop(key, held);
    const a = held.authority;
    await this.#storeNextSeq(a, a.sequencer.nextSeq);
    if (held.counterTimer !== null) await this.#d.store.updateGroup(a.app.sdkAppId, a.record.groupId, { counters: a.counters.all() }).catch(() => undefined);
  }

  #scheduleSweep(): void {
    this.#sweep = this.#d.clock.setTimeout(() => {
      const now = this.#d.clock.now();
      for (const [key, held] of this.#held) {
        if (held.authority.memberCount === 0 && now - held.idleSince > this.#o.idleUnloadMs) void this.#unload(key, held);
      }
      this.#scheduleSweep();
    }, Math.max(1000, this.#o.idleUnloadMs / 2));
  }
}

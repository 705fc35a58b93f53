/**
 * The rooms loaded on this node. A room is loaded from the store the first time someone
 * touches it, kept while it has members, and unloaded after it has been empty for
 * `idleUnloadMs` (its next sequence number is persisted, so numbering continues).
 */
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import { roomSubject } from '../bus/bus.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { RoomFanout } from '../fanout/room-fanout.js';
import type { Metrics } from '../metrics/metrics.js';
import { RoomSequencer } from '../messages/room-sequencer.js';
import type { AppRecord, GroupRecord, Store } from '../storage/store.js';
import { Room, effectiveSettings, roomKey } from './room.js';

/** What the registry needs. */
export interface RoomRegistryDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
}

/** Registry settings. */
export interface RoomRegistryOptions {
  batchWindowMs: number;
  memberTipsPerSec: number;
  resumeBufferSize: number;
  /** Unload a room empty for this long. @default 300000 */
  idleUnloadMs?: number;
  /** Persist a room's next sequence number at most this often. @default 1000 */
  persistSeqEveryMs?: number;
}

/** Loaded rooms of this node. */
export class RoomRegistry {
  readonly #deps: RoomRegistryDeps;
  readonly #o: Required<RoomRegistryOptions>;
  readonly #rooms = new Map<string, Room>();
  readonly #loading = new Map<string, Promise<Room | undefined>>();
  readonly #idleTimers = new Map<string, TimerHandle>();
  readonly #persistTimers = new Map<string, TimerHandle>();

  constructor(deps: RoomRegistryDeps, options: RoomRegistryOptions) {
    this.#deps = deps;
    this.#o = { idleUnloadMs: 300_000, persistSeqEveryMs: 1000, ...options };
  }

  /** Rooms loaded now. */
  get size(): number {
    return this.#rooms.size;
  }

  /** Loaded rooms (for shutdown and metrics). */
  loaded(): IterableIterator<Room> {
    return this.#rooms.values();
  }

  /** The room, loading it from the store if needed; undefined if it does not exist. */
  async get(app: AppRecord, groupId: string): Promise<Room | undefined> {
    const key = roomKey(app.sdkAppId, groupId);
    const room = this.#rooms.get(key);
    if (room) return room;
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#deps.store.getGroup(app.sdkAppId, groupId).then((record) => {
        this.#loading.delete(key);
        if (!record) return undefined;
        return this.#rooms.get(key) ?? this.#load(app, record);
      });
      this.#loading.set(key, loading);
    }
    return loading;
  }

  /** Register a room that was just created in the store. */
  add(app: AppRecord, record: GroupRecord): Room {
    return this.#rooms.get(roomKey(app.sdkAppId, record.groupId)) ?? this.#load(app, record);
  }

  /** Note that a room lost or gained members, to start or cancel its idle unload. */
  touch(room: Room): void {
    const timer = this.#idleTimers.get(room.key);
    if (room.fanout.size > 0) {
      if (timer) {
        this.#deps.clock.clearTimeout(timer);
        this.#idleTimers.delete(room.key);
      }
    } else if (!timer && !room.closed) {
      this.#idleTimers.set(
        room.key,
        this.#deps.clock.setTimeout(() => {
          this.#idleTimers.delete(room.key);
          if (room.fanout.size === 0) void this.unload(room);
        }, this.#o.idleUnloadMs),
      );
    }
  }

  /** Drop a room from memory (after dismissal, or when idle), persisting its sequence. */
  async unload(room: Room, persist = true): Promise<void> {
    if (this.#rooms.get(room.key) !== room) return;
    this.#rooms.delete(room.key);
    room.closed = true;
    room.sequencer.close();
    room.fanout.dispose();
    for (const timers of [this.#idleTimers, this.#persistTimers]) {
      const t = timers.get(room.key);
      if (t) {
        this.#deps.clock.clearTimeout(t);
        timers.delete(room.key);
      }
    }
    this.#deps.metrics.rooms.set(this.#rooms.size);
    if (persist) await this.#persistSeq(room);
  }

  /** Unload everything (shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#rooms.values()].map((room) => this.unload(room)));
  }

  #load(app: AppRecord, record: GroupRecord): Room {
    const { bus, clock, metrics } = this.#deps;
    const subject = roomSubject(app.sdkAppId, record.groupId);
    const settings = effectiveSettings(app, record);
    const key = roomKey(app.sdkAppId, record.groupId);
    const sequencer = new RoomSequencer(
      { clock, bus, metrics },
      {
        sdkAppId: app.sdkAppId,
        groupId: record.groupId,
        subject,
        nextSeq: record.nextSeq,
        ratePerSec: settings.rateLimitPerSec,
        tipsPerSec: this.#o.memberTipsPerSec,
        batchWindowMs: this.#o.batchWindowMs,
        resumeBufferSize: this.#o.resumeBufferSize,
        onAdvance: () => this.#schedulePersist(key),
      },
    );
    const room = new Room(app, record, sequencer, new RoomFanout(bus, subject, metrics));
    this.#rooms.set(key, room);
    metrics.rooms.set(this.#rooms.size);
    this.touch(room);
    return room;
  }

  #schedulePersist(key: string): void {
    if (this.#persistTimers.has(key)) return;
    this.#persistTimers.set(
      key,
      this.#deps.clock.setTimeout(() => {
        this.#persistTimers.delete(key);
        const room = this.#rooms.get(key);
        if (room) void this.#persistSeq(room);
      }, this.#o.persistSeqEveryMs),
    );
  }

  async #persistSeq(room: Room): Promise<void> {
    const nextSeq = room.sequencer.nextSeq;
    if (nextSeq === room.record.nextSeq) return;
    room.record = { ...room.record, nextSeq };
    try {
      await this.#deps.store.updateGroup(room.app.sdkAppId, room.groupId, { nextSeq });
    } catch (error) {
      this.#deps.logger.warn({ err: error, app: room.app.sdkAppId, group: room.groupId }, 'could not persist sequence number');
    }
  }
}

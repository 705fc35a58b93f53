/**
 * The rooms loaded on this node. A room is loaded from the store the first time someone
 * touches it, kept while it has members, and unloaded after it has been empty for
 * `idleUnloadMs`.
 *
 * Sequence numbers must never repeat, even after a crash (a client that already saw seq N
 * would take a new message numbered N for a duplicate and drop it). So the store always
 * holds a reservation ahead of what has been assigned: on load the room reserves
 * `seqReserve` numbers, and renews the reservation when half of it is used. A crash leaves a
 * gap (clients are told their resume was incomplete); a clean unload stores the exact next
 * number, so restarts leave none.
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
  /** Sequence numbers reserved in the store ahead of use. @default 10000 */
  seqReserve?: number;
}

/** Loaded rooms of this node. */
export class RoomRegistry {
  readonly #deps: RoomRegistryDeps;
  readonly #o: Required<RoomRegistryOptions>;
  readonly #rooms = new Map<string, Room>();
  readonly #loading = new Map<string, Promise<Room | undefined>>();
  readonly #idleTimers = new Map<string, TimerHandle>();
  /** Highest sequence number (exclusive) reserved in the store, per room key. */
  readonly #reserved = new Map<string, number>();
  readonly #renewing = new Set<string>();

  constructor(deps: RoomRegistryDeps, options: RoomRegistryOptions) {
    this.#deps = deps;
    this.#o = { idleUnloadMs: 300_000, seqReserve: 10_000, ...options };
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
      loading = (async () => {
        try {
          const record = await this.#deps.store.getGroup(app.sdkAppId, groupId);
          if (!record) return undefined;
          const reserved = record.nextSeq + this.#o.seqReserve;
          await this.#deps.store.updateGroup(app.sdkAppId, groupId, { nextSeq: reserved });
          return this.#rooms.get(key) ?? this.#load(app, record, reserved);
        } finally {
          this.#loading.delete(key);
        }
      })();
      this.#loading.set(key, loading);
    }
    return loading;
  }

  /** Register a room that was just created in the store (with its first reservation made). */
  add(app: AppRecord, record: GroupRecord, reservedSeq: number): Room {
    return this.#rooms.get(roomKey(app.sdkAppId, record.groupId)) ?? this.#load(app, record, reservedSeq);
  }

  /** Sequence numbers a new room should reserve when it is first stored. */
  get seqReserve(): number {
    return this.#o.seqReserve;
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
    const idle = this.#idleTimers.get(room.key);
    if (idle) {
      this.#deps.clock.clearTimeout(idle);
      this.#idleTimers.delete(room.key);
    }
    this.#reserved.delete(room.key);
    this.#deps.metrics.rooms.set(this.#rooms.size);
    if (persist) await this.#storeNextSeq(room, room.sequencer.nextSeq);
  }

  /** The app records the loaded rooms work with. */
  appRecords(): Set<AppRecord> {
    const apps = new Set<AppRecord>();
    for (const room of this.#rooms.values()) apps.add(room.app);
    return apps;
  }

  /** Apply an app's new settings to its loaded rooms. */
  updateApp(app: AppRecord): void {
    for (const room of this.#rooms.values()) {
      if (room.app.sdkAppId !== app.sdkAppId) continue;
      room.app = app;
      room.sequencer.setRate(room.settings.rateLimitPerSec);
    }
  }

  /** Drop every room of a deleted app (its data is already gone from the store). */
  async dropApp(sdkAppId: number): Promise<void> {
    const rooms = [...this.#rooms.values()].filter((room) => room.app.sdkAppId === sdkAppId);
    await Promise.all(rooms.map((room) => this.unload(room, false)));
  }

  /** Unload everything (shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#rooms.values()].map((room) => this.unload(room)));
  }

  #load(app: AppRecord, record: GroupRecord, reservedSeq: number): Room {
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
        onAdvance: (nextSeq) => this.#renewReservation(key, nextSeq),
      },
    );
    const room = new Room(app, record, sequencer, new RoomFanout(bus, subject, metrics));
    this.#rooms.set(key, room);
    this.#reserved.set(key, reservedSeq);
    metrics.rooms.set(this.#rooms.size);
    this.touch(room);
    return room;
  }

  #renewReservation(key: string, nextSeq: number): void {
    const reserved = this.#reserved.get(key);
    if (reserved === undefined || this.#renewing.has(key) || reserved - nextSeq > this.#o.seqReserve / 2) return;
    const room = this.#rooms.get(key);
    if (!room) return;
    const renewed = nextSeq + this.#o.seqReserve;
    this.#renewing.add(key);
    void this.#storeNextSeq(room, renewed).then((ok) => {
      this.#renewing.delete(key);
      if (ok && this.#rooms.get(key) === room) this.#reserved.set(key, renewed);
    });
  }

  async #storeNextSeq(room: Room, nextSeq: number): Promise<boolean> {
    try {
      await this.#deps.store.updateGroup(room.app.sdkAppId, room.groupId, { nextSeq });
      return true;
    } catch (error) {
      this.#deps.logger.warn({ err: error, app: room.app.sdkAppId, group: room.groupId }, 'could not store the sequence reservation');
      return false;
    }
  }
}

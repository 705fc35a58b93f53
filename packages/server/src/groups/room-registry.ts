/**
 * The rooms this node holds members of. A room is loaded from the store the first time a
 * local client touches it and subscribed to its bus subject; it is unloaded once it has had
 * no local members for `idleUnloadMs`. Dismissals and settings changes made anywhere reach
 * it as `room-closed` / `room-updated` events, bans as `members-removed`.
 */
import { LIMITS, StadiumError } from '@stadium/protocol';
import type { Logger } from 'pino';
import type { ActorStamp } from '../core/actor.js';
import type { Bus, BusMessage, Unsubscribe } from '../bus/bus.js';
import { nodeSubject, roomSubject } from '../bus/bus.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { FanoutLagOptions } from '../fanout/fanout-lag.js';
import { RoomFanout } from '../fanout/room-fanout.js';
import type { Metrics } from '../metrics/metrics.js';
import type { AppRecord } from '../core/records.js';
import { roomKey } from '../core/room-settings.js';
import type { Store } from '../storage/store.js';
import { isNodeRequest, type NodeCommands, type NodeRequest } from '../wire/node-commands.js';
import type { MemberHandle } from './member.js';
import { Room } from './room.js';
import type { RoomRouter } from './room-router.js';

/** What the registry needs. */
export interface RoomRegistryDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  router: RoomRouter;
}

/** Registry settings. */
export interface RoomRegistryOptions {
  /** Unload a room without local members after this long. */
  idleUnloadMs: number;
  /** When a room's passes here run late, and how long its merged windows get (fanout/fanout-lag.ts). @default not measured */
  lag?: FanoutLagOptions;
}

/** Rooms with local members. */
export class RoomRegistry {
  readonly #d: RoomRegistryDeps;
  readonly #idleUnloadMs: number;
  readonly #lag: FanoutLagOptions | undefined;
  readonly #rooms = new Map<string, Room>();
  readonly #loading = new Map<string, Promise<Room | undefined>>();
  readonly #idleTimers = new Map<string, TimerHandle>();
  /** Told when a room's lag level here changed (to report it to the room's authority). */
  onLagLevel: ((room: Room) => void) | null = null;
  /** Told when members of a room were removed here by a ban made anywhere (to report the new count). */
  onMembersRemoved: ((room: Room, members: MemberHandle[], operator: ActorStamp | undefined) => void) | null = null;

  constructor(deps: RoomRegistryDeps, options: RoomRegistryOptions) {
    this.#d = deps;
    this.#idleUnloadMs = options.idleUnloadMs;
    this.#lag = options.lag;
  }

  /** Rooms loaded now. */
  get size(): number {
    return this.#rooms.size;
  }

  /** Loaded rooms. */
  loaded(): IterableIterator<Room> {
    return this.#rooms.values();
  }

  /** The room, loading it from the store if needed; undefined if it does not exist. */
  get(app: AppRecord, groupId: string): Promise<Room | undefined> {
    const key = roomKey(app.sdkAppId, groupId);
    const room = this.#rooms.get(key);
    if (room) return Promise.resolve(room);
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#d.store
        .getGroup(app.sdkAppId, groupId)
        .then((record) => {
          if (!record) return undefined;
          const existing = this.#rooms.get(key);
          if (existing) return existing;
          const subject = roomSubject(app.sdkAppId, groupId);
          const fanout = new RoomFanout(this.#d.bus, groupId, subject, this.#d.metrics, this.#d.clock, this.#lag);
          const loaded = new Room(app, record, fanout, this.#d.router.authorityOf(app.sdkAppId, groupId));
          fanout.onEvent = (message) => this.#onEvent(loaded, message);
          fanout.onLagLevel = () => this.onLagLevel?.(loaded);
          this.#rooms.set(key, loaded);
          this.#d.metrics.rooms.set(this.#rooms.size);
          this.touch(loaded);
          return loaded;
        })
        .finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  /** Note that a room lost or gained members, to start or cancel its idle unload. */
  touch(room: Room): void {
    const timer = this.#idleTimers.get(room.key);
    if (room.localCount > 0) {
      if (timer) {
        this.#d.clock.clearTimeout(timer);
        this.#idleTimers.delete(room.key);
      }
    } else if (!timer && !room.closed) {
      this.#idleTimers.set(
        room.key,
        this.#d.clock.setTimeout(() => {
          this.#idleTimers.delete(room.key);
          if (room.localCount === 0) this.unload(room);
        }, this.#idleUnloadMs),
      );
    }
  }

  /** Drop a room from this node. */
  unload(room: Room): void {
    if (this.#rooms.get(room.key) !== room) return;
    this.#rooms.delete(room.key);
    room.closed = true;
    for (const member of room.fanout.members()) (member as MemberHandle).removeRoom(room.groupId);
    room.fanout.dispose();
    room.listed.clear();
    const idle = this.#idleTimers.get(room.key);
    if (idle) {
      this.#d.clock.clearTimeout(idle);
      this.#idleTimers.delete(room.key);
    }
    this.#d.metrics.rooms.set(this.#rooms.size);
  }

  /** The app records the loaded rooms work with. */
  appRecords(): Set<AppRecord> {
    const apps = new Set<AppRecord>();
    for (const room of this.#rooms.values()) apps.add(room.app);
    return apps;
  }

  /** Apply an app's new record to its loaded rooms. */
  updateApp(app: AppRecord): void {
    for (const room of this.#rooms.values()) if (room.app.sdkAppId === app.sdkAppId) room.app = app;
  }

  /**
   * The deployment's nodes changed: route each loaded room to its authority now. Returns the
   * nodes that became the authority of a room here (this node reports its members to them).
   */
  reroute(): Set<string> {
    const gained = new Set<string>();
    for (const room of this.#rooms.values()) {
      const authority = this.#d.router.authorityOf(room.app.sdkAppId, room.groupId);
      if (authority === room.authority) continue;
      room.authority = authority;
      gained.add(authority);
    }
    return gained;
  }

  /** Drop every room of a deleted app. */
  dropApp(sdkAppId: number): void {
    for (const room of [...this.#rooms.values()]) if (room.app.sdkAppId === sdkAppId) this.unload(room);
  }

  /** Answer room authorities' questions about this node's members on the node's subject. */
  serve(nodeId: string): Unsubscribe {
    return this.#d.bus.serve(nodeSubject(nodeId), (request) => {
      if (!isNodeRequest(request)) return Promise.reject(new StadiumError('SERVICE_UNAVAILABLE', `${request.cmd} is an authority command, not a node command`));
      return this.answer(request);
    });
  }

  /**
   * Answer a room authority's question about this node's members (bus, this node's subject):
   * a room not loaded here has none.
   */
  async answer(request: NodeRequest): Promise<unknown> {
    const room = this.#rooms.get(roomKey(request.sdkAppId, request.groupId));
    switch (request.cmd) {
      case 'member-page': {
        const { before, count, lookup } = request.body;
        const res: NodeCommands['member-page']['res'] = { members: [], ordinals: {} };
        if (!room) return res;
        res.members = room.listed.page(before === 0 ? Infinity : before, Math.min(count, LIMITS.maxMemberListPage + 1));
        for (const userId of lookup?.slice(0, LIMITS.maxMemberListPage) ?? []) {
          const ordinal = room.listed.ordinalOf(userId);
          if (ordinal !== undefined) res.ordinals[userId] = ordinal;
        }
        return res;
      }
    }
  }

  /** Unload everything (shutdown). */
  closeAll(): void {
    for (const room of [...this.#rooms.values()]) this.unload(room);
  }

  #onEvent(room: Room, message: BusMessage): void {
    switch (message.kind) {
      case 'room-closed':
        this.unload(room);
        return;
      case 'room-updated':
        room.record = message.record;
        return;
      case 'members-removed': {
        const wanted = new Set(message.userIds);
        room.noteRemoved(message.userIds);
        const removed: MemberHandle[] = [];
        for (const recipient of room.fanout.members()) {
          const member = recipient as MemberHandle;
          if (member.userId === null || !wanted.has(member.userId)) continue;
          if (room.fanout.remove(member)) room.listed.remove(member.userId, member);
          member.removeRoom(room.groupId);
          removed.push(member);
        }
        if (removed.length > 0) {
          this.touch(room);
          this.onMembersRemoved?.(room, removed, message.operator);
        }
        return;
      }
      case 'direct':
      case 'batch':
      case 'counters':
      case 'node-reset':
      case 'user-message':
      case 'user-kick':
      case 'attributes':
      case 'pins':
      default:
        return;
    }
  }
}

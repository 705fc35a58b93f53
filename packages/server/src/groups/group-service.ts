/**
 * Live-room operations: create, join, quit, dismiss, profile, online count, settings.
 * Joins succeed at once (no approval); guests join to receive only; the owner cannot quit
 * but can dismiss, and dismissal reaches every member as a group system notice.
 */
import {
  LIMITS,
  StadiumError,
  TIM_TYPES,
  isValidCustomGroupId,
  isValidGroupId,
  utf8Length,
} from '@stadium/protocol';
import type { CountersRequest, CreateGroupRequest, GroupInfo, JoinResult, RoomSettings } from '@stadium/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Connection } from '../gateway/connection.js';
import type { GroupRecord, Store } from '../storage/store.js';
import { newAutoGroupId } from './group-id.js';
import { toGroupInfo } from './group-info.js';
import type { UnsequencedMessage } from '../messages/room-sequencer.js';
import type { Room } from './room.js';
import type { RoomRegistry } from './room-registry.js';
import type { RoomRouter } from './room-router.js';

/** Largest per-room rate a room may be given. */
const MAX_RATE_PER_SEC = 100_000;

function bytesAtMost(value: unknown, max: number, field: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new StadiumError('INVALID_PARAMETER', `${field} must be a string`);
  if (utf8Length(value) > max) throw new StadiumError('INVALID_GROUP_FIELD', `${field} is longer than ${max} bytes`);
  return value;
}

/** Check a settings patch; returns only the keys given. */
export function validateRoomSettings(input: Record<string, unknown>): Partial<RoomSettings> {
  const out: Partial<RoomSettings> = {};
  if (input.rateLimitPerSec !== undefined) {
    const rate = input.rateLimitPerSec;
    if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1 || rate > MAX_RATE_PER_SEC) {
      throw new StadiumError('INVALID_PARAMETER', `rateLimitPerSec must be an integer 1–${MAX_RATE_PER_SEC}`);
    }
    out.rateLimitPerSec = rate;
  }
  if (input.downstreamCapPerSec !== undefined) {
    const cap = input.downstreamCapPerSec;
    if (cap !== null && (typeof cap !== 'number' || !Number.isInteger(cap) || cap < 0 || cap > MAX_RATE_PER_SEC)) {
      throw new StadiumError('INVALID_PARAMETER', `downstreamCapPerSec must be null (automatic), 0 (off) or an integer 1–${MAX_RATE_PER_SEC}`);
    }
    out.downstreamCapPerSec = cap;
  }
  if (input.memberTips !== undefined) {
    if (typeof input.memberTips !== 'boolean') throw new StadiumError('INVALID_PARAMETER', 'memberTips must be a boolean');
    out.memberTips = input.memberTips;
  }
  return out;
}

/** Room operations for connections. */
export class GroupService {
  readonly #store: Store;
  readonly #rooms: RoomRegistry;
  readonly #router: RoomRouter;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #nodeId: string;
  readonly #maxRooms: number;

  constructor(deps: { store: Store; rooms: RoomRegistry; router: RoomRouter; clock: Clock; logger: Logger; nodeId: string; maxRoomsPerConnection: number }) {
    this.#store = deps.store;
    this.#rooms = deps.rooms;
    this.#router = deps.router;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#nodeId = deps.nodeId;
    this.#maxRooms = deps.maxRoomsPerConnection;
  }

  /** Find a room or fail with GROUP_NOT_FOUND / INVALID_GROUP_ID. */
  async room(conn: Connection, groupId: unknown): Promise<Room> {
    if (!isValidGroupId(groupId)) throw new StadiumError('INVALID_GROUP_ID', `got ${JSON.stringify(groupId)}`);
    const room = await this.#rooms.get(conn.app, groupId);
    if (!room || room.closed) throw new StadiumError('GROUP_NOT_FOUND', groupId);
    return room;
  }

  async create(conn: Connection, req: CreateGroupRequest): Promise<{ group: GroupInfo }> {
    if (conn.userId === null) throw new StadiumError('NOT_LOGGED_IN');
    if (req.type !== TIM_TYPES.GRP_AVCHATROOM) throw new StadiumError('GROUP_TYPE_NOT_SUPPORTED', `got ${JSON.stringify(req.type)}`);
    if (typeof req.name !== 'string' || req.name === '') throw new StadiumError('INVALID_PARAMETER', 'name is required');
    const now = this.#clock.now();
    const record: GroupRecord = {
      sdkAppId: conn.app.sdkAppId,
      groupId: '',
      type: 'AVChatRoom',
      name: bytesAtMost(req.name, LIMITS.maxGroupNameBytes, 'name'),
      ownerId: conn.userId,
      introduction: bytesAtMost(req.introduction, LIMITS.maxGroupIntroductionBytes, 'introduction'),
      notification: bytesAtMost(req.notification, LIMITS.maxGroupNotificationBytes, 'notification'),
      faceUrl: bytesAtMost(req.avatar, LIMITS.maxGroupFaceUrlBytes, 'avatar'),
      createdAt: now,
      lastInfoAt: now,
      muteAll: false,
      customFields: [],
      settings: req.settings === undefined ? {} : validateRoomSettings(req.settings),
      nextSeq: 1,
      counters: {},
    };
    if (req.groupID !== undefined && req.groupID !== '') {
      if (!isValidCustomGroupId(req.groupID)) throw new StadiumError('INVALID_GROUP_ID', `got ${JSON.stringify(req.groupID)}`);
      record.groupId = req.groupID;
      if (!(await this.#store.createGroup(record))) {
        const existing = await this.#store.getGroup(record.sdkAppId, record.groupId);
        throw new StadiumError(existing?.ownerId === conn.userId ? 'GROUP_ID_IN_USE' : 'GROUP_ID_TAKEN', record.groupId);
      }
    } else {
      do record.groupId = newAutoGroupId();
      while (!(await this.#store.createGroup(record)));
    }
    this.#logger.info({ app: conn.app.sdkAppId, group: record.groupId, owner: conn.userId, conn: conn.id }, 'room created');
    const room = await this.room(conn, record.groupId);
    return { group: toGroupInfo(room, { memberCount: 0, lastSeq: 0 }, conn.userId) };
  }

  async join(conn: Connection, groupId: unknown, sinceSeq: unknown): Promise<JoinResult> {
    if (sinceSeq !== undefined && (typeof sinceSeq !== 'number' || !Number.isInteger(sinceSeq) || sinceSeq < 0)) {
      throw new StadiumError('INVALID_PARAMETER', 'sinceSeq must be a non-negative integer');
    }
    const room = await this.room(conn, groupId);
    const now = this.#clock.now();
    if (conn.joined(room.groupId) === room) {
      const live = await this.#info(room);
      return { status: 'AlreadyInGroup', group: toGroupInfo(room, live, conn.userId, now), lastSeq: live.lastSeq };
    }
    if (conn.roomCount >= this.#maxRooms) throw new StadiumError('TOO_MANY_ROOMS', `${conn.roomCount} rooms`);
    const tip: UnsequencedMessage | undefined =
      typeof sinceSeq !== 'number' && conn.userId !== null && room.settings.memberTips ? this.#tip(room, conn, TIM_TYPES.GRP_TIP_MBR_JOIN, now) : undefined;
    room.pendingJoins++;
    this.#rooms.touch(room);
    let reply;
    try {
      reply = await this.#router.call(room.authority, {
        kind: 'members',
        sdkAppId: room.app.sdkAppId,
        groupId: room.groupId,
        node: this.#nodeId,
        count: room.localCount,
        ...(typeof sinceSeq === 'number' ? { sinceSeq } : {}),
        ...(tip ? { tip } : {}),
      });
    } finally {
      room.pendingJoins--;
    }
    if (conn.closing || room.closed) {
      this.#report(room);
      throw new StadiumError('GROUP_NOT_FOUND', room.groupId);
    }
    // Nothing below awaits: the member is added and caught up in one turn of the event loop,
    // and batches published after the authority answered arrive after its answer.
    room.fanout.add(conn);
    conn.addRoom(room);
    const live = { memberCount: reply.memberCount ?? 0, lastSeq: reply.lastSeq ?? 0 };
    const result: JoinResult = { status: 'JoinedSuccess', group: toGroupInfo(room, live, conn.userId, now), lastSeq: live.lastSeq };
    if (typeof sinceSeq === 'number') {
      conn.deliverOwn(room.groupId, reply.entries ?? []);
      result.resumed = reply.complete ?? false;
    }
    return result;
  }

  async quit(conn: Connection, groupId: unknown): Promise<{ groupID: string }> {
    const room = await this.room(conn, groupId);
    if (conn.joined(room.groupId) !== room) throw new StadiumError('NOT_GROUP_MEMBER', `not in ${room.groupId}`);
    if (conn.userId !== null && conn.userId === room.record.ownerId) throw new StadiumError('OWNER_CANNOT_QUIT');
    const tip = conn.userId !== null && room.settings.memberTips ? this.#tip(room, conn, TIM_TYPES.GRP_TIP_MBR_QUIT, this.#clock.now()) : undefined;
    this.#remove(conn, room);
    await this.#router.call(room.authority, { kind: 'members', sdkAppId: room.app.sdkAppId, groupId: room.groupId, node: this.#nodeId, count: room.localCount, ...(tip ? { tip } : {}) });
    return { groupID: room.groupId };
  }

  /** Remove a connection from a room without a tip (disconnects, logout). */
  leave(conn: Connection, room: Room): void {
    this.#remove(conn, room);
    if (!room.closed) this.#report(room);
  }

  async dismiss(conn: Connection, groupId: unknown): Promise<{ groupID: string }> {
    if (conn.userId === null) throw new StadiumError('NOT_LOGGED_IN');
    const room = await this.room(conn, groupId);
    if (!room.canManage(conn.userId)) throw new StadiumError('NO_PERMISSION', `only the owner of ${room.groupId} or an app admin may dismiss it`);
    await this.#router.call(room.authority, { kind: 'dismiss', sdkAppId: room.app.sdkAppId, groupId: room.groupId, operatorId: conn.userId });
    return { groupID: room.groupId };
  }

  async profile(conn: Connection, groupId: unknown): Promise<{ group: GroupInfo }> {
    const room = await this.room(conn, groupId);
    return { group: toGroupInfo(room, await this.#info(room), conn.userId) };
  }

  async onlineCount(conn: Connection, groupId: unknown): Promise<{ memberCount: number }> {
    const room = await this.room(conn, groupId);
    return { memberCount: (await this.#info(room)).memberCount };
  }

  async updateSettings(conn: Connection, body: Record<string, unknown>): Promise<{ settings: RoomSettings }> {
    if (conn.userId === null) throw new StadiumError('NOT_LOGGED_IN');
    const room = await this.room(conn, body.groupID);
    if (!room.canManage(conn.userId)) throw new StadiumError('NO_PERMISSION', `only the owner of ${room.groupId} or an app admin may change its settings`);
    const reply = await this.#router.call(room.authority, { kind: 'settings', sdkAppId: room.app.sdkAppId, groupId: room.groupId, settings: validateRoomSettings(body) });
    return { settings: reply.settings ?? room.settings };
  }

  async counters(conn: Connection, body: Record<string, unknown>): Promise<{ counters: Record<string, number> }> {
    const room = await this.room(conn, body.groupID);
    const op = body.op;
    if (op !== 'get') {
      if (conn.userId === null) throw new StadiumError('NOT_LOGGED_IN');
      if (conn.joined(room.groupId) !== room && !room.canManage(conn.userId)) throw new StadiumError('NOT_GROUP_MEMBER', `join ${room.groupId} to change its counters`);
    }
    const reply = await this.#router.call(room.authority, { kind: 'counters', sdkAppId: room.app.sdkAppId, groupId: room.groupId, request: body as unknown as CountersRequest });
    return { counters: reply.counters ?? {} };
  }

  async #info(room: Room): Promise<{ memberCount: number; lastSeq: number }> {
    const reply = await this.#router.call(room.authority, { kind: 'info', sdkAppId: room.app.sdkAppId, groupId: room.groupId });
    return { memberCount: reply.memberCount ?? 0, lastSeq: reply.lastSeq ?? 0 };
  }

  #remove(conn: Connection, room: Room): void {
    room.fanout.remove(conn);
    conn.removeRoom(room.groupId);
    this.#rooms.touch(room);
  }

  /** Report this node's member counts again to the rooms whose authority is `node` (it was reset). */
  reportCountsTo(node: string): void {
    for (const room of this.#rooms.loaded()) if (room.authority === node && room.localCount > 0) this.#report(room);
  }

  /** Tell the authority how many members this node holds now. */
  #report(room: Room): void {
    void this.#router
      .call(room.authority, { kind: 'members', sdkAppId: room.app.sdkAppId, groupId: room.groupId, node: this.#nodeId, count: room.localCount })
      .catch((error: unknown) => this.#logger.debug({ err: error, app: room.app.sdkAppId, group: room.groupId }, 'member count not reported'));
  }

  #tip(room: Room, conn: Connection, operationType: number, now: number): UnsequencedMessage {
    const userId = conn.userId!;
    return {
      id: `tip-${operationType}-${now}-${this.#nodeId}-${conn.id}`,
      type: 'TIMGroupTipElem',
      payload: { operationType, operatorID: userId, userIDList: [userId] },
      from: userId,
      nick: conn.nick,
      avatar: conn.avatar,
      priority: 'Low',
    };
  }
}

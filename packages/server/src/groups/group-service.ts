/**
 * Live-room operations: create, join, quit, dismiss, profile, online count, settings.
 * Joins succeed at once (no approval); guests join to receive only; the owner cannot quit
 * but can dismiss, and dismissal reaches every member as a group system notice.
 */
import {
  GROUP_SYSTEM_NOTICE,
  LIMITS,
  StadiumError,
  TIM_TYPES,
  isValidCustomGroupId,
  isValidGroupId,
  utf8Length,
} from '@stadium/protocol';
import type { CreateGroupRequest, GroupInfo, JoinResult, RoomSettings } from '@stadium/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Connection } from '../gateway/connection.js';
import type { GroupRecord, Store } from '../storage/store.js';
import { newAutoGroupId } from './group-id.js';
import { toGroupInfo } from './group-info.js';
import type { Room } from './room.js';
import type { RoomRegistry } from './room-registry.js';

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
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(deps: { store: Store; rooms: RoomRegistry; clock: Clock; logger: Logger }) {
    this.#store = deps.store;
    this.#rooms = deps.rooms;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
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
      settings: req.settings === undefined ? {} : validateRoomSettings(req.settings as Record<string, unknown>),
      nextSeq: 1 + this.#rooms.seqReserve,
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
    const room = this.#rooms.add(conn.app, { ...record, nextSeq: 1 }, record.nextSeq);
    this.#logger.info({ app: conn.app.sdkAppId, group: room.groupId, owner: conn.userId, conn: conn.id }, 'room created');
    return { group: toGroupInfo(room, conn.userId) };
  }

  async join(conn: Connection, groupId: unknown, sinceSeq: unknown): Promise<JoinResult> {
    if (sinceSeq !== undefined && (typeof sinceSeq !== 'number' || !Number.isInteger(sinceSeq) || sinceSeq < 0)) {
      throw new StadiumError('INVALID_PARAMETER', 'sinceSeq must be a non-negative integer');
    }
    const room = await this.room(conn, groupId);
    const now = this.#clock.now();
    if (conn.closing) throw new StadiumError('INVALID_PARAMETER', 'connection is closing');
    if (conn.rooms?.get(room.groupId) === room) {
      return { status: 'AlreadyInGroup', group: toGroupInfo(room, conn.userId, now), lastSeq: room.sequencer.lastSeq };
    }
    // Nothing below awaits: the member is added, caught up and announced in one turn of the
    // event loop, so no batch can fall between the catch-up and live delivery.
    room.fanout.add(conn);
    (conn.rooms ??= new Map()).set(room.groupId, room);
    this.#rooms.touch(room);
    const result: JoinResult = { status: 'JoinedSuccess', group: toGroupInfo(room, conn.userId, now), lastSeq: room.sequencer.lastSeq };
    if (typeof sinceSeq === 'number') {
      const missed = room.sequencer.since(sinceSeq);
      conn.deliverOwn(room.groupId, missed.entries);
      result.resumed = missed.complete;
    } else if (conn.userId !== null && room.settings.memberTips) {
      room.sequencer.submitTip({
        id: `tip-${room.sequencer.nextSeq}-${now}-${conn.id}`,
        type: 'TIMGroupTipElem',
        payload: { operationType: TIM_TYPES.GRP_TIP_MBR_JOIN, operatorID: conn.userId, userIDList: [conn.userId], memberNum: room.fanout.size },
        from: conn.userId,
        nick: conn.nick,
        avatar: conn.avatar,
        priority: 'Low',
      });
    }
    return result;
  }

  async quit(conn: Connection, groupId: unknown): Promise<{ groupID: string }> {
    const room = await this.room(conn, groupId);
    if (conn.rooms?.get(room.groupId) !== room) throw new StadiumError('NOT_GROUP_MEMBER', `not in ${room.groupId}`);
    if (conn.userId !== null && conn.userId === room.record.ownerId) throw new StadiumError('OWNER_CANNOT_QUIT');
    this.leave(conn, room);
    if (conn.userId !== null && room.settings.memberTips) {
      room.sequencer.submitTip({
        id: `tip-${room.sequencer.nextSeq}-${this.#clock.now()}-${conn.id}`,
        type: 'TIMGroupTipElem',
        payload: { operationType: TIM_TYPES.GRP_TIP_MBR_QUIT, operatorID: conn.userId, userIDList: [conn.userId], memberNum: room.fanout.size },
        from: conn.userId,
        nick: conn.nick,
        avatar: conn.avatar,
        priority: 'Low',
      });
    }
    return { groupID: room.groupId };
  }

  /** Remove a connection from a room without a tip (disconnects). */
  leave(conn: Connection, room: Room): void {
    room.fanout.remove(conn);
    conn.rooms?.delete(room.groupId);
    this.#rooms.touch(room);
  }

  async dismiss(conn: Connection, groupId: unknown): Promise<{ groupID: string }> {
    if (conn.userId === null) throw new StadiumError('NOT_LOGGED_IN');
    const room = await this.room(conn, groupId);
    if (!room.canManage(conn.userId)) throw new StadiumError('NO_PERMISSION', `only the owner of ${room.groupId} or an app admin may dismiss it`);
    await this.dismissRoom(room, conn.userId);
    return { groupID: room.groupId };
  }

  /** Tell every member the room is gone, remove them, and delete the room. */
  async dismissRoom(room: Room, operatorId: string): Promise<void> {
    this.#logger.info({ app: room.app.sdkAppId, group: room.groupId, operator: operatorId, members: room.fanout.size }, 'room dismissed');
    room.sequencer.submitNotice({
      id: `notice-${room.sequencer.nextSeq}-${this.#clock.now()}`,
      type: 'TIMGroupSystemNoticeElem',
      payload: { operationType: GROUP_SYSTEM_NOTICE.DISMISSED, operatorID: operatorId },
      from: operatorId,
      priority: 'High',
    });
    for (const member of room.fanout.members()) (member as Connection).rooms?.delete(room.groupId);
    await this.#rooms.unload(room, false);
    await this.#store.deleteGroup(room.app.sdkAppId, room.groupId);
  }

  async profile(conn: Connection, groupId: unknown): Promise<{ group: GroupInfo }> {
    const room = await this.room(conn, groupId);
    return { group: toGroupInfo(room, conn.userId) };
  }

  async onlineCount(conn: Connection, groupId: unknown): Promise<{ memberCount: number }> {
    const room = await this.room(conn, groupId);
    return { memberCount: room.fanout.size };
  }

  async updateSettings(conn: Connection, body: Record<string, unknown>): Promise<{ settings: RoomSettings }> {
    if (conn.userId === null) throw new StadiumError('NOT_LOGGED_IN');
    const room = await this.room(conn, body.groupID);
    if (!room.canManage(conn.userId)) throw new StadiumError('NO_PERMISSION', `only the owner of ${room.groupId} or an app admin may change its settings`);
    const patch = validateRoomSettings(body);
    const settings = { ...room.record.settings, ...patch };
    const updated = await this.#store.updateGroup(room.app.sdkAppId, room.groupId, { settings });
    room.record = updated ?? { ...room.record, settings };
    room.sequencer.setRate(room.settings.rateLimitPerSec);
    return { settings: room.settings };
  }
}

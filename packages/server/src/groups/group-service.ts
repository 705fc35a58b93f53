/**
 * Live-room operations on an Actor — the one API that every front door (WebSocket, REST)
 * calls. Joins succeed at once (no approval); guests join to receive only; the owner cannot
 * quit but can dismiss, and dismissal reaches every member as a group system notice. What
 * needs the room's current state (roles, settings, counters, dismissal) is decided by the
 * room's authority; this side validates input, keeps local membership and reports counts.
 */
import { LIMITS, StadiumError, TIM_TYPES, isValidCustomGroupId, isValidGroupId, isValidUserId, utf8Length } from '@stadium/protocol';
import type {
  AttributesResult,
  CreateGroupRequest,
  GroupInfo,
  GroupMemberInfo,
  HeldMessageInfo,
  JoinResult,
  OnlineMemberInfo,
  PinsResult,
  RoomSettings,
  WireMessage,
} from '@stadium/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { stampOf, type Actor, type ActorStamp } from '../core/actor.js';
import { describe } from '../core/describe.js';
import { authorize, roleOf } from '../core/permissions.js';
import type { AppRecord, GroupRecord } from '../core/records.js';
import type { HistoryEntry, Store } from '../storage/store.js';
import type { AuthorityCommands, ModeratedMember, RoomMessageStats, RoomProfilePatch, UnsequencedMessage } from '../wire/authority-commands.js';
import { parseCountersRequest } from '../core/room-counters.js';
import { parseAttributesRequest } from '../core/room-attributes.js';
import { parsePinsRequest } from '../core/room-pins.js';
import { newAutoGroupId } from './group-id.js';
import { toGroupInfo } from './group-info.js';
import type { MemberHandle } from './member.js';
import type { MembershipListener } from './membership-event.js';
import type { Room } from './room.js';
import { RoomCreateWindow } from './room-create-window.js';
import type { RoomRegistry } from './room-registry.js';
import type { RoomRouter } from './room-router.js';
import { validateRoomSettings } from './room-settings-input.js';
import { parseHistoryRequest } from './history-input.js';

/** What the service needs. */
export interface GroupServiceDeps {
  store: Store;
  rooms: RoomRegistry;
  router: RoomRouter;
  clock: Clock;
  logger: Logger;
  nodeId: string;
  maxRoomsPerConnection: number;
  /** Room quotas (see docs/security.md); app admins are exempt from the per-user ones. */
  quotas: RoomQuotas;
  /** Told of each join and exit of a logged-in member on this node (callbacks). @default none */
  onMembership?: MembershipListener;
}

/** Room quotas: options `maxRoomsCreatedPerUserPerHour`, `maxRoomsPerUser`, `maxRoomsPerApp`. */
export interface RoomQuotas {
  maxRoomsCreatedPerUserPerHour: number;
  maxRoomsPerUser: number;
  maxRoomsPerApp: number;
}

/** Longest hold ID accepted (ours are 38 characters: `h-`, the time, a counter, random hex). */
export const MAX_HOLD_ID_LENGTH = 64;

/** Custom field limits (compatible: keys are short names, values up to 4,000 bytes). */
export const MAX_CUSTOM_FIELD_KEY_BYTES = 16;
export const MAX_CUSTOM_FIELD_VALUE_BYTES = 4000;

function bytesAtMost(value: unknown, max: number, field: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new StadiumError('INVALID_PARAMETER', `${field} must be a string`);
  if (utf8Length(value) > max) throw new StadiumError('INVALID_GROUP_FIELD', `${field} is longer than ${max} bytes`);
  return value;
}

/** Most accounts per mute request (compatible `forbid_send_msg`). */
export const MAX_MUTE_ACCOUNTS = 500;
/** Most accounts per ban or unban request (compatible `ban_group_member`). */
export const MAX_BAN_ACCOUNTS = 20;
/** Longest ban reason (compatible `Description`). */
export const MAX_BAN_REASON_BYTES = 1000;

function checkUserId(value: unknown, field: string): string {
  if (!isValidUserId(value)) throw new StadiumError('INVALID_USER_ID', `${field}: got ${describe(value)}`);
  return value;
}

/** A non-empty list of valid, distinct user IDs, at most `max`. */
function checkUserIds(value: unknown, max: number): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new StadiumError('INVALID_PARAMETER', 'userIDList must be a non-empty array of userIDs');
  if (value.length > max) throw new StadiumError('TOO_MANY_ACCOUNTS', `${value.length} accounts, at most ${max}`);
  return [...new Set(value.map((v, i) => checkUserId(v, `userIDList[${i}]`)))];
}

function memberInfo(member: ModeratedMember): GroupMemberInfo {
  return { userID: member.userId, role: member.role, muteUntil: member.mutedUntil };
}

/** Room operations. */
export class GroupService {
  readonly #d: GroupServiceDeps;
  readonly #created: RoomCreateWindow;

  constructor(deps: GroupServiceDeps) {
    this.#d = deps;
    this.#created = new RoomCreateWindow(deps.clock, deps.quotas.maxRoomsCreatedPerUserPerHour);
  }

  /** Find a room or fail with GROUP_NOT_FOUND / INVALID_GROUP_ID. */
  async room(app: AppRecord, groupId: unknown): Promise<Room> {
    if (!isValidGroupId(groupId)) throw new StadiumError('INVALID_GROUP_ID', `got ${describe(groupId)}`);
    const room = await this.#d.rooms.get(app, groupId);
    if (!room || room.closed) throw new StadiumError('GROUP_NOT_FOUND', groupId);
    return room;
  }

  /** Create a live room owned by `ownerId` (the actor unless an app admin names another owner). */
  async create(
    actor: Actor,
    req: CreateGroupRequest,
    ownerId: string | null = actor.userId,
    customFields: Array<{ key: string; value: string }> = [],
  ): Promise<{ group: GroupInfo }> {
    authorize('room.create', roleOf(actor, null));
    if (ownerId === null) throw new StadiumError('NOT_LOGGED_IN');
    if (req.type !== TIM_TYPES.GRP_AVCHATROOM) throw new StadiumError('GROUP_TYPE_NOT_SUPPORTED', `got ${describe(req.type)}`);
    if (typeof req.name !== 'string' || req.name === '') throw new StadiumError('INVALID_PARAMETER', 'name is required');
    if (req.groupID !== undefined && req.groupID !== '' && !isValidCustomGroupId(req.groupID)) throw new StadiumError('INVALID_GROUP_ID', `got ${describe(req.groupID)}`);
    const now = this.#d.clock.now();
    const record: GroupRecord = {
      sdkAppId: actor.app.sdkAppId,
      groupId: '',
      type: 'AVChatRoom',
      name: bytesAtMost(req.name, LIMITS.maxGroupNameBytes, 'name'),
      ownerId,
      introduction: bytesAtMost(req.introduction, LIMITS.maxGroupIntroductionBytes, 'introduction'),
      notification: bytesAtMost(req.notification, LIMITS.maxGroupNotificationBytes, 'notification'),
      faceUrl: bytesAtMost(req.avatar, LIMITS.maxGroupFaceUrlBytes, 'avatar'),
      createdAt: now,
      lastInfoAt: now,
      muteAll: false,
      customFields: customFields.map(({ key, value }) => ({
        key: bytesAtMost(key, MAX_CUSTOM_FIELD_KEY_BYTES, 'custom field key'),
        value: bytesAtMost(value, MAX_CUSTOM_FIELD_VALUE_BYTES, `custom field ${key}`),
      })),
      settings: req.settings === undefined ? {} : validateRoomSettings(req.settings),
      firstSeq: 1,
      counters: {},
      attributes: {},
      attributesVersion: 0,
      pinnedMessages: [],
    };
    const { store } = this.#d;
    const windowKey = `${record.sdkAppId}:${ownerId}`;
    await this.#checkQuotas(actor, record.sdkAppId, ownerId, windowKey);
    if (req.groupID !== undefined && req.groupID !== '') {
      record.groupId = req.groupID;
      if (!(await store.createGroup(record))) {
        const existing = await store.getGroup(record.sdkAppId, record.groupId);
        throw new StadiumError(existing?.ownerId === ownerId ? 'GROUP_ID_IN_USE' : 'GROUP_ID_TAKEN', record.groupId);
      }
    } else {
      do record.groupId = newAutoGroupId();
      while (!(await store.createGroup(record)));
    }
    if (actor.kind !== 'app-admin') this.#created.record(windowKey);
    this.#d.logger.info({ app: record.sdkAppId, group: record.groupId, owner: ownerId, origin: actor.origin }, 'room created');
    const room = await this.room(actor.app, record.groupId);
    const stored = (await store.getGroup(record.sdkAppId, record.groupId)) ?? record;
    return { group: toGroupInfo(room, { memberCount: 0, lastSeq: stored.firstSeq - 1 }, actor.userId) };
  }

  /**
   * Refuse a creation over a quota. Checked before the insert, so creations racing for the last
   * places may pass a limit by the few in flight.
   */
  async #checkQuotas(actor: Actor, sdkAppId: number, ownerId: string, windowKey: string): Promise<void> {
    const { store, quotas } = this.#d;
    const exempt = actor.kind === 'app-admin';
    if (!exempt && !this.#created.allows(windowKey)) throw new StadiumError('ROOM_CREATE_RATE_LIMITED', `${quotas.maxRoomsCreatedPerUserPerHour} rooms this hour`);
    if (!exempt && (await store.countGroups(sdkAppId, ownerId)) >= quotas.maxRoomsPerUser) throw new StadiumError('USER_ROOM_LIMIT', `${quotas.maxRoomsPerUser} live rooms`);
    if ((await store.countGroups(sdkAppId)) >= quotas.maxRoomsPerApp) throw new StadiumError('APP_ROOM_LIMIT', `${quotas.maxRoomsPerApp} live rooms`);
  }

  /** Join `member` (a WebSocket connection) to a room; with `sinceSeq`, resume after it. */
  async join(actor: Actor, member: MemberHandle, groupId: unknown, sinceSeq: unknown): Promise<JoinResult> {
    if (sinceSeq !== undefined && (typeof sinceSeq !== 'number' || !Number.isSafeInteger(sinceSeq) || sinceSeq < 0)) {
      throw new StadiumError('INVALID_PARAMETER', 'sinceSeq must be a non-negative integer');
    }
    const room = await this.room(actor.app, groupId);
    const now = this.#d.clock.now();
    if (member.joined(room.groupId) === room) {
      const live = await this.#d.router.call(room, 'info', {});
      return { status: 'AlreadyInGroup', group: toGroupInfo(room, live, actor.userId, now), lastSeq: live.lastSeq };
    }
    if (member.roomCount >= this.#d.maxRoomsPerConnection) throw new StadiumError('TOO_MANY_ROOMS', `${member.roomCount} rooms`);
    const tip = typeof sinceSeq !== 'number' && actor.userId !== null && room.settings.memberTips ? this.#tip(room, actor, member, TIM_TYPES.GRP_TIP_MBR_JOIN, now) : undefined;
    room.pendingJoins++;
    // From here until the member is added, batches that go by are remembered (entriesAfter).
    room.fanout.beginJoin();
    this.#d.rooms.touch(room);
    const removalsBefore = room.removals;
    let reply;
    try {
      reply = await this.#d.router.call(room, 'members', {
        node: this.#d.nodeId,
        count: room.localCount,
        lag: room.fanout.lagLevel,
        ...(typeof sinceSeq === 'number' ? { sinceSeq } : {}),
        ...(tip ? { tip } : {}),
        ...(actor.userId !== null && actor.kind !== 'app-admin' ? { joining: stampOf(actor) } : {}),
        ...(actor.userId !== null ? { listed: true as const } : {}),
        join: true,
      });
    } catch (error) {
      room.fanout.endJoin();
      throw error;
    } finally {
      room.pendingJoins--;
    }
    const result = this.#added(actor, member, room, reply, removalsBefore, now);
    // A resume is a join too: the dropped connection it replaces was told as an exit.
    if (actor.userId !== null) this.#d.onMembership?.({ kind: 'join', actor, groupId: room.groupId });
    return result;
  }

  /** The authority said yes: add `member` here and catch it up (one turn of the event loop, no await). */
  #added(actor: Actor, member: MemberHandle, room: Room, reply: AuthorityCommands['members']['res'], removalsBefore: number, now: number): JoinResult {
    try {
      if (member.closing || room.closed) {
        this.#report(room);
        throw new StadiumError('GROUP_NOT_FOUND', room.groupId);
      }
      // Banned while the join was in flight: the removal passed before this member was added.
      if (actor.userId !== null && room.removedSince(removalsBefore, actor.userId)) {
        this.#report(room);
        throw new StadiumError('BANNED_FROM_GROUP', `${actor.userId} was banned from ${room.groupId}`);
      }
      // Nothing below awaits: the member is added and caught up in one turn of the event loop.
      room.fanout.add(member);
      // What its authority had published by its answer reached this node before the answer.
      room.fanout.caughtUp(reply.lastSeq);
      member.addRoom(room);
      if (actor.userId !== null && reply.ordinal !== undefined) room.listed.add({ userId: actor.userId, ordinal: reply.ordinal, joinTime: Math.floor(now / 1000) }, member);
      const live = { memberCount: reply.memberCount, lastSeq: reply.lastSeq, ...(reply.role ? { role: reply.role } : {}) };
      const result: JoinResult = { status: 'JoinedSuccess', group: toGroupInfo(room, live, actor.userId, now), lastSeq: live.lastSeq };
      if (reply.pinnedMessages) result.pinnedMessages = reply.pinnedMessages;
      // What it missed (a resume), then what went by on this node after the authority answered.
      const caughtUp = room.fanout.entriesAfter(reply.lastSeq);
      // Entries waiting in a merged window go to every member with the next pass, this one too.
      const owed = room.fanout.withoutMerged(reply.resume ? [...reply.resume.entries, ...caughtUp] : caughtUp);
      member.deliverOwn(room.groupId, owed);
      if (reply.resume) {
        result.resumed = reply.resume.complete;
        if (reply.resume.missed) result.missed = reply.resume.missed;
      }
      return result;
    } finally {
      room.fanout.endJoin();
    }
  }

  async quit(actor: Actor, member: MemberHandle, groupId: unknown): Promise<{ groupID: string }> {
    const room = await this.room(actor.app, groupId);
    if (member.joined(room.groupId) !== room) throw new StadiumError('NOT_GROUP_MEMBER', `not in ${room.groupId}`);
    if (roleOf(actor, room.record) === 'owner') throw new StadiumError('OWNER_CANNOT_QUIT');
    const tip = actor.userId !== null && room.settings.memberTips ? this.#tip(room, actor, member, TIM_TYPES.GRP_TIP_MBR_QUIT, this.#d.clock.now()) : undefined;
    this.#remove(member, room);
    if (actor.userId !== null) this.#d.onMembership?.({ kind: 'exit', exitType: 'Quit', actor, groupId: room.groupId });
    await this.#d.router.call(room, 'members', { node: this.#d.nodeId, count: room.localCount, lag: room.fanout.lagLevel, ...(tip ? { tip } : {}) });
    return { groupID: room.groupId };
  }

  /** Remove a member from a room without a tip (disconnects, logout). `quitter`: the logged-in actor leaving (logout, or its connection dropped), told as an exit. */
  leave(member: MemberHandle, room: Room, quitter?: Actor): void {
    this.#remove(member, room);
    if (quitter?.userId != null && !room.closed) this.#d.onMembership?.({ kind: 'exit', exitType: 'Quit', actor: quitter, groupId: room.groupId });
    if (!room.closed) this.#report(room);
  }

  async dismiss(actor: Actor, groupId: unknown): Promise<{ groupID: string }> {
    const room = await this.room(actor.app, groupId);
    await this.#d.router.call(room, 'dismiss', { actor: stampOf(actor) });
    return { groupID: room.groupId };
  }

  async profile(actor: Actor, groupId: unknown): Promise<{ group: GroupInfo }> {
    const room = await this.room(actor.app, groupId);
    const live = await this.#d.router.call(room, 'info', {});
    room.record = live.record;
    return { group: toGroupInfo(room, live, actor.userId) };
  }

  /**
   * The profile as REST's get_group_info answers it: with the room's slow mode, admins and
   * message figures at its authority (Stadium's own fields).
   */
  async restProfile(actor: Actor, groupId: unknown): Promise<{ group: GroupInfo; stats: RoomMessageStats; admins: string[] }> {
    const room = await this.room(actor.app, groupId);
    const live = await this.#d.router.call(room, 'info', {});
    room.record = live.record;
    const group = toGroupInfo(room, live, actor.userId);
    return { group, stats: live.stats, admins: live.admins };
  }

  async onlineCount(actor: Actor, groupId: unknown): Promise<{ memberCount: number }> {
    const room = await this.room(actor.app, groupId);
    return { memberCount: (await this.#d.router.call(room, 'info', {})).memberCount };
  }

  async updateSettings(actor: Actor, body: Record<string, unknown>): Promise<{ settings: RoomSettings }> {
    const { groupID, ...patch } = body;
    const room = await this.room(actor.app, groupID);
    return this.#d.router.call(room, 'settings', { actor: stampOf(actor), settings: validateRoomSettings(patch) });
  }

  /** Read or change a room's counters; `member` is the caller's connection when it came over WebSocket. */
  async counters(actor: Actor, body: Record<string, unknown>, member?: MemberHandle): Promise<{ counters: Record<string, number> }> {
    const room = await this.room(actor.app, body.groupID);
    const joined = member === undefined || member.joined(room.groupId) === room;
    const request = parseCountersRequest({ ...body, groupID: room.groupId });
    return this.#d.router.call(room, 'counters', { actor: stampOf(actor), joined, request });
  }

  /** Read or write a room's attributes; `member` is the caller's connection when it came over WebSocket. */
  async attributes(actor: Actor, body: Record<string, unknown>, member?: MemberHandle): Promise<AttributesResult> {
    const room = await this.room(actor.app, body.groupID);
    const joined = member === undefined || member.joined(room.groupId) === room;
    const request = parseAttributesRequest({ ...body, groupID: room.groupId });
    return this.#d.router.call(room, 'attributes', { actor: stampOf(actor), joined, request });
  }

  /** List, pin or unpin a room's pinned messages; `member` is the caller's connection when it came over WebSocket. */
  async pins(actor: Actor, body: Record<string, unknown>, member?: MemberHandle): Promise<PinsResult> {
    const room = await this.room(actor.app, body.groupID);
    const joined = member === undefined || member.joined(room.groupId) === room;
    const request = parsePinsRequest({ ...body, groupID: room.groupId });
    return this.#d.router.call(room, 'pins', { actor: stampOf(actor), joined, request });
  }

  /**
   * Change a room's profile (owner, admins, app admin; decided at the authority). Byte limits
   * are the compatible ones; members get a group-profile-updated tip with the new values.
   */
  async updateProfile(actor: Actor, groupId: unknown, patch: RoomProfilePatch): Promise<{ group: GroupInfo }> {
    const room = await this.room(actor.app, groupId);
    const checked: RoomProfilePatch = {};
    if (patch.name !== undefined) {
      if (patch.name === '') throw new StadiumError('INVALID_PARAMETER', 'name must not be empty');
      checked.name = bytesAtMost(patch.name, LIMITS.maxGroupNameBytes, 'name');
    }
    if (patch.introduction !== undefined) checked.introduction = bytesAtMost(patch.introduction, LIMITS.maxGroupIntroductionBytes, 'introduction');
    if (patch.notification !== undefined) checked.notification = bytesAtMost(patch.notification, LIMITS.maxGroupNotificationBytes, 'notification');
    if (patch.faceUrl !== undefined) checked.faceUrl = bytesAtMost(patch.faceUrl, LIMITS.maxGroupFaceUrlBytes, 'avatar');
    if (patch.muteAll !== undefined) checked.muteAll = patch.muteAll;
    if (patch.customFields !== undefined) {
      checked.customFields = patch.customFields.map(({ key, value }) => ({
        key: bytesAtMost(key, MAX_CUSTOM_FIELD_KEY_BYTES, 'custom field key'),
        value: bytesAtMost(value, MAX_CUSTOM_FIELD_VALUE_BYTES, `custom field ${key}`),
      }));
    }
    const { record } = await this.#d.router.call(room, 'profile', { actor: stampOf(actor), patch: checked });
    room.record = record;
    const live = await this.#d.router.call(room, 'info', {});
    return { group: toGroupInfo(room, live, actor.userId) };
  }

  /** A group system notice (operationType 255) to the room's online members, or only to `userIds`. */
  async notify(actor: Actor, groupId: unknown, content: string, userIds?: string[]): Promise<void> {
    const room = await this.room(actor.app, groupId);
    await this.#d.router.call(room, 'notice', { actor: stampOf(actor), content, ...(userIds && userIds.length > 0 ? { userIds } : {}) });
  }

  /** The app's rooms, oldest first, `limit` from position `next`; `next` 0 in the answer when done. */
  async list(actor: Actor, limit: number, next: number): Promise<{ total: number; groupIds: string[]; next: number }> {
    authorize('room.list', roleOf(actor, null));
    const all = await this.#d.store.listGroups(actor.app.sdkAppId);
    const page = all.slice(next, next + limit);
    const after = next + page.length;
    return { total: all.length, groupIds: page.map((g) => g.groupId), next: after < all.length ? after : 0 };
  }

  /**
   * Set (`Admin`) or unset (`Member`) a room admin: the owner or the app admin, decided at the
   * authority; the room gets a tip with the member's nick and avatar.
   */
  async setMemberRole(actor: Actor, body: Record<string, unknown>): Promise<{ group: GroupInfo; member: GroupMemberInfo }> {
    const room = await this.room(actor.app, body.groupID);
    const userId = checkUserId(body.userID, 'userID');
    const { role } = body;
    if (role !== TIM_TYPES.GRP_MBR_ROLE_ADMIN && role !== TIM_TYPES.GRP_MBR_ROLE_MEMBER) throw new StadiumError('INVALID_MEMBER_ROLE', `got ${describe(role)}`);
    if (userId === actor.userId) throw new StadiumError('CANNOT_SET_SELF_ROLE');
    const profile = await this.#d.store.getProfile(actor.app.sdkAppId, userId);
    const { member } = await this.#d.router.call(room, 'role', {
      actor: stampOf(actor),
      member: { userId, nick: profile?.nick ?? '', avatar: profile?.avatar ?? '' },
      admin: role === TIM_TYPES.GRP_MBR_ROLE_ADMIN,
    });
    return { group: await this.#info(room, actor), member: memberInfo(member) };
  }

  /** Mute members for `seconds` (0 unmutes, 4294967295 for ever): owner and admins, decided at the authority. */
  async mute(actor: Actor, groupId: unknown, userIds: unknown, seconds: unknown): Promise<{ group: GroupInfo; members: GroupMemberInfo[] }> {
    const room = await this.room(actor.app, groupId);
    const ids = checkUserIds(userIds, MAX_MUTE_ACCOUNTS);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > 0xffffffff) {
      throw new StadiumError('INVALID_PARAMETER', 'muteTime must be an integer number of seconds from 0 (unmute) to 4294967295 (for ever)');
    }
    if (actor.userId !== null && ids.includes(actor.userId)) throw new StadiumError('CANNOT_MUTE_SELF');
    const { members } = await this.#d.router.call(room, 'mute', { actor: stampOf(actor), userIds: ids, seconds });
    return { group: await this.#info(room, actor), members: members.map(memberInfo) };
  }

  /**
   * Remove members and ban them for `seconds` (owner and admins, decided at the authority):
   * every node removes their connections at once and tells them; they cannot rejoin until it ends.
   */
  async ban(actor: Actor, groupId: unknown, userIds: unknown, seconds: unknown, reason: unknown = ''): Promise<{ group: GroupInfo; userIDList: string[] }> {
    const room = await this.room(actor.app, groupId);
    const ids = checkUserIds(userIds, MAX_BAN_ACCOUNTS);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > 0xffffffff)
      throw new StadiumError('BAN_DURATION_INVALID', `got ${describe(seconds)}`);
    const why = bytesAtMost(reason, MAX_BAN_REASON_BYTES, 'reason');
    await this.#d.router.call(room, 'ban', { actor: stampOf(actor), userIds: ids, seconds, reason: why });
    return { group: await this.#info(room, actor), userIDList: ids };
  }

  /** Lift bans (owner, admins, app admin). */
  async unban(actor: Actor, groupId: unknown, userIds: unknown): Promise<void> {
    const room = await this.room(actor.app, groupId);
    await this.#d.router.call(room, 'unban', { actor: stampOf(actor), userIds: checkUserIds(userIds, MAX_BAN_ACCOUNTS) });
  }

  /**
   * One page of the room's online logged-in members, newest first, from every node (decided
   * and merged at the authority). `count`: 1 or more, cut to LIMITS.maxMemberListPage (the
   * default); `offset`: 0 first, then the last answer's, which is 0 when there is no more.
   */
  async memberList(
    actor: Actor,
    body: { groupID?: unknown; count?: unknown; offset?: unknown },
    member?: MemberHandle,
  ): Promise<{ memberList: OnlineMemberInfo[]; offset: number }> {
    const room = await this.room(actor.app, body.groupID);
    const { count = LIMITS.maxMemberListPage, offset = 0 } = body;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1)
      throw new StadiumError('INVALID_PARAMETER', `count must be a positive integer (at most ${LIMITS.maxMemberListPage} are returned); got ${describe(count)}`);
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
      throw new StadiumError('INVALID_PARAMETER', `offset must be 0 or the offset of the previous page; got ${describe(offset)}`);
    }
    const joined = member === undefined || member.joined(room.groupId) === room;
    const { members, next } = await this.#d.router.call(room, 'member-list', {
      actor: stampOf(actor),
      joined,
      before: offset,
      count: Math.min(count, LIMITS.maxMemberListPage),
    });
    return {
      memberList: members.map((m) => ({ userID: m.userId, nick: m.nick, avatar: m.avatar, joinTime: m.joinTime, role: m.role, muteUntil: m.mutedUntil })),
      offset: next,
    };
  }

  /**
   * A page of the room's history (`msg.history`); `member` is the caller's connection when it
   * came over WebSocket. Messages are the ones members received, oldest first.
   */
  async history(actor: Actor, body: Record<string, unknown>, member?: MemberHandle): Promise<{ messages: WireMessage[]; isCompleted: boolean }> {
    const room = await this.room(actor.app, body.groupID);
    const joined = member === undefined || member.joined(room.groupId) === room;
    const { entries, isCompleted } = await this.#d.router.call(room, 'history', { actor: stampOf(actor), joined, ...parseHistoryRequest(body) });
    return { messages: entries.map((e) => JSON.parse(e.json) as WireMessage), isCompleted };
  }

  /** A page of the room's stored record (app admin): up to `limit` messages above `afterSeq`, oldest first. */
  async record(actor: Actor, groupId: unknown, afterSeq: number, limit: number): Promise<{ entries: HistoryEntry[]; keepRecord: boolean }> {
    const room = await this.room(actor.app, groupId);
    return this.#d.router.call(room, 'record', { actor: stampOf(actor), afterSeq, limit });
  }

  /** Members muted and banned now, with their end times (UNIX seconds). */
  async moderated(actor: Actor, groupId: unknown): Promise<{ muted: Array<{ userId: string; until: number }>; banned: Array<{ userId: string; until: number }> }> {
    const room = await this.room(actor.app, groupId);
    return this.#d.router.call(room, 'moderation', { actor: stampOf(actor) });
  }

  /** The room's messages held for review, oldest first (owner, admins, app admin; decided at the authority). */
  async reviewQueue(actor: Actor, groupId: unknown): Promise<{ groupID: string; heldMessageList: HeldMessageInfo[] }> {
    const room = await this.room(actor.app, groupId);
    const { held } = await this.#d.router.call(room, 'reviewQueue', { actor: stampOf(actor) });
    return { groupID: room.groupId, heldMessageList: held.map((h) => ({ holdID: h.holdId, message: h.message, heldAt: h.heldAt, expiresAt: h.expiresAt })) };
  }

  /** Approve (publish as a new message) or deny (drop) a held message (owner, admins, app admin). */
  async review(actor: Actor, groupId: unknown, holdId: unknown, action: unknown): Promise<{ groupID: string; holdID: string; seq: number; time: number }> {
    const room = await this.room(actor.app, groupId);
    if (typeof holdId !== 'string' || holdId === '' || holdId.length > MAX_HOLD_ID_LENGTH)
      throw new StadiumError('INVALID_PARAMETER', `holdID must be the hold ID of a held message (a string of 1–${MAX_HOLD_ID_LENGTH} characters), got ${describe(holdId)}`);
    if (action !== 'Approve' && action !== 'Deny') throw new StadiumError('INVALID_PARAMETER', `action must be "Approve" or "Deny", got ${describe(action)}`);
    const { seq, time } = await this.#d.router.call(room, 'review', { actor: stampOf(actor), holdId, action });
    return { groupID: room.groupId, holdID: holdId, seq, time };
  }

  /**
   * Connections of a room removed here by a ban (already out of the fan-out): tell the
   * authority the new count, and each logged-in one's removal as an exit of type `Kicked`
   * by `operator` (whose platform and address the callback carries).
   */
  removed(room: Room, members: readonly MemberHandle[] = [], operator?: ActorStamp): void {
    for (const member of members) {
      if (member.userId === null) continue;
      const by = operator ?? { userId: room.app.adminUserId, kind: 'app-admin', origin: 'system', platform: 'Server', clientIp: '' };
      const actor: Actor = { app: room.app, userId: member.userId, kind: 'user', origin: by.origin, platform: by.platform, clientIp: by.clientIp, nick: '', avatar: '' };
      this.#d.onMembership?.({ kind: 'exit', exitType: 'Kicked', operatorId: by.userId ?? room.app.adminUserId, actor, groupId: room.groupId });
    }
    if (!room.closed) this.#report(room);
  }

  async #info(room: Room, actor: Actor): Promise<GroupInfo> {
    const live = await this.#d.router.call(room, 'info', {});
    room.record = live.record;
    return toGroupInfo(room, live, actor.userId);
  }

  /** Report this node's member counts again to the rooms whose authority is `node` (it was reset). */
  reportCountsTo(node: string): void {
    for (const room of this.#d.rooms.loaded()) if (room.authority === node && room.localCount > 0) this.#report(room);
  }

  #remove(member: MemberHandle, room: Room): void {
    if (room.fanout.remove(member) && member.userId !== null) room.listed.remove(member.userId, member);
    member.removeRoom(room.groupId);
    this.#d.rooms.touch(room);
  }

  /** Tell the room's authority that its lag level on this node changed (fanout/fanout-lag.ts). */
  reportLag(room: Room): void {
    if (!room.closed && room.localCount > 0) this.#report(room);
  }

  /** Tell the authority how many members this node holds now, and how late the room runs here. */
  #report(room: Room): void {
    this.#d.router
      .call(room, 'members', { node: this.#d.nodeId, count: room.localCount, lag: room.fanout.lagLevel })
      .catch((error: unknown) => this.#d.logger.debug({ err: error, app: room.sdkAppId, group: room.groupId }, 'member count not reported'));
  }

  #tip(room: Room, actor: Actor, member: MemberHandle, operationType: number, now: number): UnsequencedMessage {
    const userId = actor.userId ?? '';
    return {
      id: `tip-${operationType}-${now}-${this.#d.nodeId}-${member.id}`,
      type: 'TIMGroupTipElem',
      payload: { operationType, operatorID: userId, userIDList: [userId] },
      from: userId,
      nick: actor.nick,
      avatar: actor.avatar,
      priority: 'Low',
    };
  }
}

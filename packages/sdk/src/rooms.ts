/**
 * Room calls of the instance: create, join, quit, dismiss, room profile, online count,
 * settings and counters. Guests may join, quit and read; changes need a login.
 */
import {
  StadiumError,
  TIM_TYPES,
  type GroupInfo,
  type GroupMemberInfo,
  type HeldMessageInfo,
  type OnlineMemberInfo,
  type RoomSettings,
  type UpdateGroupProfileRequest,
} from '@stadium/protocol';
import type { CreateGroupOptions, IMResponse, UpdateRoomSettingsOptions } from './client-types.js';
import type { NetState, Requester } from './connection.js';
import { GroupCounters, type CounterChange, type CounterTotals } from './counters.js';
import type { GroupAttributes } from './group-attributes.js';
import { ok } from './im-response.js';
import type { JoinedGroups } from './joined-groups.js';
import type { Session } from './session.js';
import type { PinnedMessages } from './pinned-messages.js';

/** What {@link Rooms} needs. */
export interface RoomsDeps {
  request: Requester;
  /** The connection's state (a quit while disconnected needs no request). */
  netState: () => NetState;
  session: Session;
  joined: JoinedGroups;
  counterTotals: CounterTotals;
  attributes: GroupAttributes;
  pins: PinnedMessages;
}

/** The room calls. */
export class Rooms {
  private readonly counters: GroupCounters;

  constructor(private readonly deps: RoomsDeps) {
    this.counters = new GroupCounters((request) => deps.request('group.counters', request));
  }

  /** Create a live-broadcast group (type must be `TIM.TYPES.GRP_AVCHATROOM`). */
  async create(options: CreateGroupOptions): Promise<IMResponse<{ group: GroupInfo }>> {
    this.deps.session.requireReady();
    if (options?.type !== TIM_TYPES.GRP_AVCHATROOM) throw new StadiumError('SDK_ILLEGAL_GROUP_TYPE');
    const { memberList: _ignored, ...request } = options;
    return ok(await this.deps.request('group.create', request));
  }

  /** Join a room (guests too). Status `JoinedSuccess` or `AlreadyInGroup`. */
  async join(options: { groupID: string; type?: string; applyMessage?: string }): Promise<IMResponse<{ status: string; group: GroupInfo }>> {
    this.deps.session.requireAlive();
    const groupID = options?.groupID;
    if (typeof groupID !== 'string' || groupID === '') throw new StadiumError('INVALID_GROUP_ID', 'joinGroup needs a groupID');
    if (options.type !== undefined && options.type !== TIM_TYPES.GRP_AVCHATROOM) throw new StadiumError('SDK_ILLEGAL_GROUP_TYPE');
    const { joined } = this.deps;
    const began = joined.begin(groupID);
    try {
      const result = await this.deps.request('group.join', { groupID });
      joined.confirm(groupID, result.lastSeq ?? 0);
      joined.markHistoryEnd(groupID, result.lastSeq ?? 0);
      this.deps.pins.joined(groupID, result.pinnedMessages);
      return ok({ status: result.status, group: result.group });
    } catch (error) {
      if (began && !joined.isConfirmed(groupID)) joined.remove(groupID);
      throw error;
    }
  }

  /** Leave a room (guests too). */
  async quit(groupID: string): Promise<IMResponse<{ groupID: string }>> {
    this.deps.session.requireAlive();
    const { joined } = this.deps;
    if (!joined.has(groupID)) throw new StadiumError('SDK_MEMBER_NOT_IN_GROUP');
    if (this.deps.netState() === 'disconnected') {
      joined.remove(groupID);
      return ok({ groupID });
    }
    const result = await this.deps.request('group.quit', { groupID });
    joined.remove(groupID);
    this.deps.counterTotals.forget(groupID);
    this.deps.attributes.forget(groupID);
    return ok({ groupID: result.groupID ?? groupID });
  }

  /** Dismiss a room (owner or app admin). */
  async dismiss(groupID: string): Promise<IMResponse<{ groupID: string }>> {
    this.deps.session.requireReady();
    const result = await this.deps.request('group.dismiss', { groupID });
    this.deps.joined.remove(groupID);
    return ok({ groupID: result.groupID ?? groupID });
  }

  /** A room's profile. */
  async getProfile(options: { groupID: string }): Promise<IMResponse<{ group: GroupInfo }>> {
    this.deps.session.requireAlive();
    return ok(await this.deps.request('group.get', { groupID: options?.groupID }));
  }

  /** Members online in a room now. */
  async onlineMemberCount(groupID: string): Promise<IMResponse<{ memberCount: number }>> {
    this.deps.session.requireAlive();
    return ok(await this.deps.request('group.online', { groupID }));
  }

  /** Change a room's settings (owner or app admin). */
  async updateSettings(options: UpdateRoomSettingsOptions): Promise<IMResponse<{ settings: RoomSettings }>> {
    this.deps.session.requireReady();
    return ok(await this.deps.request('group.settings', { ...options }));
  }

  /** Set several counters at once. */
  async setCounters(options: { groupID: string; counters: Record<string, number> }): Promise<IMResponse<{ groupID: string; counters: Record<string, number> }>> {
    this.deps.session.requireReady();
    return ok(await this.counters.set(options));
  }

  /** Add to or subtract from a counter. */
  async changeCounter(op: 'increase' | 'decrease', options: { groupID: string; key: string; value: number }): Promise<IMResponse<CounterChange>> {
    this.deps.session.requireReady();
    return ok(await this.counters.change(op, options));
  }

  /** Read counters (all when `keyList` is empty); guests may read. */
  async getCounters(options: { groupID: string; keyList?: string[] }): Promise<IMResponse<{ groupID: string; counters: Record<string, number> }>> {
    this.deps.session.requireAlive();
    return ok(await this.counters.get(options));
  }

  /** Change a room's profile (owner and admins); members get a group-profile-updated tip. */
  async updateProfile(options: UpdateGroupProfileRequest): Promise<IMResponse<{ group: GroupInfo }>> {
    this.deps.session.requireReady();
    const groupID = options?.groupID;
    if (typeof groupID !== 'string' || groupID === '') throw new StadiumError('INVALID_GROUP_ID', 'updateGroupProfile needs a groupID');
    return ok(await this.deps.request('group.update', { ...options }));
  }

  /** Replace every attribute of a room (joined, logged-in members). */
  async initAttributes(options: { groupID: string; groupAttributes: Record<string, string> }): Promise<IMResponse<{ groupAttributes: Record<string, string> }>> {
    this.deps.session.requireReady();
    return ok(await this.deps.attributes.init(options));
  }

  /** Add or change some attributes of a room (joined, logged-in members). */
  async setAttributes(options: { groupID: string; groupAttributes: Record<string, string> }): Promise<IMResponse<{ groupAttributes: Record<string, string> }>> {
    this.deps.session.requireReady();
    return ok(await this.deps.attributes.set(options));
  }

  /** Delete some attributes of a room (all when `keyList` is empty). */
  async deleteAttributes(options: { groupID: string; keyList?: string[] }): Promise<IMResponse<{ keyList: string[] }>> {
    this.deps.session.requireReady();
    return ok(await this.deps.attributes.delete(options));
  }

  /** Read a room's attributes (all when `keyList` is empty); joined members, guests too. */
  async getAttributes(options: { groupID: string; keyList?: string[] }): Promise<IMResponse<{ groupAttributes: Record<string, string> }>> {
    this.deps.session.requireAlive();
    return ok(await this.deps.attributes.get(options));
  }

  /** Set (`TIM.TYPES.GRP_MBR_ROLE_ADMIN`) or unset (`GRP_MBR_ROLE_MEMBER`) a room admin: the owner only. */
  async setMemberRole(options: { groupID: string; userID: string; role: string }): Promise<IMResponse<{ group: GroupInfo; member: GroupMemberInfo }>> {
    this.deps.session.requireReady();
    const { groupID, userID, role } = options ?? {};
    if (role !== TIM_TYPES.GRP_MBR_ROLE_ADMIN && role !== TIM_TYPES.GRP_MBR_ROLE_MEMBER) throw new StadiumError('INVALID_MEMBER_ROLE');
    if (userID === this.deps.session.userID) throw new StadiumError('CANNOT_SET_SELF_ROLE');
    return ok(await this.deps.request('group.role', { groupID, userID, role }));
  }

  /** Mute a member for `muteTime` seconds (0 unmutes): owner and admins. */
  async setMemberMuteTime(options: { groupID: string; userID: string; muteTime: number }): Promise<IMResponse<{ group: GroupInfo; member: GroupMemberInfo }>> {
    this.deps.session.requireReady();
    const { groupID, userID, muteTime } = options ?? {};
    if (userID === this.deps.session.userID) throw new StadiumError('CANNOT_MUTE_SELF');
    return ok(await this.deps.request('group.mute', { groupID, userID, muteTime }));
  }

  /** Remove members from a live room and ban them for `duration` seconds (> 0): owner and admins. */
  async deleteMember(options: { groupID: string; userIDList: string[]; duration?: number; reason?: string }): Promise<IMResponse<{ group: GroupInfo; userIDList: string[] }>> {
    this.deps.session.requireReady();
    const { groupID, userIDList, duration, reason } = options ?? {};
    if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 1 || duration > 0xffffffff) throw new StadiumError('BAN_DURATION_INVALID');
    return ok(await this.deps.request('group.ban', { groupID, userIDList, duration, ...(reason !== undefined ? { reason } : {}) }));
  }

  /**
   * One page of a live room's online logged-in members, newest first: at most `count` (500 at
   * most, the default); `offset` 0 first, then the last answer's `offset` (0: nothing more).
   */
  async memberList(options: { groupID: string; count?: number; offset?: number }): Promise<IMResponse<{ memberList: OnlineMemberInfo[]; offset: number }>> {
    this.deps.session.requireReady();
    const { groupID, count, offset } = options ?? {};
    return ok(await this.deps.request('group.members', { groupID, ...(count !== undefined ? { count } : {}), ...(offset !== undefined ? { offset } : {}) }));
  }

  /** The room's messages held for review, oldest first: owner and admins. */
  async getReviewQueue(options: { groupID: string }): Promise<IMResponse<{ groupID: string; heldMessageList: HeldMessageInfo[] }>> {
    this.deps.session.requireReady();
    return ok(await this.deps.request('group.reviewQueue', { groupID: options?.groupID }));
  }

  /** Approve (publish as a new message) or deny (drop) a held message: owner and admins. */
  async reviewMessage(options: {
    groupID: string;
    holdID: string;
    action: 'Approve' | 'Deny';
  }): Promise<IMResponse<{ groupID: string; holdID: string; seq: number; time: number }>> {
    this.deps.session.requireReady();
    const { groupID, holdID, action } = options ?? {};
    return ok(await this.deps.request('group.review', { groupID, holdID, action }));
  }
}

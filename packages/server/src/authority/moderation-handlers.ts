/**
 * The moderation commands at a room's authority: admins, timed mutes, bans. Each decides from
 * the authority's own record and moderation state, writes the change to the store before it
 * answers, and tells the room with a tip; a ban also removes the banned members on every node
 * (bus `members-removed`) after telling them with a group system notice (operationType 21).
 */
import { GROUP_SYSTEM_NOTICE, StadiumError, TIM_TYPES } from '@stadium/protocol';
import type { Bus } from '../bus/bus.js';
import { roomSubject } from '../bus/bus.js';
import type { Clock } from '../clock/clock.js';
import type { ActorStamp } from '../core/actor.js';
import type { MemberState } from '../core/records.js';
import { authorize, outranks, type RoomRole } from '../core/permissions.js';
import type { Store } from '../storage/store.js';
import type { AuthorityCommandName, AuthorityCommands, ModeratedMember, UnsequencedMessage } from '../wire/authority-commands.js';
import { encodeMessage } from '../wire/batch-entry.js';
import { MAX_MODERATED_MEMBERS, untilOf, untilSec } from './room-moderation.js';
import type { RoomAuthority } from './room-authority.js';

type ModerationCommand = 'role' | 'mute' | 'ban' | 'unban' | 'moderation';
type Handler<C extends AuthorityCommandName> = (room: RoomAuthority, body: AuthorityCommands[C]['req']) => Promise<AuthorityCommands[C]['res']>;

/** The moderation handlers. */
export type ModerationHandlers = { [C in ModerationCommand]: Handler<C> };

/** What they need. */
export interface ModerationHandlerDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
  /** Most admins a room may have (option `maxAdminsPerRoom`). */
  maxAdminsPerRoom: number;
}

/** The role `userId` has in the room (the app admin account ranks as app admin). */
function targetRole(room: RoomAuthority, userId: string): RoomRole {
  if (userId === room.app.adminUserId) return 'appAdmin';
  return room.roleOf({ userId, kind: 'user' });
}

/** Refuse unless `role` outranks every target (and nobody acts on themself). */
function checkTargets(room: RoomAuthority, actor: ActorStamp, role: RoomRole, userIds: readonly string[], selfError: 'CANNOT_MUTE_SELF' | 'OUTRANKED'): void {
  for (const userId of userIds) {
    if (userId === actor.userId) throw new StadiumError(selfError, `${userId} is you`);
    const theirs = targetRole(room, userId);
    if (!outranks(role, theirs)) throw new StadiumError('OUTRANKED', `${role} may not act on ${userId} (${theirs})`);
  }
}

/** Build the moderation handlers. */
export function createModerationHandlers(deps: ModerationHandlerDeps): ModerationHandlers {
  const { store, bus, clock } = deps;

  /** Change one member's state, in memory and in the store (undone if the store refuses). */
  async function apply(room: RoomAuthority, userId: string, change: Partial<Omit<MemberState, 'userId'>>, now: number): Promise<MemberState> {
    const before = room.moderation.get(userId);
    const state = room.moderation.set(userId, change, now);
    try {
      await store.putMemberState(room.sdkAppId, room.groupId, state, now);
    } catch (error) {
      room.moderation.restore(userId, before);
      throw error;
    }
    return state;
  }

  /** Drop ended mutes and bans, in memory and (in the background) in the store. */
  function prune(room: RoomAuthority, now: number): void {
    for (const state of room.moderation.prune(now)) void store.putMemberState(room.sdkAppId, room.groupId, state, now).catch(() => undefined);
  }

  /** Refuse when adding `userIds` to the muted or banned would pass the bound. */
  function checkRoom(room: RoomAuthority, userIds: readonly string[], now: number): void {
    const added = userIds.filter((u) => room.moderation.mutedUntil(u, now) === 0 && room.moderation.bannedUntil(u, now) === 0).length;
    if (room.moderation.moderatedCount(now) + added > MAX_MODERATED_MEMBERS) throw new StadiumError('MODERATION_LIST_FULL', `${MAX_MODERATED_MEMBERS} members`);
  }

  function tip(
    room: RoomAuthority,
    operationType: number,
    actor: ActorStamp,
    userIds: string[],
    extra: Partial<UnsequencedMessage> & { memberList?: Array<Record<string, unknown>> } = {},
  ): void {
    const { memberList, ...fields } = extra;
    const operatorId = actor.userId ?? '';
    room.sequencer.submitNotice({
      id: `tip-${operationType}-${clock.now()}-${room.sequencer.nextSeq}`,
      type: 'TIMGroupTipElem',
      payload: { operationType, operatorID: operatorId, userIDList: userIds, ...(memberList ? { memberList } : {}) },
      from: operatorId,
      priority: 'High',
      ...fields,
    });
  }

  function view(room: RoomAuthority, userId: string, now: number): ModeratedMember {
    const role = targetRole(room, userId);
    return { userId, role: role === 'owner' ? 'Owner' : role === 'admin' ? 'Admin' : 'Member', mutedUntil: untilSec(room.moderation.mutedUntil(userId, now)) };
  }

  return {
    async role(room, { actor, member, admin }) {
      authorize('member.role', room.roleOf(actor), room.groupId);
      const { userId } = member;
      if (userId === room.record.ownerId) throw new StadiumError('INVALID_MEMBER_ROLE', "the owner's role cannot change");
      if (userId === actor.userId) throw new StadiumError('CANNOT_SET_SELF_ROLE');
      const now = clock.now();
      if (room.moderation.isAdmin(userId) === admin) return { member: view(room, userId, now) };
      if (admin && room.moderation.adminCount >= deps.maxAdminsPerRoom) throw new StadiumError('ADMIN_LIMIT_REACHED', `${deps.maxAdminsPerRoom} admins`);
      await apply(room, userId, { admin }, now);
      tip(room, admin ? TIM_TYPES.GRP_TIP_MBR_SET_ADMIN : TIM_TYPES.GRP_TIP_MBR_CANCELED_ADMIN, actor, [userId], {
        memberList: [{ userID: userId, nick: member.nick, avatar: member.avatar }],
        from: userId,
        nick: member.nick,
        avatar: member.avatar,
      });
      return { member: view(room, userId, now) };
    },

    async mute(room, { actor, userIds, seconds }) {
      const role = room.roleOf(actor);
      authorize('member.mute', role, room.groupId);
      checkTargets(room, actor, role, userIds, 'CANNOT_MUTE_SELF');
      const now = clock.now();
      prune(room, now);
      if (seconds > 0) checkRoom(room, userIds, now);
      const until = seconds === 0 ? 0 : untilOf(now, seconds);
      for (const userId of userIds) await apply(room, userId, { mutedUntil: until }, now);
      tip(room, TIM_TYPES.GRP_TIP_MBR_PROFILE_UPDATED, actor, [...userIds], { memberList: userIds.map((userID) => ({ userID, muteTime: seconds })) });
      return { members: userIds.map((userId) => view(room, userId, now)) };
    },

    async ban(room, { actor, userIds, seconds, reason }) {
      const role = room.roleOf(actor);
      authorize('member.ban', role, room.groupId);
      checkTargets(room, actor, role, userIds, 'OUTRANKED');
      const now = clock.now();
      prune(room, now);
      checkRoom(room, userIds, now);
      const until = untilOf(now, seconds);
      for (const userId of userIds) await apply(room, userId, { bannedUntil: until }, now);
      const operatorId = actor.userId ?? '';
      const notice = encodeMessage({
        id: `notice-21-${now}-${room.sequencer.nextSeq}`,
        type: 'TIMGroupSystemNoticeElem',
        payload: { operationType: GROUP_SYSTEM_NOTICE.BANNED, operatorID: operatorId, ...(reason ? { handleMessage: reason } : {}) },
        from: operatorId,
        priority: 'High',
        seq: 0,
        time: Math.floor(now / 1000),
      });
      bus.publish(roomSubject(room.sdkAppId, room.groupId), {
        kind: 'members-removed',
        sdkAppId: room.sdkAppId,
        groupId: room.groupId,
        userIds: [...userIds],
        entries: [notice],
        operator: actor,
      });
      tip(room, TIM_TYPES.GRP_TIP_BAN_AVCHATROOM_MEMBER, actor, [...userIds]);
      return {};
    },

    async unban(room, { actor, userIds }) {
      authorize('member.ban', room.roleOf(actor), room.groupId);
      const now = clock.now();
      const lifted = userIds.filter((userId) => room.moderation.bannedUntil(userId, now) !== 0);
      for (const userId of lifted) await apply(room, userId, { bannedUntil: 0 }, now);
      if (lifted.length > 0) tip(room, TIM_TYPES.GRP_TIP_UNBAN_AVCHATROOM_MEMBER, actor, lifted);
      return {};
    },

    async moderation(room, { actor }) {
      authorize('moderation.read', room.roleOf(actor), room.groupId);
      const now = clock.now();
      prune(room, now);
      const seconds = (list: Array<{ userId: string; until: number }>): Array<{ userId: string; until: number }> =>
        list.map((e) => ({ userId: e.userId, until: untilSec(e.until) }));
      return { muted: seconds(room.moderation.muted(now)), banned: seconds(room.moderation.banned(now)) };
    },
  };
}

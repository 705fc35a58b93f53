/**
 * `group_open_http_svc/…` moderation: timed mutes and bans of live-room members from the app's
 * backend. Each calls the same room operation as the SDK's setGroupMemberMuteTime /
 * deleteGroupMember, as the app admin; the room's authority decides, stores and tells the room.
 */
import { Type } from '@sinclair/typebox';
import { LIMITS, StadiumError } from '@stadium/protocol';
import { MAX_BAN_REASON_BYTES } from '../../groups/group-service.js';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

const GroupId = Type.String({ minLength: 1, maxLength: LIMITS.maxGroupIdBytes, description: "The room's group ID" });
const Account = Type.String({ minLength: 1, maxLength: LIMITS.maxUserIdBytes });
// Generous schema bounds; the operation refuses more than 500 (mute) or 20 (ban) with TOO_MANY_ACCOUNTS (10005).
const Accounts = Type.Array(Account, { minItems: 1, maxItems: 1000 });
const Seconds = Type.Integer({ minimum: 0, maximum: 0xffffffff });
const TopicId = Type.Optional(Type.String({ maxLength: 96, description: 'Community topics: not used by live rooms' }));

/** `forbid_send_msg`. */
export const forbidSendMsg = defineCommand({
  path: 'group_open_http_svc/forbid_send_msg',
  summary: 'Mute up to 500 members of a live room for MuteTime seconds (legacy ShutUpTime); 0 unmutes, 4294967295 mutes for ever. Members get a member-profile-updated tip.',
  body: Type.Object({ GroupId, Members_Account: Accounts, MuteTime: Type.Optional(Seconds), ShutUpTime: Type.Optional(Seconds), TopicId }),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    const seconds = body.MuteTime ?? body.ShutUpTime;
    if (seconds === undefined) throw new StadiumError('INVALID_PARAMETER', 'MuteTime: is required');
    await deps.groups.mute(actor, body.GroupId, body.Members_Account, seconds);
    return {};
  },
});

const MutedList = Type.Array(Type.Object({ Member_Account: Type.String(), MutedUntil: Type.Integer({ description: 'UNIX seconds; 4294967295 for ever' }) }));

/** `get_group_muted_account`. */
export const getGroupMutedAccount = defineCommand({
  path: 'group_open_http_svc/get_group_muted_account',
  summary: 'The members of a live room muted now, with the time each mute ends.',
  body: Type.Object({ GroupId, TopicId }),
  response: Type.Object({ GroupId: Type.String(), MutedAccountList: MutedList }),
  async handle({ actor, deps }, body) {
    const { muted } = await deps.groups.moderated(actor, body.GroupId);
    return { GroupId: body.GroupId, MutedAccountList: muted.map((m) => ({ Member_Account: m.userId, MutedUntil: m.until })) };
  },
});

/** `get_group_shutted_uin`: the legacy name and answer of get_group_muted_account. */
export const getGroupShuttedUin = defineCommand({
  path: 'group_open_http_svc/get_group_shutted_uin',
  summary: 'Legacy get_group_muted_account: the same list as ShuttedUinList of Member_Account and ShuttedUntil.',
  body: Type.Object({ GroupId, TopicId }),
  response: Type.Object({ GroupId: Type.String(), ShuttedUinList: Type.Array(Type.Object({ Member_Account: Type.String(), ShuttedUntil: Type.Integer() })) }),
  async handle({ actor, deps }, body) {
    const { muted } = await deps.groups.moderated(actor, body.GroupId);
    return { GroupId: body.GroupId, ShuttedUinList: muted.map((m) => ({ Member_Account: m.userId, ShuttedUntil: m.until })) };
  },
});

/** `ban_group_member`. */
export const banGroupMember = defineCommand({
  path: 'group_open_http_svc/ban_group_member',
  summary:
    'Remove up to 20 members from a live room at once, on every node, and ban them from rejoining for Duration seconds; they get a group system notice (operationType 21), the room a ban tip.',
  body: Type.Object({
    GroupId,
    Members_Account: Accounts,
    Duration: Type.Integer({ minimum: 1, maximum: 0xffffffff, description: 'Ban length in seconds' }),
    Description: Type.Optional(Type.String({ maxLength: MAX_BAN_REASON_BYTES, description: 'Why (≤ 1000 bytes); shown in the notice as handleMessage' })),
  }),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    await deps.groups.ban(actor, body.GroupId, body.Members_Account, body.Duration, body.Description ?? '');
    return {};
  },
});

/** `unban_group_member`. */
export const unbanGroupMember = defineCommand({
  path: 'group_open_http_svc/unban_group_member',
  summary: 'Lift the bans of up to 20 members of a live room; they may rejoin at once, and the room gets an unban tip.',
  body: Type.Object({ GroupId, Members_Account: Accounts }),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    await deps.groups.unban(actor, body.GroupId, body.Members_Account);
    return {};
  },
});

/** `get_group_ban_member`. */
export const getGroupBanMember = defineCommand({
  path: 'group_open_http_svc/get_group_ban_member',
  summary: 'The members banned from a live room now, with the time each ban ends, in user ID order, paged with Limit and Offset.',
  body: Type.Object({
    GroupId,
    Limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Page size, default and at most 100' })),
    Offset: Type.Integer({ minimum: 0, description: '0 first, then the previous NextOffset' }),
  }),
  response: Type.Object({
    BannedAccountList: Type.Array(Type.Object({ Member_Account: Type.String(), BannedUntil: Type.Integer() })),
    NextOffset: Type.Integer({ description: '0 when there are no more' }),
  }),
  async handle({ actor, deps }, body) {
    const { banned } = await deps.groups.moderated(actor, body.GroupId);
    const limit = body.Limit ?? 100;
    const page = banned.slice(body.Offset, body.Offset + limit);
    const next = body.Offset + page.length;
    return { BannedAccountList: page.map((b) => ({ Member_Account: b.userId, BannedUntil: b.until })), NextOffset: next < banned.length ? next : 0 };
  },
});

/** The moderation commands, in docs/rest-api.md order. */
export const MODERATION_COMMANDS: readonly AnyRestCommand[] = [forbidSendMsg, getGroupMutedAccount, getGroupShuttedUin, banGroupMember, unbanGroupMember, getGroupBanMember];

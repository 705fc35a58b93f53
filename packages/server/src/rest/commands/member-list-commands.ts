/**
 * The online member list of a live room from the app's backend: the compatible live-room
 * command `group_open_avchatroom_http_svc/get_members` (paged by `Timestamp` /
 * `NextTimestamp`) and `group_open_http_svc/get_group_member_info` with the fields a live room
 * has. Both call the operation behind the SDK's getGroupMemberList, as the app admin.
 */
import { Type } from '@sinclair/typebox';
import { LIMITS } from '@stadium/protocol';
import type { OnlineMemberInfo } from '@stadium/protocol';
import type { Actor } from '../../core/actor.js';
import type { GroupService } from '../../groups/group-service.js';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

const GroupId = Type.String({ minLength: 1, maxLength: LIMITS.maxGroupIdBytes, description: "The room's group ID" });
const Cursor = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: '0 for the first page, then the previous answer’s next value' });
const Role = Type.Union([Type.Literal('Owner'), Type.Literal('Admin'), Type.Literal('Member')]);
/** Most members `get_group_member_info` skips for a count `Offset` (each skipped page costs a call); past it, use `Next`. */
export const MAX_MEMBER_INFO_OFFSET = 10_000;

/** `get_members`. */
export const getMembers = defineCommand({
  path: 'group_open_avchatroom_http_svc/get_members',
  summary:
    'One page (up to 500) of the online logged-in members of a live room on every node, newest first, with nick, avatar, role and mute; pass NextTimestamp back as Timestamp for the next page (0: done). Guests are not listed.',
  body: Type.Object({
    GroupId,
    Timestamp: Type.Optional(Cursor),
    Mark: Type.Optional(Type.Integer({ description: 'Member marks are not kept by Stadium: ignored' })),
  }),
  response: Type.Object({
    MemberList: Type.Array(
      Type.Object({
        Member_Account: Type.String(),
        JoinTime: Type.Integer({ description: 'UNIX seconds' }),
        NickName: Type.String(),
        Avatar: Type.String(),
        Role,
        MuteUntil: Type.Integer({ description: 'UNIX seconds; 0 when not muted' }),
      }),
    ),
    NextTimestamp: Type.Integer({ description: '0 when there is no more' }),
  }),
  async handle({ actor, deps }, body) {
    const { memberList, offset } = await deps.groups.memberList(actor, { groupID: body.GroupId, offset: body.Timestamp ?? 0 });
    return {
      MemberList: memberList.map((m) => ({ Member_Account: m.userID, JoinTime: m.joinTime, NickName: m.nick, Avatar: m.avatar, Role: m.role, MuteUntil: m.muteUntil })),
      NextTimestamp: offset,
    };
  },
});

/** Skip `offset` members from the newest: the cursor after them (0 when none are left). */
async function skip(groups: GroupService, actor: Actor, groupID: string, offset: number): Promise<number> {
  let cursor = 0;
  for (let left = offset; left > 0;) {
    const page = await groups.memberList(actor, { groupID, count: Math.min(left, LIMITS.maxMemberListPage), offset: cursor });
    left -= page.memberList.length;
    cursor = page.offset;
    if (cursor === 0) return -1;
  }
  return cursor;
}

function memberInfo(m: OnlineMemberInfo, filter: readonly string[] | undefined): Record<string, unknown> {
  const all: Record<string, unknown> = {
    Member_Account: m.userID,
    Role: m.role,
    JoinTime: m.joinTime,
    MsgSeq: 0,
    MsgFlag: 'AcceptAndNotify',
    LastSendMsgTime: 0,
    MuteUntil: m.muteUntil,
    ShutUpUntil: m.muteUntil,
    NameCard: '',
    NickName: m.nick,
    Avatar: m.avatar,
  };
  if (!filter) return all;
  const out: Record<string, unknown> = { Member_Account: m.userID };
  for (const key of filter) if (key in all) out[key] = all[key];
  return out;
}

/** `get_group_member_info`. */
export const getGroupMemberInfo = defineCommand({
  path: 'group_open_http_svc/get_group_member_info',
  summary:
    'The online logged-in members of a live room, newest first, with the compatible member fields: up to Limit (≤ 500) from Offset (a count, ≤ 10,000) or, cheaper, from Next (the previous answer’s). MemberNum is the online count, guests included.',
  body: Type.Object({
    GroupId,
    Limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.maxMemberListPage, description: 'Members per page (default 500)' })),
    Offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_MEMBER_INFO_OFFSET, description: 'Members to skip from the newest' })),
    Next: Type.Optional(Type.String({ maxLength: 20, pattern: '^[0-9]*$', description: 'The previous answer’s Next; takes precedence over Offset' })),
    MemberInfoFilter: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16, description: 'Member fields to return (Member_Account always)' })),
  }),
  response: Type.Object({
    MemberNum: Type.Integer({ description: 'Members online now, guests included' }),
    MemberList: Type.Array(Type.Object({ Member_Account: Type.String() }, { additionalProperties: true })),
    Next: Type.String({ description: 'Pass back for the next page; "" when there is no more' }),
  }),
  async handle({ actor, deps }, body) {
    const { groups } = deps;
    const limit = body.Limit ?? LIMITS.maxMemberListPage;
    const { memberCount } = await groups.onlineCount(actor, body.GroupId);
    let cursor = body.Next ? Number(body.Next) : 0;
    if (!body.Next && (body.Offset ?? 0) > 0) cursor = await skip(groups, actor, body.GroupId, body.Offset!);
    if (cursor < 0) return { MemberNum: memberCount, MemberList: [], Next: '' };
    const { memberList, offset } = await groups.memberList(actor, { groupID: body.GroupId, count: limit, offset: cursor });
    return { MemberNum: memberCount, MemberList: memberList.map((m) => memberInfo(m, body.MemberInfoFilter)), Next: offset === 0 ? '' : String(offset) };
  },
});

/** The member list commands, in docs order. */
export const MEMBER_LIST_COMMANDS: readonly AnyRestCommand[] = [getMembers, getGroupMemberInfo];

/**
 * `group_open_http_svc/…`: live rooms from the app's backend. Each command calls the same
 * room, message and counter operations as the SDK, as the app admin; the room's authority
 * decides exactly as it does for SDK calls.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { LIMITS, StadiumError, TIM_TYPES, type GroupInfo } from '@stadium/protocol';
import type { Admitted, RoomMessageStats } from '../../wire/authority-commands.js';
import { fromMsgBody, MsgBody } from '../msg-body.js';
import { defineCommand, type AnyRestCommand, type RestContext } from '../rest-command.js';

const GroupId = Type.String({ minLength: 1, maxLength: LIMITS.maxGroupIdBytes, description: "The room's group ID" });
const Account = Type.String({ minLength: 1, maxLength: LIMITS.maxUserIdBytes });
const KeyValue = Type.Object({ Key: Type.String({ minLength: 1, maxLength: 64 }), Value: Type.String({ maxLength: 4096 }) });
const OnOff = Type.Union([Type.Literal('On'), Type.Literal('Off')]);
const Priority = Type.Union([Type.Literal('High'), Type.Literal('Normal'), Type.Literal('Low'), Type.Literal('Lowest')], { description: 'Default Normal' });
const Random = Type.Integer({ minimum: 0, maximum: 0xffffffff, description: '32-bit random; the same sender and Random within 5 minutes is one message' });

/** `create_group`. */
export const createGroup = defineCommand({
  path: 'group_open_http_svc/create_group',
  summary: 'Create a live room (Type AVChatRoom), optionally with a chosen GroupId, owner and custom fields.',
  body: Type.Object({
    Type: Type.String({ description: 'AVChatRoom (Stadium hosts live rooms only)' }),
    Name: Type.String({ minLength: 1, maxLength: 64 }),
    Owner_Account: Type.Optional(Account),
    GroupId: Type.Optional(GroupId),
    Introduction: Type.Optional(Type.String({ maxLength: 1024 })),
    Notification: Type.Optional(Type.String({ maxLength: 1024 })),
    FaceUrl: Type.Optional(Type.String({ maxLength: 1024 })),
    AppDefinedData: Type.Optional(Type.Array(KeyValue, { maxItems: 16 })),
    MemberList: Type.Optional(Type.Array(Type.Object({ Member_Account: Type.String() }))),
  }),
  response: Type.Object({ GroupId: Type.String() }),
  async handle({ actor, deps }, body) {
    if (body.MemberList !== undefined && body.MemberList.length > 0)
      throw new StadiumError('NO_PERMISSION', 'live rooms are created without members (MemberList); members join with the SDK');
    const { group } = await deps.groups.create(
      actor,
      {
        type: body.Type === 'AVChatRoom' ? TIM_TYPES.GRP_AVCHATROOM : body.Type,
        name: body.Name,
        ...(body.GroupId !== undefined ? { groupID: body.GroupId } : {}),
        ...(body.Introduction !== undefined ? { introduction: body.Introduction } : {}),
        ...(body.Notification !== undefined ? { notification: body.Notification } : {}),
        ...(body.FaceUrl !== undefined ? { avatar: body.FaceUrl } : {}),
      },
      body.Owner_Account ?? actor.userId,
      (body.AppDefinedData ?? []).map((f) => ({ key: f.Key, value: f.Value })),
    );
    return { GroupId: group.groupID };
  },
});

/** `destroy_group`. */
export const destroyGroup = defineCommand({
  path: 'group_open_http_svc/destroy_group',
  summary: 'Dismiss a live room; every member gets a group system notice (operationType 5).',
  body: Type.Object({ GroupId }),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    await deps.groups.dismiss(actor, body.GroupId);
    return {};
  },
});

/** The base-info fields of `get_group_info`, by compatible name. */
const BASE_INFO: Record<string, (g: GroupInfo, sdkAppId: number) => unknown> = {
  GroupId: (g) => g.groupID,
  Type: () => 'AVChatRoom',
  Name: (g) => g.name,
  Appid: (_g, sdkAppId) => sdkAppId,
  Introduction: (g) => g.introduction,
  Notification: (g) => g.notification,
  FaceUrl: (g) => g.avatar,
  Owner_Account: (g) => g.ownerID,
  CreateTime: (g) => g.createTime,
  LastInfoTime: (g) => g.lastInfoTime,
  NextMsgSeq: (g) => g.nextMessageSeq,
  MemberNum: (g) => g.memberCount,
  MaxMemberNum: () => 0,
  ApplyJoinOption: () => 'FreeAccess',
  MuteAllMember: (g) => (g.muteAllMembers ? 'On' : 'Off'),
};

/**
 * Stadium's own base-info fields of `get_group_info` (docs/rest-api.md): settings in force,
 * the admins, and the room's message figures at its authority.
 */
const STADIUM_INFO: Record<string, (p: { group: GroupInfo; stats: RoomMessageStats; admins: string[] }) => unknown> = {
  SlowModeSec: (p) => p.group.settings.slowModeSec,
  HistorySize: (p) => p.group.settings.historySize,
  KeepRecord: (p) => p.group.settings.keepRecord,
  Admin_Account: (p) => p.admins,
  MsgStats: (p) => ({ Published: p.stats.published, Shed: p.stats.shed, Sampled: p.stats.sampled }),
};

/** `get_group_info`. */
export const getGroupInfo = defineCommand({
  path: 'group_open_http_svc/get_group_info',
  summary: 'Profiles of up to 50 rooms, each with its own ErrorCode; ResponseFilter picks base-info fields and custom-field keys.',
  body: Type.Object({
    GroupIdList: Type.Array(Type.String({ maxLength: 256 }), { minItems: 1, maxItems: 50 }),
    ResponseFilter: Type.Optional(
      Type.Object({
        GroupBaseInfoFilter: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 })),
        MemberInfoFilter: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 })),
        AppDefinedDataFilter_Group: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 })),
        AppDefinedDataFilter_GroupMember: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 })),
      }),
    ),
  }),
  response: Type.Object({ GroupInfo: Type.Array(Type.Object({ GroupId: Type.String(), ErrorCode: Type.Integer(), ErrorInfo: Type.String() }, { additionalProperties: true })) }),
  async handle({ actor, deps }, body) {
    const fields = body.ResponseFilter?.GroupBaseInfoFilter;
    const customKeys = body.ResponseFilter?.AppDefinedDataFilter_Group;
    const infos = await Promise.all(
      body.GroupIdList.map(async (groupId) => {
        try {
          const profile = await deps.groups.restProfile(actor, groupId);
          const { group } = profile;
          const out: Record<string, unknown> = { GroupId: group.groupID, ErrorCode: 0, ErrorInfo: '' };
          for (const [name, read] of Object.entries(BASE_INFO)) if (fields === undefined || fields.includes(name)) out[name] = read(group, actor.app.sdkAppId);
          for (const [name, read] of Object.entries(STADIUM_INFO)) if (fields === undefined || fields.includes(name)) out[name] = read(profile);
          const custom = group.groupCustomField.filter((f) => customKeys === undefined || customKeys.includes(f.key));
          if (fields === undefined || customKeys !== undefined) out.AppDefinedData = custom.map((f) => ({ Key: f.key, Value: f.value }));
          return out;
        } catch (error) {
          if (!(error instanceof StadiumError)) throw error;
          return { GroupId: groupId, ErrorCode: error.code, ErrorInfo: error.message };
        }
      }),
    );
    return { GroupInfo: infos };
  },
});

/** `get_appid_group_list`. */
export const getAppidGroupList = defineCommand({
  path: 'group_open_http_svc/get_appid_group_list',
  summary: "The app's live rooms, oldest first, paged with Limit and Next.",
  ratePerSec: 1,
  body: Type.Object({
    Limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Default 10000' })),
    Next: Type.Optional(Type.Integer({ minimum: 0, description: 'From the previous answer; 0 or absent for the first page' })),
    GroupType: Type.Optional(Type.String({ maxLength: 32 })),
  }),
  response: Type.Object({
    TotalCount: Type.Integer(),
    GroupIdList: Type.Array(Type.Object({ GroupId: Type.String() })),
    Next: Type.Integer({ description: '0 when there are no more' }),
  }),
  async handle({ actor, deps }, body) {
    if (body.GroupType !== undefined && body.GroupType !== 'AVChatRoom') return { TotalCount: 0, GroupIdList: [], Next: 0 };
    const page = await deps.groups.list(actor, body.Limit ?? 10_000, body.Next ?? 0);
    return { TotalCount: page.total, GroupIdList: page.groupIds.map((GroupId) => ({ GroupId })), Next: page.next };
  },
});

/** `modify_group_base_info`. */
export const modifyGroupBaseInfo = defineCommand({
  path: 'group_open_http_svc/modify_group_base_info',
  summary: 'Change a room\'s name, introduction, notification, face URL, mute-all or custom fields (Value "" deletes a key); members get a group-profile-updated tip.',
  body: Type.Object({
    GroupId,
    Name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    Introduction: Type.Optional(Type.String({ maxLength: 1024 })),
    Notification: Type.Optional(Type.String({ maxLength: 1024 })),
    FaceUrl: Type.Optional(Type.String({ maxLength: 1024 })),
    MuteAllMember: Type.Optional(OnOff),
    ShutUpAllMember: Type.Optional(OnOff),
    AppDefinedData: Type.Optional(Type.Array(KeyValue, { maxItems: 16 })),
    MaxMemberNum: Type.Optional(Type.Integer({ minimum: 0, description: 'Ignored: live rooms have no member limit' })),
    ApplyJoinOption: Type.Optional(Type.String({ maxLength: 32, description: 'Ignored: live rooms are FreeAccess' })),
  }),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    const muteAll = body.MuteAllMember ?? body.ShutUpAllMember;
    await deps.groups.updateProfile(actor, body.GroupId, {
      ...(body.Name !== undefined ? { name: body.Name } : {}),
      ...(body.Introduction !== undefined ? { introduction: body.Introduction } : {}),
      ...(body.Notification !== undefined ? { notification: body.Notification } : {}),
      ...(body.FaceUrl !== undefined ? { faceUrl: body.FaceUrl } : {}),
      ...(muteAll !== undefined ? { muteAll: muteAll === 'On' } : {}),
      ...(body.AppDefinedData !== undefined ? { customFields: body.AppDefinedData.map((f) => ({ key: f.Key, value: f.Value })) } : {}),
    });
    return {};
  },
});

/** Who a REST message is from: From_Account (its nick and avatar from its profile) or the admin. */
async function senderOf({ actor, deps }: RestContext, fromAccount: string | undefined): Promise<{ userId: string; nick: string; avatar: string }> {
  const userId = fromAccount ?? actor.userId ?? '';
  const profile = await deps.profiles.get(actor.app.sdkAppId, userId);
  return { userId, nick: profile.nick, avatar: profile.avatar };
}

const SendFields = {
  From_Account: Type.Optional(Account),
  Random,
  MsgPriority: Type.Optional(Priority),
  MsgBody,
  CloudCustomData: Type.Optional(Type.String({ maxLength: LIMITS.maxMessageBytes })),
  ForbidCallbackControl: Type.Optional(
    Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: 4,
      description: 'ForbidBeforeSendMsgCallback and/or ForbidAfterSendMsgCallback: skip those callbacks for this message',
    }),
  ),
  OfflinePushInfo: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Accepted and ignored: live rooms are online only' })),
};

/** The callbacks a send skips, from `ForbidCallbackControl`. */
function callbackControlOf(forbid: readonly string[] | undefined): { skipBeforeSend?: boolean; skipAfterSend?: boolean } {
  const control: { skipBeforeSend?: boolean; skipAfterSend?: boolean } = {};
  if (forbid?.includes('ForbidBeforeSendMsgCallback')) control.skipBeforeSend = true;
  if (forbid?.includes('ForbidAfterSendMsgCallback')) control.skipAfterSend = true;
  return control;
}

/** The fields of a REST send (send_group_msg, send_broadcast_msg). */
type SendBody = Static<TObject<typeof SendFields>>;

/** Send `body` to `groupId` as `sender`: one message ID per room, de-duplicated by sender and Random. */
function sendToRoom(ctx: RestContext, groupId: string, sender: { userId: string; nick: string; avatar: string }, body: SendBody): Promise<Admitted> {
  const message = {
    id: `rest-${randomUUID()}`,
    ...fromMsgBody(body.MsgBody),
    priority: body.MsgPriority ?? 'Normal',
    random: body.Random,
    ...(body.CloudCustomData !== undefined ? { cloudCustomData: body.CloudCustomData } : {}),
  };
  return ctx.deps.messages.send(ctx.actor, groupId, message, undefined, sender, {
    dedupeByRandom: true,
    callbackControl: callbackControlOf(body.ForbidCallbackControl),
  });
}

/** `send_group_msg`. */
export const sendGroupMsg = defineCommand({
  path: 'group_open_http_svc/send_group_msg',
  summary: "Send a message to a live room as From_Account (default: the admin), through the room's rules; answers MsgSeq and MsgTime.",
  body: Type.Object({ GroupId, ...SendFields }),
  response: Type.Object({
    MsgSeq: Type.Integer(),
    MsgTime: Type.Integer(),
    MsgDropReason: Type.String({ description: '"MsgFreqCtrl" when the room\'s downstream cap sampled it away (accepted, delivered to nobody)' }),
  }),
  async handle(ctx, body) {
    const sender = await senderOf(ctx, body.From_Account);
    const admitted = await sendToRoom(ctx, body.GroupId, sender, body);
    return { MsgSeq: admitted.seq, MsgTime: admitted.time, MsgDropReason: admitted.sampled ? 'MsgFreqCtrl' : '' };
  },
});

/** `send_group_system_notification`. */
export const sendGroupSystemNotification = defineCommand({
  path: 'group_open_http_svc/send_group_system_notification',
  summary: 'A group system notice (operationType 255, userDefinedField = Content) to every online member, guests included, or only to ToMembers_Account.',
  body: Type.Object({
    GroupId,
    Content: Type.String({ maxLength: LIMITS.maxMessageBytes }),
    ToMembers_Account: Type.Optional(Type.Array(Account, { maxItems: 500 })),
  }),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    await deps.groups.notify(actor, body.GroupId, body.Content, body.ToMembers_Account);
    return {};
  },
});

/** `get_online_member_num`. */
export const getOnlineMemberNum = defineCommand({
  path: 'group_open_http_svc/get_online_member_num',
  summary: 'Members online in a live room now, on every node.',
  body: Type.Object({ GroupId }),
  response: Type.Object({ OnlineMemberNum: Type.Integer() }),
  async handle({ actor, deps }, body) {
    return { OnlineMemberNum: (await deps.groups.onlineCount(actor, body.GroupId)).memberCount };
  },
});

/** `send_broadcast_msg`. */
export const sendBroadcastMsg = defineCommand({
  path: 'group_open_http_svc/send_broadcast_msg',
  summary: 'Send one message to every live room of the app (each room numbers it in its own sequence).',
  ratePerSec: 1,
  body: Type.Object(SendFields),
  response: Type.Object({
    MsgSeq: Type.Integer({ description: '0: each room gives the message its own sequence number' }),
    GroupCount: Type.Integer(),
    FailedGroupIdList: Type.Array(Type.Object({ GroupId: Type.String(), ErrorCode: Type.Integer() })),
  }),
  async handle(ctx, body) {
    const sender = await senderOf(ctx, body.From_Account);
    const { groupIds } = await ctx.deps.groups.list(ctx.actor, Number.MAX_SAFE_INTEGER, 0);
    const failed: Array<{ GroupId: string; ErrorCode: number }> = [];
    for (const groupId of groupIds) {
      try {
        await sendToRoom(ctx, groupId, sender, body);
      } catch (error) {
        if (!(error instanceof StadiumError)) throw error;
        failed.push({ GroupId: groupId, ErrorCode: error.code });
      }
    }
    return { MsgSeq: 0, GroupCount: groupIds.length, FailedGroupIdList: failed };
  },
});

const CounterKeys = Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 20 }));
const CounterList = Type.Array(Type.Object({ Key: Type.String(), Value: Type.Integer() }));
const toList = (counters: Record<string, number>): Array<{ Key: string; Value: number }> => Object.entries(counters).map(([Key, Value]) => ({ Key, Value }));

/** `get_group_counter`. */
export const getGroupCounter = defineCommand({
  path: 'group_open_http_svc/get_group_counter',
  summary: "A room's counters (all when GroupCounterKeys is absent).",
  body: Type.Object({ GroupId, GroupCounterKeys: CounterKeys }),
  response: Type.Object({ GroupCounter: CounterList }),
  async handle({ actor, deps }, body) {
    const { counters } = await deps.groups.counters(actor, { groupID: body.GroupId, op: 'get', keys: body.GroupCounterKeys ?? [] });
    return { GroupCounter: toList(counters) };
  },
});

/** `update_group_counter`. */
export const updateGroupCounter = defineCommand({
  path: 'group_open_http_svc/update_group_counter',
  summary: "Set, increase or decrease a room's counters (Mode, default Set); members get the totals within a second.",
  body: Type.Object({
    GroupId,
    GroupCounter: Type.Array(
      Type.Object({ Key: Type.String({ minLength: 1, maxLength: 128 }), Value: Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }) }),
      { minItems: 1, maxItems: 20 },
    ),
    Mode: Type.Optional(Type.Union([Type.Literal('Set'), Type.Literal('Increase'), Type.Literal('Decrease')])),
  }),
  response: Type.Object({ GroupCounter: CounterList }),
  async handle({ actor, deps }, body) {
    const mode = body.Mode ?? 'Set';
    if (mode === 'Set') {
      const { counters } = await deps.groups.counters(actor, { groupID: body.GroupId, op: 'set', counters: Object.fromEntries(body.GroupCounter.map((c) => [c.Key, c.Value])) });
      return { GroupCounter: toList(counters) };
    }
    const out: Record<string, number> = {};
    for (const c of body.GroupCounter) {
      const { counters } = await deps.groups.counters(actor, { groupID: body.GroupId, op: mode === 'Increase' ? 'increase' : 'decrease', key: c.Key, value: c.Value });
      Object.assign(out, counters);
    }
    return { GroupCounter: toList(out) };
  },
});

/** `delete_group_counter`. */
export const deleteGroupCounter = defineCommand({
  path: 'group_open_http_svc/delete_group_counter',
  summary: "Delete a room's counters (all when GroupCounterKeys is absent).",
  body: Type.Object({ GroupId, GroupCounterKeys: CounterKeys }),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    await deps.groups.counters(actor, { groupID: body.GroupId, op: 'delete', keys: body.GroupCounterKeys ?? [] });
    return {};
  },
});

const AttrList = Type.Array(
  // Loose schema bounds: the exact byte and count limits answer with their compatible codes (10045–10048).
  Type.Object({ key: Type.String({ maxLength: 128, description: '1–32 bytes (UTF-8)' }), value: Type.String({ maxLength: 16_384, description: 'At most 4,096 bytes (UTF-8)' }) }),
  { maxItems: 64, description: 'At most 16 attributes in the room' },
);
const toAttrs = (list: ReadonlyArray<{ key: string; value: string }>): Record<string, string> => Object.fromEntries(list.map((a) => [a.key, a.value]));

/** `get_group_attr` (under its own service name, as in the compatible API). */
export const getGroupAttr = defineCommand({
  path: 'group_open_attr_http_svc/get_group_attr',
  summary: "A room's attributes.",
  body: Type.Object({ GroupId }),
  response: Type.Object({ GroupAttrAry: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })) }),
  async handle({ actor, deps }, body) {
    const { attributes } = await deps.groups.attributes(actor, { groupID: body.GroupId, op: 'get' });
    return { GroupAttrAry: Object.entries(attributes).map(([key, value]) => ({ key, value })) };
  },
});

/** `modify_group_attr`. */
export const modifyGroupAttr = defineCommand({
  path: 'group_open_http_svc/modify_group_attr',
  summary: "Add or change some of a room's attributes; members get every attribute in an attrs push.",
  body: Type.Object({ GroupId, GroupAttr: AttrList }),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    await deps.groups.attributes(actor, { groupID: body.GroupId, op: 'set', attributes: toAttrs(body.GroupAttr) });
    return {};
  },
});

/** `set_group_attr`. */
export const setGroupAttr = defineCommand({
  path: 'group_open_http_svc/set_group_attr',
  summary: 'Replace every attribute of a room; members get every attribute in an attrs push.',
  body: Type.Object({ GroupId, GroupAttr: AttrList }),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    await deps.groups.attributes(actor, { groupID: body.GroupId, op: 'init', attributes: toAttrs(body.GroupAttr) });
    return {};
  },
});

/** `clear_group_attr`. */
export const clearGroupAttr = defineCommand({
  path: 'group_open_http_svc/clear_group_attr',
  summary: 'Delete every attribute of a room; members get the empty set in an attrs push.',
  body: Type.Object({ GroupId }),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    await deps.groups.attributes(actor, { groupID: body.GroupId, op: 'delete' });
    return {};
  },
});

/** The group commands, in docs/rest-api.md order. */
export const GROUP_COMMANDS: readonly AnyRestCommand[] = [
  createGroup,
  destroyGroup,
  getGroupInfo,
  getAppidGroupList,
  modifyGroupBaseInfo,
  sendGroupMsg,
  sendGroupSystemNotification,
  getOnlineMemberNum,
  sendBroadcastMsg,
  getGroupCounter,
  updateGroupCounter,
  deleteGroupCounter,
  getGroupAttr,
  modifyGroupAttr,
  setGroupAttr,
  clearGroupAttr,
];

/**
 * `group_open_http_svc/…`: live rooms from the app's backend. Each command calls the same
 * room operation as the SDK, as the app admin.
 */
import { Type } from '@sinclair/typebox';
import { LIMITS, TIM_TYPES } from '@stadium/protocol';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

const GroupId = Type.String({ minLength: 1, maxLength: LIMITS.maxGroupIdBytes, description: 'The room\'s group ID' });

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

/** `create_group`. */
export const createGroup = defineCommand({
  path: 'group_open_http_svc/create_group',
  summary: 'Create a live room (Type AVChatRoom), optionally with a chosen GroupId and owner.',
  body: Type.Object({
    Type: Type.String({ description: 'AVChatRoom (Stadium hosts live rooms only)' }),
    Name: Type.String({ minLength: 1, maxLength: 64 }),
    Owner_Account: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.maxUserIdBytes })),
    GroupId: Type.Optional(GroupId),
    Introduction: Type.Optional(Type.String({ maxLength: 1024 })),
    Notification: Type.Optional(Type.String({ maxLength: 1024 })),
    FaceUrl: Type.Optional(Type.String({ maxLength: 1024 })),
    MemberList: Type.Optional(Type.Array(Type.Object({ Member_Account: Type.String() }), { maxItems: 0, description: 'Not allowed for live rooms' })),
  }),
  response: Type.Object({ GroupId: Type.String() }),
  async handle({ actor, deps }, body) {
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
    );
    return { GroupId: group.groupID };
  },
});

/** The group commands. */
export const GROUP_COMMANDS: readonly AnyRestCommand[] = [createGroup, destroyGroup, getOnlineMemberNum];

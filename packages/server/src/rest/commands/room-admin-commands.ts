/**
 * `stadium_admin/…` room commands (Stadium's own, not in the compatible API, whose live rooms
 * cannot change member roles from the backend): set or unset a room admin, and change a room's
 * slow mode. Each calls the same room operation as the SDK (setGroupMemberRole,
 * updateRoomSettings) as the app admin; the room's authority decides, stores and tells the room.
 */
import { Type } from '@sinclair/typebox';
import { LIMITS, TIM_TYPES } from '@stadium/protocol';
import { MAX_SLOW_MODE_SEC } from '../../groups/room-settings-input.js';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

const GroupId = Type.String({ minLength: 1, maxLength: LIMITS.maxGroupIdBytes, description: "The room's group ID" });

/** `stadium_admin/set_group_member_role`. */
export const setGroupMemberRole = defineCommand({
  path: 'stadium_admin/set_group_member_role',
  summary: "Make a member of a live room an admin (Role Admin) or a plain member again (Role Member); the room gets a tip (Stadium's own command).",
  body: Type.Object({
    GroupId,
    Member_Account: Type.String({ minLength: 1, maxLength: LIMITS.maxUserIdBytes }),
    Role: Type.Union([Type.Literal('Admin'), Type.Literal('Member')], { description: 'Admin or Member' }),
  }),
  response: Type.Object({ Member_Account: Type.String(), Role: Type.String() }),
  async handle({ actor, deps }, body) {
    const role = body.Role === 'Admin' ? TIM_TYPES.GRP_MBR_ROLE_ADMIN : TIM_TYPES.GRP_MBR_ROLE_MEMBER;
    const { member } = await deps.groups.setMemberRole(actor, { groupID: body.GroupId, userID: body.Member_Account, role });
    return { Member_Account: member.userID, Role: member.role };
  },
});

/** `stadium_admin/set_room_settings`. */
export const setRoomSettings = defineCommand({
  path: 'stadium_admin/set_room_settings',
  summary: "Change a live room's slow mode: the seconds each member waits between two messages, 0 for off (Stadium's own command).",
  body: Type.Object({ GroupId, SlowModeSec: Type.Integer({ minimum: 0, maximum: MAX_SLOW_MODE_SEC, description: `0 (off) to ${MAX_SLOW_MODE_SEC}` }) }),
  response: Type.Object({ SlowModeSec: Type.Integer() }),
  async handle({ actor, deps }, body) {
    const { settings } = await deps.groups.updateSettings(actor, { groupID: body.GroupId, slowModeSec: body.SlowModeSec });
    return { SlowModeSec: settings.slowModeSec };
  },
});

/** Stadium's own room commands. */
export const ROOM_ADMIN_COMMANDS: readonly AnyRestCommand[] = [setGroupMemberRole, setRoomSettings];

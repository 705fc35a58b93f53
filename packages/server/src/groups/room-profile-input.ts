/**
 * Checks a room-profile change from a client (the SDK's `updateGroupProfile`, command
 * `group.update`) and turns it into the patch the room's authority applies, the same one REST
 * `modify_group_base_info` sends. Types are checked here; byte limits by
 * GroupService.updateProfile, for both paths.
 */
import { StadiumError } from '@stadium/protocol';
import { describe } from '../core/describe.js';
import type { RoomProfilePatch } from '../wire/authority-commands.js';

function text(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new StadiumError('INVALID_PARAMETER', `${field} must be a string, got ${describe(value)}`);
  return value;
}

/** Most custom fields one change may name (a room keeps at most 16, checked at its authority). */
const MAX_GROUP_CUSTOM_FIELDS = 16;

/** Check `{ name?, introduction?, notification?, avatar?, muteAllMembers?, joinOption?, groupCustomField? }`. */
export function parseProfileUpdate(body: Record<string, unknown>): RoomProfilePatch {
  const patch: RoomProfilePatch = {};
  const name = text(body.name, 'name');
  if (name !== undefined) patch.name = name;
  const introduction = text(body.introduction, 'introduction');
  if (introduction !== undefined) patch.introduction = introduction;
  const notification = text(body.notification, 'notification');
  if (notification !== undefined) patch.notification = notification;
  const avatar = text(body.avatar, 'avatar');
  if (avatar !== undefined) patch.faceUrl = avatar;
  if (body.muteAllMembers !== undefined) {
    if (typeof body.muteAllMembers !== 'boolean') throw new StadiumError('INVALID_PARAMETER', `muteAllMembers must be true or false, got ${describe(body.muteAllMembers)}`);
    patch.muteAll = body.muteAllMembers;
  }
  if (body.joinOption !== undefined && body.joinOption !== 'FreeAccess') {
    throw new StadiumError('INVALID_PARAMETER', 'joinOption cannot change: live rooms are FreeAccess');
  }
  const fields = body.groupCustomField;
  if (fields !== undefined) {
    if (!Array.isArray(fields) || fields.length > MAX_GROUP_CUSTOM_FIELDS) {
      throw new StadiumError('INVALID_PARAMETER', `groupCustomField must be an array of at most ${MAX_GROUP_CUSTOM_FIELDS} { key, value }`);
    }
    patch.customFields = fields.map((f: unknown, i) => {
      const field = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
      const key = text(field.key, `groupCustomField[${i}].key`);
      const value = text(field.value, `groupCustomField[${i}].value`);
      if (key === undefined || key === '' || value === undefined) throw new StadiumError('INVALID_PARAMETER', `groupCustomField[${i}] must be { key, value } with a non-empty key`);
      return { key, value };
    });
  }
  return patch;
}

import type { GroupInfo, RoomSettings } from '@stadium/protocol';
import type { Room } from './room.js';

/** What only the room's authority knows. */
export interface RoomLiveState {
  memberCount: number;
  lastSeq: number;
  /** The user's role as the authority knows it (admins are known only there). */
  role?: 'Owner' | 'Admin' | 'Member';
  /** The settings in force at the authority (this node's copy of the app may be a poll behind). */
  settings?: RoomSettings;
}

/** A room's profile in the compatible SDK's `Group` shape, as `userId` sees it. */
export function toGroupInfo(room: Room, live: RoomLiveState, userId: string | null, joinedAt?: number): GroupInfo {
  const r = room.record;
  const info: GroupInfo = {
    groupID: r.groupId,
    name: r.name,
    type: 'AVChatRoom',
    avatar: r.faceUrl,
    introduction: r.introduction,
    notification: r.notification,
    ownerID: r.ownerId,
    createTime: Math.floor(r.createdAt / 1000),
    lastInfoTime: Math.floor(r.lastInfoAt / 1000),
    nextMessageSeq: live.lastSeq + 1,
    memberCount: live.memberCount,
    maxMemberCount: 0,
    muteAllMembers: r.muteAll,
    joinOption: 'FreeAccess',
    groupCustomField: r.customFields.map((f) => ({ key: f.key, value: f.value })),
    settings: live.settings ?? room.settings,
  };
  if (joinedAt !== undefined) {
    info.selfInfo = {
      role: live.role ?? (userId !== null && userId === r.ownerId ? 'Owner' : 'Member'),
      joinTime: Math.floor(joinedAt / 1000),
      messageRemindType: 'AcceptAndNotify',
    };
  }
  return info;
}

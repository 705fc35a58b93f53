/** Result and option types of the instance methods. */
import type { CreateGroupRequest, RoomSettings } from '@stadium/protocol';

/** A successful result: `{ code: 0, data }`. */
export interface IMResponse<T> {
  code: 0;
  data: T;
}

/** Result of `login`. */
export interface LoginData {
  actionStatus: 'OK';
  errorCode: 0;
  errorInfo: string;
  repeatLogin: boolean;
}

/** Options of `createGroup` (`memberList` and other fields of other group types are ignored). */
export interface CreateGroupOptions extends CreateGroupRequest {
  memberList?: unknown[];
}

/** Options of `updateRoomSettings` (a Stadium extension). */
export interface UpdateRoomSettingsOptions extends Partial<RoomSettings> {
  groupID: string;
}

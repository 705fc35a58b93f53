/** Rooms of an app through the REST API: the list (get_appid_group_list) with profiles and online counts (get_group_info). */
import { rest } from './api.js';

/** A room as the console lists it. */
export interface RoomRow {
  GroupId: string;
  Name: string;
  Owner_Account: string;
  MemberNum: number;
  MuteAllMember: string;
  CreateTime: number;
}

/** Rooms the list shows at most (the newest). */
export const ROOMS_LISTED = 200;
/** Rooms get_group_info takes per call. */
const INFO_BATCH = 50;

/** The newest {@link ROOMS_LISTED} rooms of the app and how many there are. */
export async function listRooms(sdkAppId: number): Promise<{ total: number; rooms: RoomRow[] }> {
  const list = await rest<{ TotalCount: number; GroupIdList: Array<{ GroupId: string }> }>(sdkAppId, 'group_open_http_svc/get_appid_group_list', {});
  const ids = list.GroupIdList.map((g) => g.GroupId)
    .slice(-ROOMS_LISTED)
    .reverse();
  const rooms: RoomRow[] = [];
  for (let i = 0; i < ids.length; i += INFO_BATCH) {
    const info = await rest<{ GroupInfo: Array<RoomRow & { ErrorCode: number }> }>(sdkAppId, 'group_open_http_svc/get_group_info', {
      GroupIdList: ids.slice(i, i + INFO_BATCH),
      ResponseFilter: { GroupBaseInfoFilter: ['Name', 'Owner_Account', 'MemberNum', 'MuteAllMember', 'CreateTime'] },
    });
    rooms.push(...info.GroupInfo.filter((g) => g.ErrorCode === 0));
  }
  return { total: list.TotalCount, rooms };
}

/** One room's profile, or undefined when it does not exist. */
export async function roomInfo(sdkAppId: number, groupId: string): Promise<RoomRow | undefined> {
  const info = await rest<{ GroupInfo: Array<RoomRow & { ErrorCode: number }> }>(sdkAppId, 'group_open_http_svc/get_group_info', { GroupIdList: [groupId] });
  const row = info.GroupInfo[0];
  return row && row.ErrorCode === 0 ? row : undefined;
}

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
  /** Stadium's own: the room's messages published, shed and sampled at its authority (totals). */
  MsgStats?: { Published: number; Shed: number; Sampled: number };
  /** Stadium's own: slow mode in force, seconds (0: off). */
  SlowModeSec?: number;
  /** Stadium's own: the room's admins. */
  Admin_Account?: string[];
}

/** Rooms the list shows at most (the newest). */
export const ROOMS_LISTED = 200;
/** Rooms get_group_info takes per call. */
const INFO_BATCH = 50;

/** The newest {@link ROOMS_LISTED} rooms of the app and how many there are. */
export async function listRooms(sdkAppId: number): Promise<{ total: number; rooms: RoomRow[]; at: number }> {
  const list = await rest<{ TotalCount: number; GroupIdList: Array<{ GroupId: string }> }>(sdkAppId, 'group_open_http_svc/get_appid_group_list', {});
  const ids = list.GroupIdList.map((g) => g.GroupId)
    .slice(-ROOMS_LISTED)
    .reverse();
  const rooms: RoomRow[] = [];
  for (let i = 0; i < ids.length; i += INFO_BATCH) {
    const info = await rest<{ GroupInfo: Array<RoomRow & { ErrorCode: number }> }>(sdkAppId, 'group_open_http_svc/get_group_info', {
      GroupIdList: ids.slice(i, i + INFO_BATCH),
      ResponseFilter: { GroupBaseInfoFilter: ['Name', 'Owner_Account', 'MemberNum', 'MuteAllMember', 'CreateTime', 'MsgStats'] },
    });
    rooms.push(...info.GroupInfo.filter((g) => g.ErrorCode === 0));
  }
  return { total: list.TotalCount, rooms, at: Date.now() };
}

/** Per-second rates of a room's message figures between two reads of the list (undefined without an earlier read). */
export function roomRates(before: RoomRow | undefined, after: RoomRow, seconds: number): { published: number; shed: number; sampled: number } | undefined {
  const a = before?.MsgStats;
  const b = after.MsgStats;
  if (!a || !b || seconds <= 0) return undefined;
  const per = (x: number, y: number): number => (y >= x ? (y - x) / seconds : 0);
  return { published: per(a.Published, b.Published), shed: per(a.Shed, b.Shed), sampled: per(a.Sampled, b.Sampled) };
}

/** One room's profile, or undefined when it does not exist. */
export async function roomInfo(sdkAppId: number, groupId: string): Promise<RoomRow | undefined> {
  const info = await rest<{ GroupInfo: Array<RoomRow & { ErrorCode: number }> }>(sdkAppId, 'group_open_http_svc/get_group_info', { GroupIdList: [groupId] });
  const row = info.GroupInfo[0];
  return row && row.ErrorCode === 0 ? row : undefined;
}

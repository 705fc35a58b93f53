import type { RoomSettings } from '@stadium/protocol';
import type { AppRecord, GroupRecord } from './records.js';

/** The settings in force for a room: its overrides over the app's defaults. */
export function effectiveSettings(app: AppRecord, record: GroupRecord): RoomSettings {
  return {
    rateLimitPerSec: record.settings.rateLimitPerSec ?? app.settings.roomRateLimitPerSec,
    memberTips: record.settings.memberTips ?? app.settings.memberTips,
    downstreamCapPerSec: record.settings.downstreamCapPerSec ?? null,
    slowModeSec: record.settings.slowModeSec ?? 0,
    historySize: record.settings.historySize ?? 0,
    keepRecord: record.settings.keepRecord ?? false,
  };
}

/** Key of a room in maps. */
export function roomKey(sdkAppId: number, groupId: string): string {
  return `${sdkAppId}\u0000${groupId}`;
}

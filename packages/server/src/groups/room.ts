/**
 * A live room as this node holds it: its stored record, its authority (the sequencer) and
 * its local members (the fan-out). On one node both halves live here; when rooms span
 * nodes, the sequencer lives on the room's authority node only and the fan-out on every
 * node with members.
 */
import type { RoomSettings } from '@stadium/protocol';
import type { AppRecord, GroupRecord } from '../storage/store.js';
import type { RoomSequencer } from '../messages/room-sequencer.js';
import type { RoomFanout } from '../fanout/room-fanout.js';

/** A loaded room. */
export class Room {
  /** The app as last read (refreshed when it changes elsewhere). */
  app: AppRecord;
  record: GroupRecord;
  readonly sequencer: RoomSequencer;
  readonly fanout: RoomFanout;
  /** Set once the room is dismissed or unloaded; a closed room accepts nothing. */
  closed = false;

  constructor(app: AppRecord, record: GroupRecord, sequencer: RoomSequencer, fanout: RoomFanout) {
    this.app = app;
    this.record = record;
    this.sequencer = sequencer;
    this.fanout = fanout;
  }

  get groupId(): string {
    return this.record.groupId;
  }

  /** Registry key. */
  get key(): string {
    return roomKey(this.app.sdkAppId, this.record.groupId);
  }

  /** The settings in force: the room's overrides over the app's defaults. */
  get settings(): RoomSettings {
    return effectiveSettings(this.app, this.record);
  }

  /** Whether `userId` may manage the room (owner or app admin). */
  canManage(userId: string | null): boolean {
    return userId !== null && (userId === this.record.ownerId || userId === this.app.adminUserId);
  }
}

/** Registry key of a room. */
export function roomKey(sdkAppId: number, groupId: string): string {
  return `${sdkAppId}\u0000${groupId}`;
}

/** The room's overrides over the app's defaults. */
export function effectiveSettings(app: AppRecord, record: GroupRecord): RoomSettings {
  return {
    rateLimitPerSec: record.settings.rateLimitPerSec ?? app.settings.roomRateLimitPerSec,
    memberTips: record.settings.memberTips ?? app.settings.memberTips,
  };
}

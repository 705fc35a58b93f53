/**
 * A live room as a node holds it for its local members: the stored record (kept current by
 * `room-updated` events), the fan-out to local sockets, and which node is its authority.
 * Sequencing and counting happen at the authority (see RoomAuthority).
 */
import type { RoomSettings } from '@stadium/protocol';
import type { AppRecord, GroupRecord } from '../storage/store.js';
import type { RoomFanout } from '../fanout/room-fanout.js';

/** A room loaded on this node. */
export class Room {
  /** The app as last read (refreshed when it changes elsewhere). */
  app: AppRecord;
  record: GroupRecord;
  readonly fanout: RoomFanout;
  /** Node that is the room's authority. */
  readonly authority: string;
  /** Joins in flight (counted in what this node reports, not yet in the fan-out). */
  pendingJoins = 0;
  /** Set once the room is dismissed or unloaded; a closed room accepts nothing. */
  closed = false;

  constructor(app: AppRecord, record: GroupRecord, fanout: RoomFanout, authority: string) {
    this.app = app;
    this.record = record;
    this.fanout = fanout;
    this.authority = authority;
  }

  get groupId(): string {
    return this.record.groupId;
  }

  /** Registry key. */
  get key(): string {
    return roomKey(this.app.sdkAppId, this.record.groupId);
  }

  /** Members this node holds or is adding. */
  get localCount(): number {
    return this.fanout.size + this.pendingJoins;
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
    downstreamCapPerSec: record.settings.downstreamCapPerSec ?? null,
  };
}

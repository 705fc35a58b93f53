/**
 * A live room as a node holds it for its local members: the stored record (kept current by
 * `room-updated` events), the fan-out to local sockets, and which node is its authority.
 * Sequencing, counting and every room decision happen at the authority (authority/).
 */
import type { RoomSettings } from '@stadium/protocol';
import type { AppRecord, GroupRecord } from '../core/records.js';
import { effectiveSettings, roomKey } from '../core/room-settings.js';
import type { RoomFanout } from '../fanout/room-fanout.js';
import type { RoutedRoom } from './room-router.js';

/** A room loaded on this node. */
export class Room implements RoutedRoom {
  /** The app as last read (refreshed when it changes elsewhere). */
  app: AppRecord;
  /** The record as last published by the authority (display only: decisions are the authority's). */
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

  get sdkAppId(): number {
    return this.app.sdkAppId;
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

  /** The settings in force (as last known on this node). */
  get settings(): RoomSettings {
    return effectiveSettings(this.app, this.record);
  }
}

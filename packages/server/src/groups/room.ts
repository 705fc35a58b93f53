/**
 * A live room as a node holds it for its local members: the stored record (kept current by
 * `room-updated` events), the fan-out to local sockets, and which node is its authority.
 * Sequencing, counting and every room decision happen at the authority (authority/).
 */
import type { RoomSettings } from '@stadium/protocol';
import type { AppRecord, GroupRecord } from '../core/records.js';
import { effectiveSettings, roomKey } from '../core/room-settings.js';
import type { RoomFanout } from '../fanout/room-fanout.js';
import { MemberIndex } from './member-index.js';
import type { RoutedRoom } from './room-router.js';

/** Bans a room remembers for joins in flight. */
export const RECENT_REMOVALS = 64;

/** A room loaded on this node. */
export class Room implements RoutedRoom {
  /** The app as last read (refreshed when it changes elsewhere). */
  app: AppRecord;
  /** The record as last published by the authority (display only: decisions are the authority's). */
  record: GroupRecord;
  readonly fanout: RoomFanout;
  /** Node that is the room's authority (changes when the deployment's nodes change; RoomRegistry.reroute). */
  authority: string;
  /** The logged-in members here, in join order, for the online member list. */
  readonly listed = new MemberIndex();
  /** Joins in flight (counted in what this node reports, not yet in the fan-out). */
  pendingJoins = 0;
  /** Set once the room is dismissed or unloaded; a closed room accepts nothing. */
  closed = false;
  /** Bans seen on this node (members-removed events), counted; see {@link removedSince}. */
  removals = 0;
  /** The users of the last {@link RECENT_REMOVALS} removals, with the count at each. */
  readonly #recentRemovals: Array<{ at: number; userIds: readonly string[] }> = [];

  /** Note a ban's removal of `userIds` here. */
  noteRemoved(userIds: readonly string[]): void {
    this.removals++;
    this.#recentRemovals.push({ at: this.removals, userIds });
    if (this.#recentRemovals.length > RECENT_REMOVALS) this.#recentRemovals.shift();
  }

  /**
   * Whether `userId` was removed by a ban after the count was `since` (a join in flight while
   * the ban passed). Unknown when more than {@link RECENT_REMOVALS} bans passed: then true.
   */
  removedSince(since: number, userId: string): boolean {
    if (this.removals === since) return false;
    const oldest = this.#recentRemovals[0];
    if (oldest === undefined || oldest.at > since + 1) return true;
    return this.#recentRemovals.some((r) => r.at > since && r.userIds.includes(userId));
  }

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

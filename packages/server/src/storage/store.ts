/**
 * The Store port: everything Stadium keeps across restarts. The engine depends on this
 * interface only; adapters (SQLite, in-memory, later PostgreSQL) implement it and all pass
 * the shared contract suite in `store.contract.ts`.
 *
 * Nothing on the message hot path calls the store: rooms are loaded once when they become
 * active and kept in memory.
 */
import type { Profile } from '@stadium/protocol';

import type { AppRecord, AppSettings, GroupRecord, HistoryEntry, MemberState, NewApp, ResumeWindowEntry } from '../core/records.js';
import type { WordList } from '../core/word-list.js';
import type { HeldMessage } from '../core/held-message.js';

export type { AppRecord, AppSettings, GroupRecord, HistoryEntry, MemberState, NewApp, ResumeWindowEntry } from '../core/records.js';
export type { WordList } from '../core/word-list.js';
export type { HeldMessage } from '../core/held-message.js';

/** Fields of a group that {@link Store.updateGroup} may change. */
export type GroupPatch = Partial<Omit<GroupRecord, 'sdkAppId' | 'groupId' | 'type' | 'createdAt' | 'firstSeq'>>;

/** Fields of an app that {@link Store.updateApp} may change. */
export type AppPatch = Partial<Pick<AppRecord, 'name' | 'callbackUrl' | 'callbacks' | 'settings'>>;

/**
 * An operator account of the console (docs/console.md). `passwordHash` is the encoded scrypt
 * hash (`http/console/operator-password.ts`), never the password.
 */
export interface OperatorRecord {
  /** Account name, 1–64 characters. */
  name: string;
  /** Encoded password hash, at most 512 characters. */
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
}

/** The storage port. */
export interface Store {
  /** Create an app; rejects with `StadiumError('APP_LIMIT_REACHED')` past 300 apps. */
  createApp(app: NewApp): Promise<AppRecord>;
  getApp(sdkAppId: number): Promise<AppRecord | undefined>;
  /** Every app, oldest first. */
  listApps(): Promise<AppRecord[]>;
  updateApp(sdkAppId: number, patch: AppPatch): Promise<AppRecord | undefined>;
  /** Delete an app and everything that belongs to it (groups, their moderation states, profiles). False if unknown. */
  deleteApp(sdkAppId: number): Promise<boolean>;

  getProfile(sdkAppId: number, userId: string): Promise<Profile | undefined>;
  /** The stored profiles among `userIds`, in request order, each once; unknown IDs are skipped. */
  getProfiles(sdkAppId: number, userIds: readonly string[]): Promise<Profile[]>;
  /** Insert or replace a profile. */
  putProfile(sdkAppId: number, profile: Profile): Promise<void>;
  /** How many profiles the app stores (for the per-app profile quota). */
  countProfiles(sdkAppId: number): Promise<number>;

  /**
   * Insert a group; returns false (and changes nothing) when the ID is taken in that app. The
   * stored `firstSeq` is the group ID's next unreserved sequence number (1 for a new ID), not
   * the value passed.
   */
  createGroup(group: GroupRecord): Promise<boolean>;
  getGroup(sdkAppId: number, groupId: string): Promise<GroupRecord | undefined>;
  /** Apply the defined fields of `patch`; returns the updated group, undefined if unknown. */
  updateGroup(sdkAppId: number, groupId: string, patch: GroupPatch): Promise<GroupRecord | undefined>;
  deleteGroup(sdkAppId: number, groupId: string): Promise<boolean>;
  /** The app's groups, oldest first. */
  listGroups(sdkAppId: number): Promise<GroupRecord[]>;
  /** How many groups the app holds now, or, with `ownerId`, how many of them that user owns (for the room quotas). */
  countGroups(sdkAppId: number, ownerId?: string): Promise<number>;

  /**
   * Reserve `count` sequence numbers for a group ID in one atomic step: the ID's high-water mark
   * moves up by `count` and the first number of the block is returned. Two authorities (on two
   * machines) can never get overlapping blocks. The mark outlives the group (deleteGroup keeps
   * it; deleteApp removes it), so a re-created room continues above every earlier number.
   */
  reserveSeq(sdkAppId: number, groupId: string, count: number): Promise<number>;
  /**
   * {@link reserveSeq} fenced by a room lease: the block is reserved only while `epoch` is the
   * room's lease epoch (see {@link acquireRoomLease}), in the same atomic step. Returns the
   * first number, or 0 (and reserves nothing) when another authority took the lease since, so
   * a deposed authority can never number another message.
   */
  reserveSeqFenced(sdkAppId: number, groupId: string, count: number, epoch: number): Promise<number>;
  /**
   * Take or renew the lease that makes `node` the room's one authority (compare-and-set).
   * Granted when the room has no lease, when `node` already holds it at `epoch` (a renewal:
   * same epoch), or when the lease lapsed (`untilMs` of the holder is at or before `nowMs`; a
   * new epoch, one above the last). Returns the epoch `node` holds now, or 0 when another node
   * holds an unlapsed lease. Epochs only grow; deleteApp deletes the rows.
   */
  acquireRoomLease(sdkAppId: number, groupId: string, node: string, epoch: number, nowMs: number, untilMs: number): Promise<number>;
  /** Give the lease up (clean unload): it lapses now if `node` still holds it at `epoch`. Returns whether it did. */
  releaseRoomLease(sdkAppId: number, groupId: string, node: string, epoch: number): Promise<boolean>;
  /**
   * Give back the unused end of a reservation (clean unload): set the mark to `nextSeq` only if
   * it is still `reservedEnd`, i.e. nobody reserved since (compare-and-set). Returns whether it
   * did.
   */
  releaseSeq(sdkAppId: number, groupId: string, reservedEnd: number, nextSeq: number): Promise<boolean>;

  /** A room's moderation states (admins, mutes, bans), one per member that has any, in user ID order. */
  listMemberStates(sdkAppId: number, groupId: string): Promise<MemberState[]>;
  /**
   * Insert or replace one member's moderation state; a state with nothing left (not admin, not
   * muted or banned after `now`) deletes the row. deleteGroup and deleteApp delete the rows too.
   */
  putMemberState(sdkAppId: number, groupId: string, state: MemberState, now: number): Promise<void>;

  /** The app's word lists, by name. deleteApp deletes them. */
  listWordLists(sdkAppId: number): Promise<WordList[]>;
  /** Insert or replace the app's list named `list.name` (bounds are checked by the caller). */
  putWordList(sdkAppId: number, list: WordList): Promise<void>;
  /** Delete one list; false if the app has none of that name. */
  deleteWordList(sdkAppId: number, name: string): Promise<boolean>;

  /** A room's held messages (review queue), oldest first (by `heldAt`, then hold ID). deleteGroup and deleteApp delete them. */
  listHeldMessages(sdkAppId: number, groupId: string): Promise<HeldMessage[]>;
  /** Insert or replace one held message (the bound per room is checked by the caller). */
  putHeldMessage(sdkAppId: number, groupId: string, held: HeldMessage): Promise<void>;
  /** Delete held messages by hold ID; returns how many there were. */
  deleteHeldMessages(sdkAppId: number, groupId: string, holdIds: readonly string[]): Promise<number>;
  /**
   * Append published messages (ascending, above every kept one) to a room's history in one
   * write, then keep only its newest `keep` messages. deleteGroup and deleteApp delete them.
   */
  appendHistory(sdkAppId: number, groupId: string, entries: readonly HistoryEntry[], keep: number): Promise<void>;
  /** Kept messages with sequence numbers above `afterSeq`, oldest first, at most `limit`. */
  listHistory(sdkAppId: number, groupId: string, afterSeq: number, limit: number): Promise<HistoryEntry[]>;
  /** The newest `limit` kept messages, oldest first. */
  lastHistory(sdkAppId: number, groupId: string, limit: number): Promise<HistoryEntry[]>;
  /**
   * Append published entries (ascending, above every kept one) to a room's resume window in
   * one write, then keep only its newest `keep` entries and, of those, only the ones published
   * at or after `notBeforeMs` — except the newest entry, which always stays (it tells the next
   * authority how far the window was written). deleteGroup and deleteApp delete them.
   */
  appendResumeWindow(sdkAppId: number, groupId: string, entries: readonly ResumeWindowEntry[], keep: number, notBeforeMs: number): Promise<void>;
  /** The newest `limit` entries of a room's resume window, oldest first. */
  lastResumeWindow(sdkAppId: number, groupId: string, limit: number): Promise<ResumeWindowEntry[]>;
  /**
   * The user's userSig floor (UNIX seconds): a userSig whose `TLS.time` is earlier is refused
   * at login (set by REST `im_open_login_svc/kick`). 0 when the user was never kicked.
   */
  getUserSigFloor(sdkAppId: number, userId: string): Promise<number>;
  /**
   * Raise the user's userSig floor to `floorSec`; a lower value than the stored one changes
   * nothing (so two nodes kicking at once never lower it). One row per kicked user; deleteApp
   * deletes them.
   */
  raiseUserSigFloor(sdkAppId: number, userId: string, floorSec: number): Promise<void>;
  /** The operator account `name`, if any. */
  getOperator(name: string): Promise<OperatorRecord | undefined>;
  /** Insert an operator account; returns false (and changes nothing) when the name is taken. */
  createOperator(operator: OperatorRecord): Promise<boolean>;
  /** Replace an operator's password hash; false if there is no such account. */
  setOperatorPassword(name: string, passwordHash: string, updatedAt: number): Promise<boolean>;

  /** Release connections and files. */
  close(): Promise<void>;
}

/** Defaults for new apps. */
export const DEFAULT_APP_SETTINGS: Readonly<AppSettings> = Object.freeze({ roomRateLimitPerSec: 40, memberTips: true, devLogin: false });

/**
 * The records every layer speaks of: applications and live rooms as they are stored and as
 * they travel between nodes. Plain data, no behaviour; the Store port persists them.
 */
import type { PinnedMessage, RoomSettings } from '@stadium/protocol';
import type { AppCallbacks } from './app-callbacks.js';

/** Settings an app applies to all its rooms (rooms may override). */
export interface AppSettings {
  /** Default per-room send rate, messages per second. @default 40 */
  roomRateLimitPerSec: number;
  /** Default for join / quit tips. @default true */
  memberTips: boolean;
  /**
   * Whether `POST /live/api/dev-login` hands out userSigs for this app to anyone who asks
   * (docs/live-page.md). For development only: it makes every userID of the app open to every
   * visitor. On for the development app created at first start, off for every other app.
   * @default false
   */
  devLogin: boolean;
}

/** An application (tenant). */
export interface AppRecord {
  sdkAppId: number;
  name: string;
  /** HMAC key for userSigs. */
  secretKey: string;
  /** The app admin account, `administrator` unless chosen otherwise. */
  adminUserId: string;
  /** Webhook URL for callbacks, if any. */
  callbackUrl: string | null;
  /** Which callbacks are sent to `callbackUrl`, their timeout and fail policy. */
  callbacks: AppCallbacks;
  createdAt: number;
  settings: AppSettings;
}

/** Input of {@link Store.createApp}. */
export interface NewApp {
  /** Omit to let the store pick a free ID in 1400000000–1599999999. */
  sdkAppId?: number;
  name: string;
  secretKey: string;
  adminUserId: string;
  callbackUrl?: string | null;
  /** @default no command enabled */
  callbacks?: AppCallbacks;
  createdAt: number;
  settings: AppSettings;
}

/** A live room as stored. Members are not stored: membership is live connections. */
export interface GroupRecord {
  sdkAppId: number;
  groupId: string;
  type: 'AVChatRoom';
  name: string;
  ownerId: string;
  introduction: string;
  notification: string;
  faceUrl: string;
  createdAt: number;
  lastInfoAt: number;
  muteAll: boolean;
  customFields: Array<{ key: string; value: string }>;
  /** Room overrides of the app settings; absent keys follow the app. */
  settings: Partial<RoomSettings>;
  /**
   * First sequence number of this room, set by the store when the room is created. The
   * numbering of a group ID never restarts: a room re-created under an earlier room's ID starts
   * above every number the earlier one used or reserved, so no old resume position can match
   * the new room's messages. The numbers themselves are reserved through
   * {@link Store.reserveSeq}.
   */
  firstSeq: number;
  /** Group counters (likes, viewers, …), as last stored by the room's authority. */
  counters: Record<string, number>;
  /** Group attributes (compatible `GroupAttr`; bounds in authority/room-attributes.ts). */
  attributes: Record<string, string>;
  /** Version of the attribute set: +1 on every write; a write naming an older version is refused (ATTRIBUTES_CONFLICT). */
  attributesVersion: number;
  /** Pinned messages, oldest pin first (at most the option maxPinnedMessages; see authority/pin-handlers.ts). */
  pinnedMessages: PinnedMessage[];
}

/**
 * One member's moderation state in a room, as stored (one row per member that has any): admin
 * or not, muted until, banned until (epoch ms; 0 = not). A row with none of them is deleted.
 */
export interface MemberState {
  userId: string;
  admin: boolean;
  mutedUntil: number;
  bannedUntil: number;
}

/** One kept message of a room's history or record: its sequence number and the JSON every member received. */
export interface HistoryEntry {
  seq: number;
  json: string;
}

/**
 * One stored entry of a room's resume window: any published message (user message, tip or
 * notice) as members received it, with its priority rank and when it was published.
 */
export interface ResumeWindowEntry {
  seq: number;
  /** 0 High … 3 Lowest. */
  rank: 0 | 1 | 2 | 3;
  json: string;
  /** When it was published (epoch ms, the authority's clock). */
  atMs: number;
}

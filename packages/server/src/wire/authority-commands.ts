/**
 * What nodes ask a room's authority, as a typed map: one entry per command with its request
 * body and its result, like the protocol's `Commands`. Plain data, so any bus can carry it.
 * Every request names its room; the authority answers with the result or refuses with a
 * registry error, which reaches the caller as the same StadiumError.
 */
import type { AttributesRequest, AttributesResult, CountersRequest, PinnedMessage, PinsRequest, PinsResult, RewrittenMessage, RoomSettings, WireMessage } from '@stadium/protocol';
import type { ActorStamp } from '../core/actor.js';
import type { GroupRecord, HistoryEntry } from '../core/records.js';
import type { BatchEntry } from './batch-entry.js';
import type { NodeListedMember } from './node-commands.js';

/** A message before the authority numbers it. */
export type UnsequencedMessage = Omit<WireMessage, 'seq' | 'time'>;

/** Outcome of a sent message: its sequence number and server time (seconds). */
export interface Admitted {
  seq: number;
  time: number;
  /** The published message's ID (the client's own for user messages); the same for every resend of one message. */
  id?: string;
  /** Accepted but sampled away by the downstream cap (then `seq` is 0). */
  sampled?: true;
  /** The body published, when admission rewrote the message (before-send callback, masking word list). */
  rewritten?: RewrittenMessage;
}

/** Per-message switches of the app's callbacks (REST `ForbidCallbackControl`). */
export interface CallbackControl {
  /** No Group.CallbackBeforeSendMsg for this message (ForbidBeforeSendMsgCallback). */
  skipBeforeSend?: boolean;
  /** No Group.CallbackAfterSendMsg for this message (ForbidAfterSendMsgCallback). */
  skipAfterSend?: boolean;
}

/** What a resuming member gets back. */
export interface ResumeResult {
  /** Messages after the position still held, oldest first. */
  entries: BatchEntry[];
  /** Every message after the position was still held. */
  complete: boolean;
  /**
   * When not complete and the gap is known: the first and last sequence numbers that can no
   * longer be sent. Absent when the position cannot be placed in this room's numbering (it is
   * past the room's last message, or from an earlier room under the same ID).
   */
  missed?: { fromSeq: number; toSeq: number };
}

/** The room's live state as its authority knows it. */
export interface RoomLive {
  /** Members online on every node. */
  memberCount: number;
  /** Newest sequence number published (0 if none). */
  lastSeq: number;
}

/**
 * A room's message figures at its authority, counted since it took the room (they start at 0
 * again when the room moves to another authority): messages published, refused by the room's
 * rate limit (shed) and accepted but not broadcast because of its downstream cap (sampled).
 */
export interface RoomMessageStats {
  published: number;
  shed: number;
  sampled: number;
}

/** Every authority command: request body and result. */
export interface AuthorityCommands {
  /** Admit a message (admission steps, rate limit, sequence) and publish it. */
  submit: {
    req: {
      actor: ActorStamp;
      message: UnsequencedMessage;
      /**
       * Sends from one sender with the same key within `dedupeWindowMs` are one message: the
       * later ones get the first one's answer and publish nothing. The key is the message ID
       * (idempotent resends), or with this flag the message's `random` (REST `Random`).
       */
      dedupeByRandom?: true;
      /** Callbacks the sender asked to skip for this message (REST ForbidCallbackControl). */
      callbackControl?: CallbackControl;
    };
    res: Admitted;
  };
  /** A node's member count of the room now, with an optional resume and a join / quit tip. */
  members: {
    /**
     * `joining`: the logged-in user whose join this report carries (refused while banned);
     * `listed`: the join is of a logged-in connection that the online member list shows;
     * `join`: a plain join (not a resume), whose answer carries the room's pins;
     * `lag`: the room's degradation level on the node (0–3, fanout/fanout-lag.ts).
     */
    req: { node: string; count: number; lag?: number; sinceSeq?: number; tip?: UnsequencedMessage; joining?: ActorStamp; listed?: true; join?: true };
    /**
     * `role`: the joining user's role in the room, when `joining` was given; `ordinal`: the
     * join's place in the room's join order (increasing, never reused), when `listed` was given;
     * `pinnedMessages`: the room's pins, when `join` was given.
     */
    res: RoomLive & { resume?: ResumeResult; role?: 'Owner' | 'Admin' | 'Member'; ordinal?: number; pinnedMessages?: PinnedMessage[] };
  };
  /** The room's live state and its current record. */
  info: { req: Record<string, never>; res: RoomLive & { record: GroupRecord; settings: RoomSettings; stats: RoomMessageStats; admins: string[] } };
  counters: { req: { actor: ActorStamp; joined: boolean; request: CountersRequest }; res: { counters: Record<string, number> } };
  /** Read or write the room's attributes (see core/room-attributes.ts); after a write every member gets them (bus `attributes`). */
  attributes: { req: { actor: ActorStamp; joined: boolean; request: AttributesRequest }; res: AttributesResult };
  /** List, pin or unpin the room's pinned messages (see authority/pin-handlers.ts); after a change every member gets them (bus `pins`). */
  pins: { req: { actor: ActorStamp; joined: boolean; request: PinsRequest }; res: PinsResult };
  settings: { req: { actor: ActorStamp; settings: Partial<RoomSettings> }; res: { settings: RoomSettings } };
  dismiss: { req: { actor: ActorStamp }; res: Record<string, never> };
  /** Change the room's profile (name, introduction, notification, face URL, mute-all, custom fields); members get a tip. */
  profile: { req: { actor: ActorStamp; patch: RoomProfilePatch }; res: { record: GroupRecord } };
  /**
   * A group system notice (operationType 255, `userDefinedField` = content) to every member
   * online, guests included, or only to `userIds`. Never rate-limited.
   */
  notice: { req: { actor: ActorStamp; content: string; userIds?: string[] }; res: Record<string, never> };
  /** Set or unset an admin (owner or app admin); the room gets a set-admin / canceled-admin tip with the member's nick and avatar. */
  role: { req: { actor: ActorStamp; member: MemberStamp; admin: boolean }; res: { member: ModeratedMember } };
  /**
   * Mute members for `seconds` (0 unmutes; 4294967295 for ever), owner and admins; the room
   * gets a member-profile-updated tip carrying the mute time.
   */
  mute: { req: { actor: ActorStamp; userIds: string[]; seconds: number }; res: { members: ModeratedMember[] } };
  /**
   * Ban members for `seconds` (owner and admins): they are removed on every node at once, told
   * with a group system notice (operationType 21), and may not rejoin until the ban ends; the
   * room gets a ban tip.
   */
  ban: { req: { actor: ActorStamp; userIds: string[]; seconds: number; reason: string }; res: Record<string, never> };
  /** Lift bans; the room gets an unban tip for those that were banned. */
  unban: { req: { actor: ActorStamp; userIds: string[] }; res: Record<string, never> };
  /**
   * One page of the online member list: logged-in members on every node, newest first, below
   * join ordinal `before` (0: from the newest), at most `count`; `next` is the ordinal to ask
   * below for the next page, 0 when there is none.
   */
  'member-list': { req: { actor: ActorStamp; joined: boolean; before: number; count: number }; res: { members: OnlineMember[]; next: number } };
  /** Members muted and banned now, with their end times (UNIX seconds). */
  moderation: { req: { actor: ActorStamp }; res: { muted: Array<{ userId: string; until: number }>; banned: Array<{ userId: string; until: number }> } };
  /** The room's messages held for review, oldest first (owner, admins, app admin). */
  reviewQueue: { req: { actor: ActorStamp }; res: { held: HeldView[] } };
  /**
   * Approve (publish it as a new message, through the admission steps after the word filter,
   * the rate limiter and the sequencer) or deny (drop) a held message; the sender and the
   * reviewers online get a notice. `seq` is the new message's number (0 when denied).
   */
  review: { req: { actor: ActorStamp; holdId: string; action: 'Approve' | 'Deny' }; res: Admitted };
  /**
   * A page of the room's history for late joiners (its last `historySize` messages): up to
   * `count` messages with `seq <= toSeq` and `seq < beforeSeq`, oldest first.
   */
  history: { req: { actor: ActorStamp; joined: boolean; toSeq: number; beforeSeq: number; count: number }; res: { entries: HistoryEntry[]; isCompleted: boolean } };
  /** A page of the room's stored record (app admin): up to `limit` messages above `afterSeq`, oldest first. */
  record: { req: { actor: ActorStamp; afterSeq: number; limit: number }; res: { entries: HistoryEntry[]; keepRecord: boolean } };
}

/** A message held for review, as the review commands show it. */
export interface HeldView {
  holdId: string;
  /** The message as published on approval (masks applied), without a sequence number. */
  message: UnsequencedMessage;
  /** UNIX seconds. */
  heldAt: number;
  expiresAt: number;
}

/** A member as the online member list shows it. */
export interface OnlineMember extends NodeListedMember {
  role: 'Owner' | 'Admin' | 'Member';
  /** UNIX seconds; 0 when not muted. */
  mutedUntil: number;
}

/** A member a moderation command is about, with what the tip shows of them. */
export interface MemberStamp {
  userId: string;
  nick: string;
  avatar: string;
}

/** A member's standing after a moderation command. */
export interface ModeratedMember {
  userId: string;
  role: 'Owner' | 'Admin' | 'Member';
  /** UNIX seconds; 0 when not muted. */
  mutedUntil: number;
}

/** What a room profile change may set. `customFields` entries with an empty value delete the key. */
export interface RoomProfilePatch {
  name?: string;
  introduction?: string;
  notification?: string;
  faceUrl?: string;
  muteAll?: boolean;
  customFields?: Array<{ key: string; value: string }>;
}

/** An authority command name. */
export type AuthorityCommandName = keyof AuthorityCommands;

/** Every command name, for exhaustive handler maps. */
export const AUTHORITY_COMMANDS: readonly AuthorityCommandName[] = [
  'submit',
  'members',
  'info',
  'counters',
  'attributes',
  'pins',
  'settings',
  'dismiss',
  'profile',
  'notice',
  'role',
  'mute',
  'ban',
  'unban',
  'member-list',
  'moderation',
  'reviewQueue',
  'review',
  'history',
  'record',
];

/** A request to a room's authority: the command, its room and its body. */
export type AuthorityRequest = {
  [C in AuthorityCommandName]: { cmd: C; sdkAppId: number; groupId: string; body: AuthorityCommands[C]['req'] };
}[AuthorityCommandName];

/** The request of command `C`. */
export type AuthorityRequestOf<C extends AuthorityCommandName> = Extract<AuthorityRequest, { cmd: C }>;

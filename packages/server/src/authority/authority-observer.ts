/**
 * What a room's authority tells the layers above it once a decision is made (the callbacks
 * dispatcher listens): every user message's outcome, dismissals and profile changes. The
 * authority never waits on an observer; observers must not throw.
 */
import type { StadiumError } from '@stadium/protocol';
import type { ActorStamp } from '../core/actor.js';
import type { AppRecord, GroupRecord } from '../core/records.js';
import type { RoomProfilePatch, UnsequencedMessage } from '../wire/authority-commands.js';

/** How a user message ended at the authority. */
export type SendOutcome =
  /** Numbered and published to the room. */
  | { kind: 'published'; seq: number; time: number }
  /** Accepted but sampled away by the room's downstream cap (delivered to nobody). */
  | { kind: 'sampled'; time: number }
  /** Dropped on purpose by an admission step (the sender was told it succeeded). */
  | { kind: 'discarded' }
  /** Refused by an admission step, the rate limiter or the room closing. */
  | { kind: 'refused'; error: StadiumError };

/** One user message's outcome, with what it was and who sent it. */
export interface SendSettled {
  app: AppRecord;
  groupId: string;
  actor: ActorStamp;
  /** The message as admitted (after any rewrite), or as offered when refused. */
  message: UnsequencedMessage;
  outcome: SendOutcome;
  /** The sender asked for no after-send callback (REST ForbidAfterSendMsgCallback). */
  skipAfterSendCallback: boolean;
}

/** Listener of the authority's decisions. Every method is optional. */
export interface AuthorityObserver {
  sendSettled?(event: SendSettled): void;
  /** A room was dismissed (its record as it was). */
  dismissed?(app: AppRecord, record: GroupRecord, actor: ActorStamp): void;
  /** A room's profile changed; `patch` holds the fields that were set. */
  profileChanged?(app: AppRecord, record: GroupRecord, actor: ActorStamp, patch: RoomProfilePatch): void;
}

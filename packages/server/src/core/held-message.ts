/**
 * A message held for review (word lists with action `review`): what the room's authority keeps
 * until an owner or admin approves or denies it, or it expires. Stored by the Store
 * (`held_messages`, migration 0010) so it survives a restart and a change of authority. Plain data.
 */
import type { WireMessage } from '@stadium/protocol';
import type { ActorStamp } from './actor.js';

/** One held message. */
export interface HeldMessage {
  /** `h-…`, unique in the room. */
  holdId: string;
  /** Who sent it (the approved message is submitted as them). */
  actor: ActorStamp;
  /** The message as it left the word filter (masks applied), without a sequence number. */
  message: Omit<WireMessage, 'seq' | 'time'>;
  /** The admission step that held it (the word filter): on approval the steps after it run. */
  afterStep: string;
  /** The sender asked for no before-send callback (REST ForbidBeforeSendMsgCallback). */
  skipBeforeSend: boolean;
  /** The sender asked for no after-send callback (REST ForbidAfterSendMsgCallback). */
  skipAfterSend: boolean;
  /** When it was held and when it expires (epoch ms, the injected clock). */
  heldAt: number;
  expiresAt: number;
}

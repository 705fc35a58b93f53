/**
 * Message shapes on the wire. The server encodes each {@link WireMessage} once and every
 * member receives the same bytes; the SDK turns them into the compatible `Message` objects.
 */
import type { Priority } from './tim-constants.js';

/** Payload of a text message (`TIMTextElem`). */
export interface TextPayload {
  text: string;
}

/** Payload of a custom message (`TIMCustomElem`): likes, gifts, commerce events, strokes. */
export interface CustomPayload {
  data: string;
  description: string;
  extension: string;
}

/** Payload of a face message (`TIMFaceElem`). */
export interface FacePayload {
  index: number;
  data: string;
}

/** Payload of a location message (`TIMLocationElem`). */
export interface LocationPayload {
  description: string;
  longitude: number;
  latitude: number;
}

/** Payload of a group tip (`TIMGroupTipElem`). */
export interface GroupTipPayload {
  /** 1 join, 2 quit, 3 kicked, 6 group profile updated, 7 member profile updated, … */
  operationType: number;
  operatorID: string;
  userIDList: string[];
  /** Online member count after the change, when known. */
  memberNum?: number;
  /** Changed group profile fields (operationType 6). */
  newGroupProfile?: Record<string, unknown>;
  /** Changed members (operationType 7), e.g. `{ userID, muteTime }`. */
  memberList?: Array<Record<string, unknown>>;
}

/** Payload of a group system notice (`TIMGroupSystemNoticeElem`). */
export interface GroupSystemNoticePayload {
  /** 4 kicked, 5 dismissed, 8 quit, 21 banned, 240 held, 241 reviewed, 242 messages missed, 255 custom (REST). */
  operationType: number;
  operatorID: string;
  /** The text of a custom notice (REST `Content`). */
  userDefinedField?: string;
  /** Why (a ban's reason, REST `Description`). */
  handleMessage?: string;
  /** Review queue (240, 241): the hold ID. */
  holdID?: string;
  /** Review queue (240): the held message (no sequence number yet) and when it was held and expires (UNIX seconds). */
  heldMessage?: Omit<WireMessage, 'seq' | 'time'>;
  heldAt?: number;
  expiresAt?: number;
  /** Review queue (241): the outcome, and the new message's sequence number when approved. */
  reviewAction?: 'Approve' | 'Deny';
  seq?: number;
  /** Messages missed (242): the first and last sequence numbers (inclusive) this connection will never receive. */
  fromSeq?: number;
  toSeq?: number;
}

/** Message types a client may send to a live room. */
export const SENDABLE_MESSAGE_TYPES = ['TIMTextElem', 'TIMCustomElem', 'TIMFaceElem', 'TIMLocationElem'] as const;
/** A type a client may send. */
export type SendableMessageType = (typeof SENDABLE_MESSAGE_TYPES)[number];

/** A message as the client sends it in `msg.send`. */
export interface OutgoingMessage {
  /** Client-made ID, echoed to every receiver (the sender uses it to drop its own echo). */
  id: string;
  type: SendableMessageType;
  payload: TextPayload | CustomPayload | FacePayload | LocationPayload;
  priority: Priority;
  /** 32-bit random, part of the compatible message identity. */
  random: number;
  cloudCustomData?: string;
}

/** A message in a `msgs` frame. Every message of a room carries the room's next sequence number. */
export interface WireMessage {
  /** Message ID (client-made for user messages, server-made for tips and notices). */
  id: string;
  /** Per-room sequence number, 1, 2, 3 … without gaps as assigned by the room's authority. */
  seq: number;
  type: SendableMessageType | 'TIMGroupTipElem' | 'TIMGroupSystemNoticeElem';
  payload: TextPayload | CustomPayload | FacePayload | LocationPayload | GroupTipPayload | GroupSystemNoticePayload;
  /** Sender userID (for tips the member concerned; for notices the operator). */
  from: string;
  nick?: string;
  avatar?: string;
  /** Server time in seconds. */
  time: number;
  priority: Priority;
  random?: number;
  cloudCustomData?: string;
}

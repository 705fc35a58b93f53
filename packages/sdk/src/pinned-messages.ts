/**
 * Pinned messages: the compatible SDK v3's pinGroupMessage / getPinnedGroupMessageList and the
 * PINNED_GROUP_MESSAGE_UPDATED event, `{ groupID, messageList, operationType }` with
 * operationType 1 (pinned) or 2 (unpinned, also when a pin lapsed). Stadium's own option:
 * `duration`, seconds until the pin lapses by itself.
 */
import { StadiumError, type PinnedMessage, type PinsFrame, type PinsRequest, type PinsResult } from '@stadium/protocol';
import { Message, messageFromWire } from './message.js';

/** Sends a `group.pins` request. */
export type PinsRequester = (request: PinsRequest) => Promise<PinsResult>;

/** PINNED_GROUP_MESSAGE_UPDATED data. */
export interface PinnedGroupMessageUpdated {
  groupID: string;
  /** Every pinned message of the room now, oldest pin first. */
  messageList: Message[];
  /** 1 pinned, 2 unpinned. */
  operationType: 1 | 2;
}

/** Options of pinGroupMessage. */
export interface PinGroupMessageOptions {
  groupID: string;
  /** A message of this room that the SDK received or sent. */
  message: Message;
  /** true pins, false unpins. */
  isPinned: boolean;
  /** Stadium: seconds until the pin lapses by itself (1 to 2,592,000); absent: until unpinned. */
  duration?: number;
}

/** The `Message`s of a room's pins, each carrying when it lapses. */
export function pinnedList(groupID: string, pins: readonly PinnedMessage[], myUserID: string): Message[] {
  return pins.map((pin) => messageFromWire(groupID, pin.message, myUserID));
}

/** The pin calls. */
export class PinnedMessages {
  readonly #request: PinsRequester;
  readonly #me: () => string;

  constructor(request: PinsRequester, me: () => string) {
    this.#request = request;
    this.#me = me;
  }

  /** Pin (`isPinned: true`) or unpin a message of the room: owner and admins. */
  async pin(options: PinGroupMessageOptions): Promise<Record<string, never>> {
    const groupID = options?.groupID;
    if (typeof groupID !== 'string' || groupID === '') throw new StadiumError('INVALID_GROUP_ID', 'pinGroupMessage needs a groupID');
    const message = options.message;
    if (!(message instanceof Message) || message.to !== groupID || !(message.sequence > 0)) {
      throw new StadiumError('INVALID_PARAMETER', 'pinGroupMessage needs a message of this room that was sent or received (it has a sequence number)');
    }
    if (typeof options.isPinned !== 'boolean') throw new StadiumError('INVALID_PARAMETER', 'isPinned must be true (pin) or false (unpin)');
    if (options.isPinned) {
      await this.#request({ groupID, op: 'pin', seq: message.sequence, ...(options.duration === undefined ? {} : { duration: options.duration }) });
    } else {
      await this.#request({ groupID, op: 'unpin', seq: message.sequence });
    }
    return {};
  }

  /** The room's pinned messages, oldest pin first (joined members, guests too). */
  async list(groupID: string): Promise<{ messageList: Message[] }> {
    if (typeof groupID !== 'string' || groupID === '') throw new StadiumError('INVALID_GROUP_ID', 'getPinnedGroupMessageList needs a groupID');
    const { pinnedMessages } = await this.#request({ groupID, op: 'list' });
    return { messageList: pinnedList(groupID, pinnedMessages, this.#me()) };
  }

  /** A `pins` frame of a joined room: the event data. */
  pushed(frame: PinsFrame): PinnedGroupMessageUpdated | null {
    if (!Array.isArray(frame.p) || (frame.o !== 1 && frame.o !== 2)) return null;
    return { groupID: frame.g, messageList: pinnedList(frame.g, frame.p, this.#me()), operationType: frame.o };
  }
}

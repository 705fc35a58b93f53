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

/** What identifies a room's pins: which messages, until when. */
function pinsKey(pins: readonly PinnedMessage[]): string {
  return pins.map((p) => `${p.message.seq}:${p.expireAt}`).join(',');
}

/** The pin calls, and what this instance last knew of each joined room's pins. */
export class PinnedMessages {
  readonly #request: PinsRequester;
  readonly #me: () => string;
  /** Each joined room's pins as last seen (join answer or push); bounded by the rooms joined. */
  readonly #known = new Map<string, { key: string; seqs: Set<number> }>();

  readonly #isJoined: (groupID: string) => boolean;

  /** `isJoined`: whether the instance is in a room (pins of rooms left are forgotten). */
  constructor(request: PinsRequester, me: () => string, isJoined: (groupID: string) => boolean = () => true) {
    this.#request = request;
    this.#me = me;
    this.#isJoined = isJoined;
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
    this.#remember(frame.g, frame.p);
    return { groupID: frame.g, messageList: pinnedList(frame.g, frame.p, this.#me()), operationType: frame.o };
  }

  /** The pins a join answer carried (a first join: nothing to tell, the app asks when it wants). */
  joined(groupID: string, pins: readonly PinnedMessage[] | undefined): void {
    if (pins) this.#remember(groupID, pins);
  }

  /**
   * The pins a rejoin answer carried after a reconnect: the event data when they changed while
   * the connection was down (operationType 1 when a message was pinned meanwhile, else 2).
   */
  rejoined(groupID: string, pins: readonly PinnedMessage[] | undefined): PinnedGroupMessageUpdated | null {
    if (!pins) return null;
    const before = this.#known.get(groupID);
    this.#remember(groupID, pins);
    if (before === undefined || before.key === pinsKey(pins)) return null;
    const added = pins.some((p) => !before.seqs.has(p.message.seq));
    return { groupID, messageList: pinnedList(groupID, pins, this.#me()), operationType: added ? 1 : 2 };
  }

  #remember(groupID: string, pins: readonly PinnedMessage[]): void {
    for (const room of this.#known.keys()) if (room !== groupID && !this.#isJoined(room)) this.#known.delete(room);
    this.#known.set(groupID, { key: pinsKey(pins), seqs: new Set(pins.map((p) => p.message.seq)) });
  }
}

/**
 * Message calls of the instance: make text and custom messages, send them, read a room's
 * history (getMessageList: empty unless the room keeps history) and recall (revokeMessage,
 * which live rooms refuse).
 */
import { StadiumError, TIM_TYPES, type Commands } from '@stadium/protocol';
import type { ClientEnvironment } from './client-environment.js';
import type { IMResponse } from './client-types.js';
import type { Requester } from './connection.js';
import { ok, withData } from './im-response.js';
import type { JoinedGroups } from './joined-groups.js';
import {
  Message,
  createOutgoingMessage,
  messageFromWire,
  customPayload,
  isSendableType,
  textPayload,
  toOutgoing,
  type CreateCustomMessageOptions,
  type CreateTextMessageOptions,
} from './message.js';
import type { RecentIds } from './recent-ids.js';
import type { Session } from './session.js';

/** Most getMessageList cursors an instance remembers. */
const MAX_CURSORS = 1000;

/**
 * Attempts of one sendMessage, the first included. When an answer is lost (the connection
 * dropped: 2800, or no answer in time: 2801) the same message is sent again with the same ID
 * once the connection is back; the server answers a resend with the first send's seq and
 * publishes it once (idempotent sends, docs/protocol.md).
 */
export const MAX_SEND_ATTEMPTS = 3;

/** The answer of a request that may have reached the server was lost. */
function answerLost(error: unknown): boolean {
  return error instanceof StadiumError && (error.reason === 'SDK_NETWORK_ERROR' || error.reason === 'SDK_NETWORK_TIMEOUT');
}

/** What a {@link MessageSender} needs. */
export interface MessageSenderDeps {
  request: Requester;
  session: Session;
  joined: JoinedGroups;
  /** IDs of messages this instance sent, so that the push dispatcher drops their echo. */
  sentIds: RecentIds;
  environment: Pick<ClientEnvironment, 'now' | 'random'>;
}

/** createTextMessage / createCustomMessage / sendMessage / revokeMessage / getMessageList. */
export class MessageSender {
  constructor(private readonly deps: MessageSenderDeps) {}

  /** Make a text message (not sent yet). */
  createText(options: CreateTextMessageOptions): Message {
    return createOutgoingMessage(TIM_TYPES.MSG_TEXT, options, textPayload(options), this.messageContext());
  }

  /** Make a custom message (not sent yet). */
  createCustom(options: CreateCustomMessageOptions): Message {
    return createOutgoingMessage(TIM_TYPES.MSG_CUSTOM, options, customPayload(options), this.messageContext());
  }

  /** Send a message; on failure it gets status `fail` and the error's `data` is `{ message }`. */
  async send(message: Message): Promise<IMResponse<{ message: Message }>> {
    const isMessage = message instanceof Message;
    try {
      const userID = this.deps.session.requireReady();
      if (!isMessage) throw new StadiumError('SDK_NEED_MESSAGE_INSTANCE');
      if (message.conversationType !== TIM_TYPES.CONV_GROUP) throw new StadiumError('SDK_INVALID_CONVERSATION_TYPE');
      if (!isSendableType(message.type)) throw new StadiumError('UNSUPPORTED_MESSAGE_TYPE');
      if (!this.deps.joined.has(message.to)) throw new StadiumError('SDK_NOT_IN_ROOM');
      const { nick, avatar } = this.deps.session.profile;
      message.from = userID;
      message.flow = 'out';
      message.nick = nick;
      message.avatar = avatar;
      message.status = 'unSend';
      const { sentIds } = this.deps;
      sentIds.add(message.ID);
      try {
        const result = await this.#sendIdempotent(message);
        message.sequence = result.seq;
        message.time = result.time;
        message.status = 'success';
        if (result.rewritten) {
          // The room published another body (before-send callback, masking word list): show what the others see.
          message.type = result.rewritten.type;
          message.payload = { ...(result.rewritten.payload as unknown as Record<string, unknown>) };
          if (result.rewritten.cloudCustomData !== undefined) message.cloudCustomData = result.rewritten.cloudCustomData;
        }
        if (result.sampled) {
          // Accepted, but the room's downstream cap kept it from the other members: no echo comes.
          message.isSampled = true;
          sentIds.delete(message.ID);
        }
        return ok({ message });
      } catch (error) {
        sentIds.delete(message.ID);
        throw error;
      }
    } catch (error) {
      if (isMessage) message.status = 'fail';
      throw withData(error, { message, ...heldFor(error) });
    }
  }

  /** `msg.send`, sent again with the same body (so the same ID) while its answer is lost and the instance is still in the room. */
  async #sendIdempotent(message: Message): Promise<Commands['msg.send']['res']> {
    const body = { groupID: message.to, message: toOutgoing(message) };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.request('msg.send', body);
      } catch (error) {
        if (attempt >= MAX_SEND_ATTEMPTS || !answerLost(error) || !this.#mayResend(message)) throw error;
      }
    }
  }

  /** Still logged in and in the message's room (a logout, destroy or quit ends the resends). */
  #mayResend(message: Message): boolean {
    try {
      this.deps.session.requireReady();
    } catch {
      return false;
    }
    return this.deps.joined.has(message.to);
  }

  /** Live rooms cannot recall messages: the server answers 10035. */
  async revoke(message: Message): Promise<IMResponse<{ message: Message }>> {
    this.deps.session.requireReady();
    if (!(message instanceof Message)) throw new StadiumError('SDK_NEED_MESSAGE_INSTANCE');
    try {
      await this.deps.request('msg.revoke', { groupID: message.to, id: message.ID });
    } catch (error) {
      throw withData(error, { message });
    }
    message.isRevoked = true;
    return ok({ message });
  }

  /**
   * A page of a joined room's history, oldest first (`conversationID` is `'GROUP' + groupID`):
   * the messages before `nextReqMessageID` (or the newest ones), all older than the first live
   * message this client received, so history and live messages meet without gap or duplicate.
   * Empty and completed when the room keeps no history, or for other conversations.
   */
  async messageList(options?: {
    conversationID: string;
    nextReqMessageID?: string;
    count?: number;
  }): Promise<IMResponse<{ messageList: Message[]; nextReqMessageID: string; isCompleted: boolean }>> {
    const conversationID = options?.conversationID;
    const groupID = typeof conversationID === 'string' && conversationID.startsWith(TIM_TYPES.CONV_GROUP) ? conversationID.slice(TIM_TYPES.CONV_GROUP.length) : '';
    const toSeq = groupID === '' ? undefined : this.deps.joined.historyEnd(groupID);
    if (toSeq === undefined) {
      this.deps.session.requireReady();
      return ok({ messageList: [], nextReqMessageID: '', isCompleted: true });
    }
    this.deps.session.requireAlive();
    const cursor = options?.nextReqMessageID;
    let beforeSeq: number | undefined;
    if (cursor !== undefined && cursor !== '') {
      beforeSeq = this.#cursors.get(cursor);
      if (beforeSeq === undefined)
        throw new StadiumError('INVALID_PARAMETER', 'nextReqMessageID must be the nextReqMessageID of an earlier getMessageList answer of this conversation');
    }
    const result = await this.deps.request('msg.history', {
      groupID,
      toSeq,
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      ...(options?.count !== undefined ? { count: options.count } : {}),
    });
    const myUserID = this.deps.session.userID;
    const messageList = result.messages.map((wire) => messageFromWire(groupID, wire, myUserID));
    const oldest = messageList[0];
    const nextReqMessageID = result.isCompleted || !oldest ? '' : oldest.ID;
    if (oldest && !result.isCompleted) this.#rememberCursor(nextReqMessageID, oldest.sequence);
    return ok({ messageList, nextReqMessageID, isCompleted: result.isCompleted });
  }

  /** Cursors of earlier pages (message ID → its sequence number), newest last; bounded. */
  readonly #cursors = new Map<string, number>();

  #rememberCursor(id: string, seq: number): void {
    this.#cursors.delete(id);
    this.#cursors.set(id, seq);
    if (this.#cursors.size > MAX_CURSORS) this.#cursors.delete(this.#cursors.keys().next().value!);
  }

  private messageContext(): { userID: string; nick: string; avatar: string; now: number; random: number } {
    const { nick, avatar } = this.deps.session.profile;
    return {
      userID: this.deps.session.userID,
      nick,
      avatar,
      now: this.deps.environment.now(),
      random: Math.floor(this.deps.environment.random() * 0x1_0000_0000),
    };
  }
}

/** For a MESSAGE_HELD refusal (held for review), the hold ID its message names, as `{ holdID }`. */
function heldFor(error: unknown): { holdID?: string } {
  if (!(error instanceof StadiumError) || error.reason !== 'MESSAGE_HELD') return {};
  const holdID = /holdID (h-[0-9a-f-]+)/.exec(error.message)?.[1];
  return holdID ? { holdID } : {};
}

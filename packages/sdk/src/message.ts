/**
 * The compatible SDK's `Message` object: made by `createTextMessage` / `createCustomMessage`
 * for sending, and built from each {@link WireMessage} the server pushes.
 */
import {
  GROUP_SYSTEM_NOTICE,
  SENDABLE_MESSAGE_TYPES,
  TIM_TYPES,
  type CustomPayload,
  type GroupSystemNoticePayload,
  type GroupTipPayload,
  type OutgoingMessage,
  type Priority,
  type SendableMessageType,
  type TextPayload,
  type WireMessage,
} from '@stadium/protocol';

/** `'GROUP'` for room messages and tips, `'@TIM#SYSTEM'` for group system notices, `'C2C'` for one-to-one messages. */
export type ConversationType = typeof TIM_TYPES.CONV_GROUP | typeof TIM_TYPES.CONV_SYSTEM | typeof TIM_TYPES.CONV_C2C;
/** Sending state of a message. */
export type MessageStatus = 'unSend' | 'success' | 'fail';

/** A chat message, with the fields of the compatible SDK's `Message`. */
export class Message {
  /** Unique ID: `${sender}-${clientTime}-${random}` for user messages; the server's ID for tips and notices. */
  ID: string;
  /** `TIM.TYPES.MSG_*`: `TIMTextElem`, `TIMCustomElem`, `TIMGroupTipElem`, … */
  type: WireMessage['type'];
  /** Type-specific content (`{ text }`, `{ data, description, extension }`, …). */
  payload: Record<string, unknown>;
  /** `'GROUP' + groupID`, `'@TIM#SYSTEM'` for group system notices, `'C2C' + the other user's ID` for one-to-one messages. */
  conversationID: string;
  conversationType: ConversationType;
  /** The groupID (for a one-to-one message, the recipient's userID). */
  to: string;
  /** Sender userID (for tips the member concerned, for notices the operator). */
  from: string;
  /** `'out'` when this user sent it, else `'in'`. */
  flow: 'in' | 'out';
  /** Server time in seconds (creation time until sent). */
  time: number;
  status: MessageStatus;
  priority: Priority;
  nick: string;
  avatar: string;
  nameCard = '';
  /** Per-room sequence number (0 until sent). */
  sequence: number;
  /** 32-bit random, part of the message identity. */
  random: number;
  cloudCustomData: string;
  isRevoked = false;
  isModified = false;
  /**
   * Stadium: the room accepted this message but its downstream cap (big rooms) kept it from
   * being broadcast; `sequence` is 0.
   */
  isSampled = false;
  isBroadcastMessage = false;
  isDeleted = false;
  /** Time the message object was made, in seconds. */
  clientTime: number;
  protocol = 'JSON';
  atUserList: string[] = [];

  /** Use {@link createOutgoingMessage} or {@link messageFromWire}; this copies `init`. */
  constructor(init: MessageInit) {
    this.ID = init.ID;
    this.type = init.type;
    this.payload = init.payload;
    this.conversationType = init.conversationType;
    this.conversationID =
      init.conversationType === TIM_TYPES.CONV_SYSTEM
        ? TIM_TYPES.CONV_SYSTEM
        : init.conversationType === TIM_TYPES.CONV_C2C
          ? `C2C${init.flow === 'out' ? init.to : init.from}`
          : `GROUP${init.to}`;
    this.to = init.to;
    this.from = init.from;
    this.flow = init.flow;
    this.time = init.time;
    this.status = init.status;
    this.priority = init.priority;
    this.nick = init.nick;
    this.avatar = init.avatar;
    this.sequence = init.sequence;
    this.random = init.random;
    this.cloudCustomData = init.cloudCustomData;
    this.clientTime = init.clientTime;
  }
}

/** Fields a {@link Message} is made from (the rest have defaults or are derived). */
export type MessageInit = Pick<
  Message,
  | 'ID'
  | 'type'
  | 'payload'
  | 'conversationType'
  | 'to'
  | 'from'
  | 'flow'
  | 'time'
  | 'status'
  | 'priority'
  | 'nick'
  | 'avatar'
  | 'sequence'
  | 'random'
  | 'cloudCustomData'
  | 'clientTime'
>;

/** Options of `createTextMessage`. */
export interface CreateTextMessageOptions {
  to: string;
  conversationType: string;
  priority?: Priority;
  payload: TextPayload;
  cloudCustomData?: string;
}

/** Options of `createCustomMessage`. */
export interface CreateCustomMessageOptions {
  to: string;
  conversationType: string;
  priority?: Priority;
  payload: Partial<CustomPayload>;
  cloudCustomData?: string;
}

/** Who is making a message and with which clock and randomness. */
export interface MessageContext {
  /** Logged-in userID, or '' for a guest. */
  userID: string;
  nick: string;
  avatar: string;
  /** Milliseconds since the epoch. */
  now: number;
  /** 32-bit unsigned random. */
  random: number;
}

/** Make an unsent message of a sendable type. */
export function createOutgoingMessage(
  type: SendableMessageType,
  options: { to: string; conversationType: string; priority?: Priority; cloudCustomData?: string },
  payload: Record<string, unknown>,
  context: MessageContext,
): Message {
  const clientTime = Math.floor(context.now / 1000);
  return new Message({
    ID: `${context.userID || 'guest'}-${clientTime}-${context.random}`,
    type,
    payload,
    conversationType: options.conversationType as ConversationType,
    to: String(options.to ?? ''),
    from: context.userID,
    flow: 'out',
    time: clientTime,
    status: 'unSend',
    priority: options.priority ?? 'Normal',
    nick: context.nick,
    avatar: context.avatar,
    sequence: 0,
    random: context.random,
    cloudCustomData: options.cloudCustomData ?? '',
    clientTime,
  });
}

/** Payload of a text message, copied from the options. */
export function textPayload(options: CreateTextMessageOptions): Record<string, unknown> {
  return { text: String(options.payload?.text ?? '') };
}

/** Payload of a custom message; missing fields become ''. */
export function customPayload(options: CreateCustomMessageOptions): Record<string, unknown> {
  const payload = options.payload ?? {};
  return { data: payload.data ?? '', description: payload.description ?? '', extension: payload.extension ?? '' };
}

/** True when `type` may be sent to a live room. */
export function isSendableType(type: string): type is SendableMessageType {
  return (SENDABLE_MESSAGE_TYPES as readonly string[]).includes(type);
}

/** The `msg.send` form of a message. The caller checks {@link isSendableType} first. */
export function toOutgoing(message: Message): OutgoingMessage {
  const outgoing: OutgoingMessage = {
    id: message.ID,
    type: message.type as SendableMessageType,
    payload: message.payload as unknown as OutgoingMessage['payload'],
    priority: message.priority,
    random: message.random,
  };
  if (message.cloudCustomData) outgoing.cloudCustomData = message.cloudCustomData;
  return outgoing;
}

/** Build the received `Message` for one message of a `msgs` frame of room `groupID`. */
export function messageFromWire(groupID: string, wire: WireMessage, myUserID: string): Message {
  const isNotice = wire.type === TIM_TYPES.MSG_GRP_SYS_NOTICE;
  const time = wire.time;
  return new Message({
    ID: wire.id,
    type: wire.type,
    payload: receivedPayload(groupID, wire),
    conversationType: isNotice ? TIM_TYPES.CONV_SYSTEM : TIM_TYPES.CONV_GROUP,
    to: groupID,
    from: wire.from,
    flow: myUserID !== '' && wire.from === myUserID ? 'out' : 'in',
    time,
    status: 'success',
    priority: wire.priority,
    nick: wire.nick ?? '',
    avatar: wire.avatar ?? '',
    sequence: wire.seq,
    random: wire.random ?? 0,
    cloudCustomData: wire.cloudCustomData ?? '',
    clientTime: time,
  });
}

/**
 * Build the received `Message` of a `c2c` frame (REST `openim/sendmsg`): conversationType
 * `'C2C'`, `flow` `'out'` on the sender's own connections.
 */
export function messageFromC2C(to: string, wire: WireMessage, myUserID: string): Message {
  return new Message({
    ID: wire.id,
    type: wire.type,
    payload: { ...(wire.payload as unknown as Record<string, unknown>) },
    conversationType: TIM_TYPES.CONV_C2C,
    to,
    from: wire.from,
    flow: wire.from === myUserID && to !== myUserID ? 'out' : 'in',
    time: wire.time,
    status: 'success',
    priority: wire.priority,
    nick: wire.nick ?? '',
    avatar: wire.avatar ?? '',
    sequence: wire.seq,
    random: wire.random ?? 0,
    cloudCustomData: wire.cloudCustomData ?? '',
    clientTime: wire.time,
  });
}

/** The payload as the compatible SDK presents it: tips and notices gain `groupProfile`. */
function receivedPayload(groupID: string, wire: WireMessage): Record<string, unknown> {
  const payload = { ...(wire.payload as unknown as Record<string, unknown>) };
  if (wire.type === TIM_TYPES.MSG_GRP_TIP) {
    const tip = wire.payload as GroupTipPayload;
    return {
      ...payload,
      userIDList: tip.userIDList ?? [tip.operatorID],
      ...(tip.memberNum !== undefined ? { memberCount: tip.memberNum } : {}),
      groupProfile: { groupID, from: wire.from, to: groupID },
    };
  }
  if (wire.type === TIM_TYPES.MSG_GRP_SYS_NOTICE) {
    return { ...payload, groupProfile: { groupID, from: wire.from, to: groupID } };
  }
  return payload;
}

/** True when the message is a group system notice that ends this client's membership (kicked, dismissed, banned). */
export function endsMembership(wire: WireMessage): boolean {
  if (wire.type !== TIM_TYPES.MSG_GRP_SYS_NOTICE) return false;
  const op = (wire.payload as GroupSystemNoticePayload).operationType;
  return op === GROUP_SYSTEM_NOTICE.DISMISSED || op === GROUP_SYSTEM_NOTICE.KICKED_OUT || op === GROUP_SYSTEM_NOTICE.BANNED;
}

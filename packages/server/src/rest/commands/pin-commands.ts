/**
 * `stadium_admin/…` pinned-message commands (Stadium's own: the compatible API has no pins in
 * live rooms). The same operation as the SDK's pinGroupMessage / getPinnedGroupMessageList,
 * decided at the room's authority (authority/pin-handlers.ts); the app admin may pin in any
 * room without joining it.
 */
import { Type } from '@sinclair/typebox';
import { LIMITS, type PinnedMessage } from '@stadium/protocol';
import { MAX_PIN_DURATION_SEC } from '../../core/room-pins.js';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

const GroupId = Type.String({ minLength: 1, maxLength: LIMITS.maxGroupIdBytes, description: "The room's group ID" });
const MsgSeq = Type.Integer({ minimum: 1, description: 'Sequence number of the message in the room' });

const PinnedMsg = Type.Object({
  MsgSeq: Type.Integer({ description: 'Sequence number of the pinned message' }),
  MsgId: Type.String({ description: 'Message ID' }),
  From_Account: Type.String({ description: 'Sender userID' }),
  NickName: Type.String({ description: "Sender's nick when it was sent ('' when none)" }),
  MsgTime: Type.Integer({ description: 'When it was sent (seconds)' }),
  MsgPriority: Type.String(),
  MsgType: Type.String({ description: 'TIMTextElem, TIMCustomElem, …' }),
  MsgContent: Type.Unknown({ description: 'The payload as published: { text } or { data, description, extension }, …' }),
  PinnedBy: Type.String({ description: 'Who pinned it' }),
  PinTime: Type.Integer({ description: 'When it was pinned (seconds)' }),
  ExpireTime: Type.Integer({ description: 'When the pin lapses by itself (seconds); 0 for never' }),
});
const PinnedList = Type.Object({ PinnedMsgList: Type.Array(PinnedMsg, { description: 'The pins, oldest pin first' }) });

function toRest(pins: readonly PinnedMessage[]): { PinnedMsgList: Array<Record<string, unknown>> } {
  return {
    PinnedMsgList: pins.map((p) => ({
      MsgSeq: p.message.seq,
      MsgId: p.message.id,
      From_Account: p.message.from,
      NickName: p.message.nick ?? '',
      MsgTime: p.message.time,
      MsgPriority: p.message.priority,
      MsgType: p.message.type,
      MsgContent: p.message.payload,
      PinnedBy: p.pinnedBy,
      PinTime: Math.floor(p.pinnedAt / 1000),
      ExpireTime: Math.floor(p.expireAt / 1000),
    })),
  };
}

/** `stadium_admin/get_pinned_group_messages`. */
export const getPinnedGroupMessages = defineCommand({
  path: 'stadium_admin/get_pinned_group_messages',
  summary: "A room's pinned messages, oldest pin first.",
  body: Type.Object({ GroupId }),
  response: PinnedList,
  async handle({ actor, deps }, body) {
    const { pinnedMessages } = await deps.groups.pins(actor, { groupID: body.GroupId, op: 'list' });
    return toRest(pinnedMessages);
  },
});

/** `stadium_admin/pin_group_message`. */
export const pinGroupMessage = defineCommand({
  path: 'stadium_admin/pin_group_message',
  summary: "Pin one of the room's recent messages, optionally for a while; members get the pins in a pins push.",
  body: Type.Object({
    GroupId,
    MsgSeq,
    Duration: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PIN_DURATION_SEC, description: 'Seconds until the pin lapses by itself; 0 or absent: until unpinned' })),
  }),
  response: PinnedList,
  async handle({ actor, deps }, body) {
    const { pinnedMessages } = await deps.groups.pins(actor, { groupID: body.GroupId, op: 'pin', seq: body.MsgSeq, ...(body.Duration ? { duration: body.Duration } : {}) });
    return toRest(pinnedMessages);
  },
});

/** `stadium_admin/unpin_group_message`. */
export const unpinGroupMessage = defineCommand({
  path: 'stadium_admin/unpin_group_message',
  summary: 'Unpin a pinned message; members get the pins in a pins push.',
  body: Type.Object({ GroupId, MsgSeq }),
  response: PinnedList,
  async handle({ actor, deps }, body) {
    const { pinnedMessages } = await deps.groups.pins(actor, { groupID: body.GroupId, op: 'unpin', seq: body.MsgSeq });
    return toRest(pinnedMessages);
  },
});

/** The pin commands, in docs/rest-api.md order. */
export const PIN_COMMANDS: readonly AnyRestCommand[] = [getPinnedGroupMessages, pinGroupMessage, unpinGroupMessage];

/**
 * `openim/sendmsg`: a one-to-one message from the app's backend to one user, delivered to
 * every online connection of that user on every node (and, with SyncOtherMachine 1, to the
 * sender's own connections). This is how the FAQ's hidden system messages travel. The SDK
 * receives it as a C2C message (MESSAGE_RECEIVED, conversationType 'C2C').
 */
import { randomInt, randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { LIMITS, StadiumError } from '@stadium/protocol';
import { UserId } from '../account-schema.js';
import { fromMsgBody, MsgBody } from '../msg-body.js';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

const Uint32 = (description: string) => Type.Integer({ minimum: 0, maximum: 0xffffffff, description });
const Ignored = (description: string) => Type.Optional(Type.Integer({ minimum: 0, maximum: 1, description }));

/** `sendmsg`. */
export const sendMsg = defineCommand({
  path: 'openim/sendmsg',
  summary:
    'Send a one-to-one message to every online connection of To_Account, a known account (online only; de-duplicated on From, To, MsgSeq and MsgRandom for 5 minutes); answers MsgTime and MsgKey.',
  invalidBody: 'C2C_BAD_REQUEST',
  invalidField: { MsgRandom: 'C2C_MSG_RANDOM_INVALID' },
  body: Type.Object({
    SyncOtherMachine: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)], { description: "1: also to From_Account's own connections; 2 or absent: to To_Account only" })),
    From_Account: Type.Optional(UserId),
    To_Account: UserId,
    MsgLifeTime: Type.Optional(Type.Integer({ minimum: 0, maximum: 604_800, description: 'Accepted; Stadium delivers online only (as 0)' })),
    MsgSeq: Type.Optional(Uint32('Carried as the message sequence; random when absent')),
    MsgRandom: Uint32('32-bit random'),
    ForbidCallbackControl: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 4 })),
    SendMsgControl: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 4, description: 'Accepted and ignored (no unread counts or conversations)' })),
    MsgBody,
    CloudCustomData: Type.Optional(Type.String({ maxLength: LIMITS.maxMessageBytes })),
    SupportMessageExtension: Ignored('Accepted and ignored'),
    OfflinePushInfo: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Accepted and ignored: delivery is online only' })),
    IsNeedReadReceipt: Ignored('Accepted and ignored'),
  }),
  response: Type.Object({ MsgTime: Type.Integer({ description: 'Server time, seconds' }), MsgKey: Type.String({ description: '<MsgSeq>_<MsgRandom>_<MsgTime>' }) }),
  async handle({ actor, deps }, body) {
    const userId = body.From_Account ?? actor.userId ?? '';
    // Both ends must be known accounts (a stored profile: imported, set, or logged in once); the admin always is.
    const ids = [...new Set([body.To_Account, userId])];
    const { found } = await deps.profiles.find(actor, ids);
    const known = (id: string) => found.has(id) || id === actor.app.adminUserId;
    if (!known(body.To_Account)) throw new StadiumError('C2C_TO_ACCOUNT_NOT_IMPORTED', body.To_Account);
    if (!known(userId)) throw new StadiumError('C2C_FROM_ACCOUNT_NOT_FOUND', userId);
    const profile = found.get(userId) ?? (await deps.profiles.get(actor.app.sdkAppId, userId));
    const result = deps.directMessages.send(actor, {
      from: { userId, nick: profile.nick, avatar: profile.avatar },
      to: body.To_Account,
      toSenderToo: body.SyncOtherMachine === 1,
      seq: body.MsgSeq ?? randomInt(1, 0xffffffff),
      message: {
        id: `rest-${randomUUID()}`,
        ...fromMsgBody(body.MsgBody),
        priority: 'Normal',
        random: body.MsgRandom,
        ...(body.CloudCustomData !== undefined ? { cloudCustomData: body.CloudCustomData } : {}),
      },
    });
    return { MsgTime: result.time, MsgKey: result.key };
  },
});

/** The one-to-one commands, in docs/rest-api.md order. */
export const C2C_COMMANDS: readonly AnyRestCommand[] = [sendMsg];

/**
 * The send pipeline: a sequence of steps a message passes before it reaches its room's
 * authority. Today: authorize → validate → stamp → submit (rate / priority → sequence →
 * publish). Moderation and the before/after-send callbacks slot in as further steps.
 */
import { StadiumError } from '@stadium/protocol';
import type { OutgoingMessage } from '@stadium/protocol';
import type { Connection } from '../gateway/connection.js';
import type { Room } from '../groups/room.js';
import type { RoomRouter } from '../groups/room-router.js';
import type { Admitted, UnsequencedMessage } from './room-sequencer.js';
import { validateMessage } from './validate-message.js';

/** What a pipeline step sees. */
export interface SendContext {
  conn: Connection;
  room: Room;
  message: OutgoingMessage;
  /** The message as receivers will see it, filled by the stamp step. */
  outgoing?: UnsequencedMessage;
}

/** One step; throw a StadiumError to refuse the message. */
export type SendStep = (ctx: SendContext) => void | Promise<void>;

/** Attach sender identity as receivers see it. */
export const stampSender: SendStep = (ctx) => {
  const { conn, message } = ctx;
  const outgoing: UnsequencedMessage = {
    id: message.id,
    type: message.type,
    payload: message.payload,
    from: conn.userId!,
    nick: conn.nick,
    avatar: conn.avatar,
    priority: message.priority,
    random: message.random,
  };
  if (message.cloudCustomData !== undefined) outgoing.cloudCustomData = message.cloudCustomData;
  ctx.outgoing = outgoing;
};

/** Sends messages from connections into rooms. */
export class MessageService {
  readonly #router: RoomRouter;
  readonly #steps: readonly SendStep[];

  constructor(router: RoomRouter, steps: readonly SendStep[] = [stampSender]) {
    this.#router = router;
    this.#steps = steps;
  }

  async send(conn: Connection, body: { groupID?: unknown; message?: unknown }): Promise<Admitted> {
    if (conn.userId === null) throw new StadiumError('NOT_LOGGED_IN');
    if (typeof body.groupID !== 'string') throw new StadiumError('INVALID_PARAMETER', 'groupID must be a string');
    const room = conn.joined(body.groupID);
    if (!room || room.closed) throw new StadiumError('NOT_GROUP_MEMBER', `not in ${body.groupID}`);
    const ctx: SendContext = { conn, room, message: validateMessage(body.message) };
    for (const step of this.#steps) {
      const pending = step(ctx);
      if (pending) await pending;
      if (room.closed) throw new StadiumError('GROUP_NOT_FOUND', room.groupId);
    }
    const reply = await this.#router.call(room.authority, { kind: 'submit', sdkAppId: room.app.sdkAppId, groupId: room.groupId, message: ctx.outgoing! });
    return reply.sampled ? { seq: 0, time: reply.time!, sampled: true } : { seq: reply.seq!, time: reply.time! };
  }
}

/**
 * One-to-one messages (REST `openim/sendmsg`): validated like room messages, stamped with the
 * sender, encoded once as the whole `c2c` frame, and published once on the users subject.
 * Every node writes it to the recipient's connections it holds (and, when asked, the sender's
 * own), so it reaches every connection of the user on every node. Online only: nothing is
 * stored, and a user with no connection receives nothing (the call still succeeds, as the
 * compatible service answers for a user who is offline).
 */
import type { C2CFrame, OutgoingMessage } from '@stadium/protocol';
import { USERS_SUBJECT, type Bus } from '../bus/bus.js';
import type { Clock } from '../clock/clock.js';
import type { Actor } from '../core/actor.js';
import { authorize, roleOf } from '../core/permissions.js';
import { validateMessage } from './validate-message.js';

/** What the service needs. */
export interface DirectMessageDeps {
  bus: Bus;
  clock: Clock;
}

/** A one-to-one message to send. */
export interface DirectMessage {
  /** Sender as stamped on the message (userID, nick and avatar from its profile). */
  from: { userId: string; nick: string; avatar: string };
  to: string;
  /** Also deliver to the sender's own connections (SyncOtherMachine 1). */
  toSenderToo: boolean;
  /** The compatible `MsgSeq` (32-bit), carried as the message's `seq`. */
  seq: number;
  message: OutgoingMessage;
}

/** What a send answers: the compatible `MsgTime` and `MsgKey`. */
export interface DirectMessageResult {
  time: number;
  key: string;
}

/** Sends one-to-one messages. */
export class DirectMessageService {
  readonly #bus: Bus;
  readonly #clock: Clock;

  constructor(deps: DirectMessageDeps) {
    this.#bus = deps.bus;
    this.#clock = deps.clock;
  }

  /** Deliver `input` to every online connection of its recipient (and of its sender when asked). */
  send(actor: Actor, input: DirectMessage): DirectMessageResult {
    authorize('user.message', roleOf(actor, null));
    const message = validateMessage(input.message);
    const time = Math.floor(this.#clock.now() / 1000);
    const frame: C2CFrame = {
      t: 'c2c',
      to: input.to,
      m: {
        id: message.id,
        seq: input.seq,
        type: message.type,
        payload: message.payload,
        from: input.from.userId,
        nick: input.from.nick,
        avatar: input.from.avatar,
        time,
        priority: message.priority,
        random: message.random,
        ...(message.cloudCustomData ? { cloudCustomData: message.cloudCustomData } : {}),
      },
    };
    const userIds = input.toSenderToo && input.from.userId !== input.to ? [input.to, input.from.userId] : [input.to];
    this.#bus.publish(USERS_SUBJECT, { kind: 'user-message', sdkAppId: actor.app.sdkAppId, userIds, frame: JSON.stringify(frame) });
    return { time, key: `${input.seq}_${message.random}_${time}` };
  }
}

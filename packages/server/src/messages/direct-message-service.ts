/**
 * One-to-one messages (REST `openim/sendmsg`): validated like room messages, stamped with the
 * sender, encoded once as the whole `c2c` frame, and published once on the users subject.
 * Every node writes it to the recipient's connections it holds (and, when asked, the sender's
 * own), so it reaches every connection of the user on every node. Online only: nothing is
 * stored, and a user with no connection receives nothing (the call still succeeds, as the
 * compatible service answers for a user who is offline).
 *
 * A send is de-duplicated on (app, From_Account, To_Account, MsgSeq, MsgRandom) within
 * {@link C2C_DEDUPE_WINDOW_MS}: a retry answers the first send's MsgTime and MsgKey and is not
 * delivered again. The window is per node and holds at most {@link C2C_DEDUPE_MAX_KEYS} keys
 * (past it the oldest are forgotten), so memory stays bounded.
 */
import type { C2CFrame, OutgoingMessage } from '@stadium/protocol';
import { USERS_SUBJECT, type Bus } from '../bus/bus.js';
import type { Clock } from '../clock/clock.js';
import type { Actor } from '../core/actor.js';
import { authorize, roleOf } from '../core/permissions.js';
import { validateMessage } from './validate-message.js';

/** How long a one-to-one send is remembered for de-duplication. */
export const C2C_DEDUPE_WINDOW_MS = 5 * 60_000;
/** Most one-to-one sends a node remembers for de-duplication; past it the oldest are forgotten. */
export const C2C_DEDUPE_MAX_KEYS = 10_000;

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
  /** Recent sends by de-duplication key, oldest first. */
  readonly #recent = new Map<string, { at: number; result: DirectMessageResult }>();

  constructor(deps: DirectMessageDeps) {
    this.#bus = deps.bus;
    this.#clock = deps.clock;
  }

  /** Deliver `input` to every online connection of its recipient (and of its sender when asked). */
  send(actor: Actor, input: DirectMessage): DirectMessageResult {
    authorize('user.message', roleOf(actor, null));
    const message = validateMessage(input.message);
    const now = this.#clock.now();
    const key = [actor.app.sdkAppId, input.from.userId, input.to, input.seq, message.random].join('\u0000');
    this.#forgetOld(now);
    const earlier = this.#recent.get(key);
    if (earlier) return earlier.result;
    const time = Math.floor(now / 1000);
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
    const result = { time, key: `${input.seq}_${message.random}_${time}` };
    if (this.#recent.size >= C2C_DEDUPE_MAX_KEYS) this.#recent.delete(this.#recent.keys().next().value!);
    this.#recent.set(key, { at: now, result });
    return result;
  }

  #forgetOld(now: number): void {
    for (const [key, sent] of this.#recent) {
      if (now - sent.at < C2C_DEDUPE_WINDOW_MS) break;
      this.#recent.delete(key);
    }
  }
}

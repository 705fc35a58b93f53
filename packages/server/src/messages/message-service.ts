/**
 * The node phase of the send pipeline: validate the message and stamp the sender from the
 * Actor, then submit it to the room's authority, where the admission steps (mute-all; later
 * mutes, bans, slow mode, the word filter, the before-send callback), the rate limiter and the
 * sequencer decide once for the whole room (authority/). Nothing here decides a room rule.
 */
import { StadiumError, isValidGroupId } from '@stadium/protocol';
import { stampOf, type Actor } from '../core/actor.js';
import { describe } from '../core/describe.js';
import { authorize, roleOf } from '../core/permissions.js';
import type { GroupService } from '../groups/group-service.js';
import type { MemberHandle } from '../groups/member.js';
import type { Room } from '../groups/room.js';
import type { RoomRouter } from '../groups/room-router.js';
import type { Admitted, CallbackControl, UnsequencedMessage } from '../wire/authority-commands.js';
import { validateMessage } from './validate-message.js';

/** Who a message is from, as receivers see it. */
export interface Sender {
  userId: string;
  nick: string;
  avatar: string;
}

/** Per-send options. */
export interface SendOptions {
  /**
   * De-duplicate by the sender's `random` (REST `Random`) instead of the message ID: sends from
   * one sender with the same key within `dedupeWindowMs` are one message.
   */
  dedupeByRandom?: true;
  /** Callbacks to skip for this message (REST `ForbidCallbackControl`). */
  callbackControl?: CallbackControl;
}

/** Sends messages into rooms, for any front door. */
export class MessageService {
  readonly #router: RoomRouter;
  readonly #groups: GroupService;

  constructor(deps: { router: RoomRouter; groups: GroupService }) {
    this.#router = deps.router;
    this.#groups = deps.groups;
  }

  /**
   * Send `input` (untrusted) to room `groupId`. A WebSocket caller passes its membership
   * handle and must have joined the room on it; other callers (REST) need none. `sender`
   * defaults to the actor itself (REST sends on behalf of `From_Account`).
   */
  async send(actor: Actor, groupId: unknown, input: unknown, member?: MemberHandle, sender?: Sender, options: SendOptions = {}): Promise<Admitted> {
    authorize('message.send', roleOf(actor, null));
    if (typeof groupId !== 'string') throw new StadiumError('INVALID_PARAMETER', 'groupID must be a string');
    // Checked before it is named in any refusal: an unchecked ID would be echoed at any length.
    if (!isValidGroupId(groupId)) throw new StadiumError('INVALID_GROUP_ID', `got ${describe(groupId)}`);
    let room: Room;
    if (member !== undefined) {
      const joined = member.joined(groupId);
      if (!joined || joined.closed) throw new StadiumError('NOT_GROUP_MEMBER', `not in ${groupId}`);
      room = joined;
    } else {
      room = await this.#groups.room(actor.app, groupId);
    }
    const message = validateMessage(input);
    const from = sender ?? { userId: actor.userId ?? '', nick: actor.nick, avatar: actor.avatar };
    const outgoing: UnsequencedMessage = {
      id: message.id,
      type: message.type,
      payload: message.payload,
      from: from.userId,
      nick: from.nick,
      avatar: from.avatar,
      priority: message.priority,
      random: message.random,
    };
    if (message.cloudCustomData !== undefined) outgoing.cloudCustomData = message.cloudCustomData;
    const admitted = await this.#router.call(room, 'submit', {
      actor: stampOf(actor),
      message: outgoing,
      ...(options.dedupeByRandom ? { dedupeByRandom: true as const } : {}),
      ...(options.callbackControl !== undefined ? { callbackControl: options.callbackControl } : {}),
    });
    const id = admitted.id ?? outgoing.id;
    const answer: Admitted = admitted.sampled ? { seq: 0, time: admitted.time, id, sampled: true } : { seq: admitted.seq, time: admitted.time, id };
    if (admitted.rewritten) answer.rewritten = admitted.rewritten;
    return answer;
  }
}

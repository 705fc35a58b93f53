/**
 * Ending a user's sessions from the app's backend (REST `im_open_login_svc/kick`): published
 * once on the users subject, so every node closes the user's connections it holds with a
 * `kick` frame of type `REST_API_Kick` and close code 4011 (the SDK emits KICKED_OUT and does
 * not reconnect).
 */
import { USERS_SUBJECT, type Bus } from '../bus/bus.js';
import type { Actor } from '../core/actor.js';
import { authorize, roleOf } from '../core/permissions.js';

/** Kicks users on every node. */
export class UserSessions {
  readonly #bus: Bus;

  constructor(deps: { bus: Bus }) {
    this.#bus = deps.bus;
  }

  /** End every session of `userId` in the actor's app, on every node. */
  kick(actor: Actor, userId: string): void {
    authorize('user.kick', roleOf(actor, null));
    this.#bus.publish(USERS_SUBJECT, { kind: 'user-kick', sdkAppId: actor.app.sdkAppId, userId });
  }
}

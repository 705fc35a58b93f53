/**
 * Ending a user's sessions from the app's backend (REST `im_open_login_svc/kick`). Two effects:
 * - every userSig issued before the kick stops working: the user's userSig floor (UNIX
 *   seconds, persisted in the Store so every node and every restart sees it) is raised to the
 *   kick time, and a login whose userSig has an earlier `TLS.time` is refused with
 *   USERSIG_REVOKED (70001, the compatible "userSig expired"); a userSig generated after the
 *   kick logs in. `TLS.time` has one-second resolution, so a userSig issued within the same
 *   second as the kick still works;
 * - published once on the users subject, so every node closes the user's connections it holds
 *   with a `kick` frame of type `REST_API_Kick` and close code 4011 (the SDK emits KICKED_OUT
 *   and does not reconnect).
 */
import { StadiumError } from '@stadium/protocol';
import { USERS_SUBJECT, type Bus } from '../bus/bus.js';
import type { Clock } from '../clock/clock.js';
import type { Actor } from '../core/actor.js';
import { authorize, roleOf } from '../core/permissions.js';
import type { Store } from '../storage/store.js';

/** Kicks users on every node and keeps their userSig floors. */
export class UserSessions {
  readonly #bus: Bus;
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(deps: { bus: Bus; store: Store; clock: Clock }) {
    this.#bus = deps.bus;
    this.#store = deps.store;
    this.#clock = deps.clock;
  }

  /** Invalidate every userSig of `userId` issued before now and end its sessions on every node. */
  async kick(actor: Actor, userId: string): Promise<void> {
    authorize('user.kick', roleOf(actor, null));
    // The floor is stored before the sessions end, so a kicked SDK that logs in again at once with its old userSig is refused.
    await this.#store.raiseUserSigFloor(actor.app.sdkAppId, userId, Math.floor(this.#clock.now() / 1000));
    this.#bus.publish(USERS_SUBJECT, { kind: 'user-kick', sdkAppId: actor.app.sdkAppId, userId });
  }

  /** Refuse a userSig issued (`TLS.time`, UNIX seconds) before the user's last kick. */
  async assertSigNotRevoked(sdkAppId: number, userId: string, issuedAtSec: number): Promise<void> {
    const floor = await this.#store.getUserSigFloor(sdkAppId, userId);
    if (issuedAtSec < floor) throw new StadiumError('USERSIG_REVOKED', `the userSig was issued at ${issuedAtSec}, the account was kicked at ${floor}`);
  }
}

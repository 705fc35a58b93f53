/**
 * A member joining or leaving a room, told by the node that holds the member's connection
 * (it knows the platform and the address). Logged-in users only: guests have no account.
 * A resume after a reconnect is not a join, and a dropped connection is not an exit (the
 * member usually comes back within seconds); an explicit quit or a logout is.
 */
import type { Actor } from '../core/actor.js';

/** A join or an exit. */
export interface MembershipEvent {
  kind: 'join' | 'exit';
  /** For exits: the member left (`Quit`) or was removed (`Kicked`). */
  exitType?: 'Quit' | 'Kicked';
  /** The member (with its app, platform and address). */
  actor: Actor;
  groupId: string;
}

/** A listener of membership events; must not throw. */
export type MembershipListener = (event: MembershipEvent) => void;

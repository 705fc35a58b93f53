/**
 * A member joining or leaving a room, told by the node that holds the member's connection
 * (it knows the platform and the address). Logged-in users only: guests have no account.
 * An explicit quit, a logout and a dropped connection are exits (`Quit`); a removal by a ban
 * is an exit of type `Kicked` with the operator. A resume after a reconnect is a join again,
 * so joins and exits stay paired per connection.
 */
import type { Actor } from '../core/actor.js';

/** A join or an exit. */
export interface MembershipEvent {
  kind: 'join' | 'exit';
  /** For exits: the member left (`Quit`) or was removed (`Kicked`). */
  exitType?: 'Quit' | 'Kicked';
  /** For exits: who removed the member (`Kicked`); the member itself when absent. */
  operatorId?: string;
  /** The member (with its app, platform and address). */
  actor: Actor;
  groupId: string;
}

/** A listener of membership events; must not throw. */
export type MembershipListener = (event: MembershipEvent) => void;

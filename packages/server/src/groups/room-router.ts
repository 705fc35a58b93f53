/**
 * Which node is a room's authority, and how to ask it. The authority is picked by rendezvous
 * hashing of the room over the deployment's live nodes (rendezvous.ts, node-membership.ts),
 * so every node agrees without talking and a node joining or leaving moves only the rooms it
 * wins or held; the one authority sequences, rate-limits, counts and decides for the room
 * wherever its members are. Over a changing membership a room lease in the store
 * (authority/authority-host.ts) makes sure two nodes never act as one room's authority.
 */
import { StadiumError } from '@stadium/protocol';
import { authoritySubject, type Bus } from '../bus/bus.js';
import type { AuthorityCommandName, AuthorityCommands, AuthorityRequest } from '../wire/authority-commands.js';
import { staticMembership, type NodeMembership } from './node-membership.js';
import { rendezvousOwner } from './rendezvous.js';

/** A room as the router needs it. */
export interface RoutedRoom {
  readonly sdkAppId: number;
  readonly groupId: string;
  /** The node that is the room's authority (as last routed). */
  readonly authority: string;
}

/** Tries of one request when the authority moves under it. */
const MAX_TRIES = 3;

/** Routes requests to rooms' authorities. */
export class RoomRouter {
  readonly #bus: Bus;
  readonly membership: NodeMembership;

  /** `nodes`: every node of the deployment (a fixed list), or a membership that changes. */
  constructor(bus: Bus, nodes: readonly string[] | NodeMembership) {
    this.#bus = bus;
    this.membership = isMembership(nodes) ? nodes : staticMembership(nodes);
  }

  /** The node that is the authority for a room now. */
  authorityOf(sdkAppId: number, groupId: string): string {
    return rendezvousOwner(sdkAppId, groupId, this.membership.nodes());
  }

  /**
   * Ask a room's authority; a refusal rejects with the StadiumError it names. When the
   * authority is unavailable and the room has moved meanwhile (a node came or went), the
   * request goes to the new authority.
   */
  async call<C extends AuthorityCommandName>(room: RoutedRoom, cmd: C, body: AuthorityCommands[C]['req']): Promise<AuthorityCommands[C]['res']> {
    const request = { cmd, sdkAppId: room.sdkAppId, groupId: room.groupId, body } as AuthorityRequest;
    let target = room.authority;
    for (let tries = 1; ; tries++) {
      try {
        return (await this.#bus.request(authoritySubject(target), request)) as AuthorityCommands[C]['res'];
      } catch (error) {
        const now = this.authorityOf(room.sdkAppId, room.groupId);
        if (tries >= MAX_TRIES || !(error instanceof StadiumError) || error.reason !== 'SERVICE_UNAVAILABLE' || now === target) throw error;
        target = now;
      }
    }
  }
}

function isMembership(nodes: readonly string[] | NodeMembership): nodes is NodeMembership {
  return !Array.isArray(nodes);
}

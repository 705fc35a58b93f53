/**
 * Which node is a room's authority, and how to ask it. The authority is picked by hashing
 * the room over the deployment's nodes, so every node agrees without talking; the one
 * authority sequences, rate-limits, counts and decides for the room wherever its members are.
 */
import { createHash } from 'node:crypto';
import { authoritySubject, type Bus } from '../bus/bus.js';
import type { AuthorityCommandName, AuthorityCommands, AuthorityRequest } from '../wire/authority-commands.js';

/** A room as the router needs it. */
export interface RoutedRoom {
  readonly sdkAppId: number;
  readonly groupId: string;
  /** The node that is the room's authority. */
  readonly authority: string;
}

/** Routes requests to rooms' authorities. */
export class RoomRouter {
  readonly #bus: Bus;
  readonly #nodes: readonly string[];

  /** `nodes`: every node of the deployment, in the same order on each. */
  constructor(bus: Bus, nodes: readonly string[]) {
    if (nodes.length === 0) throw new TypeError('a deployment needs at least one node');
    this.#bus = bus;
    this.#nodes = nodes;
  }

  /** The node that is the authority for a room. */
  authorityOf(sdkAppId: number, groupId: string): string {
    if (this.#nodes.length === 1) return this.#nodes[0]!;
    const digest = createHash('sha256').update(`${sdkAppId}\u0000${groupId}`).digest();
    return this.#nodes[digest.readUInt32BE(0) % this.#nodes.length]!;
  }

  /** Ask a room's authority; a refusal rejects with the StadiumError it names. */
  async call<C extends AuthorityCommandName>(room: RoutedRoom, cmd: C, body: AuthorityCommands[C]['req']): Promise<AuthorityCommands[C]['res']> {
    const request = { cmd, sdkAppId: room.sdkAppId, groupId: room.groupId, body } as AuthorityRequest;
    return (await this.#bus.request(authoritySubject(room.authority), request)) as AuthorityCommands[C]['res'];
  }
}

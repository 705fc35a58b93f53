/**
 * Which node is a room's authority, and how to ask it. The authority is picked by hashing
 * the room over the deployment's nodes, so every node agrees without talking; the one
 * authority sequences, rate-limits and counts for the room wherever its members are.
 */
import { createHash } from 'node:crypto';
import { StadiumError } from '@stadium/protocol';
import { authoritySubject, type Bus, type BusReply, type BusRequest } from '../bus/bus.js';

/** A successful reply. */
export type OkReply = Extract<BusReply, { ok: true }>;

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

  /** Ask a room's authority; a refusal becomes the StadiumError it names. */
  async call(authority: string, request: BusRequest): Promise<OkReply> {
    const reply = await this.#bus.request(authoritySubject(authority), request);
    if (!reply.ok) throw new StadiumError(reply.error, reply.detail);
    return reply;
  }
}

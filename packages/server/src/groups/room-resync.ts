/**
 * Catching a node's rooms up after the bus lost their traffic. When this node's connection to
 * NATS, or the connection of a room's authority, dropped and came back (a `node-reset` marked
 * `reconnected`), the batches the authority published meanwhile may never have reached this
 * node. For every room loaded here with members whose authority is that node, this asks the
 * authority for what came after the last number delivered here (the `members` command with
 * `sinceSeq`, as a resuming join does; it reports the node's member count too), while the room
 * holds its live batches (fanout/room-fanout.ts). The room then delivers the catch-up, then the
 * held batches: in order, each number once, and what the authority no longer held (its resume
 * buffer, `resumeBufferSize`) as a missed-messages notice to the members.
 *
 * Bounded: at most {@link MAX_RESYNCS_IN_FLIGHT} catch-ups are asked at once (the other rooms
 * hold their batches meanwhile, each at most MAX_HELD_ENTRIES), and one catch-up carries at
 * most the authority's resume buffer.
 */
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.js';
import type { Room } from './room.js';
import type { RoomRegistry } from './room-registry.js';
import type { RoomRouter } from './room-router.js';

/** Catch-up requests this node has on their way at most; the other rooms wait their turn. */
export const MAX_RESYNCS_IN_FLIGHT = 8;

/** What a {@link RoomResync} needs. */
export interface RoomResyncDeps {
  rooms: RoomRegistry;
  router: RoomRouter;
  nodeId: string;
  logger: Logger;
  metrics: Metrics;
}

/** Catches rooms up after lost bus traffic. */
export class RoomResync {
  readonly #d: RoomResyncDeps;
  /** Rooms waiting for their catch-up to be asked, with their hold IDs (at most one entry per room). */
  readonly #queue = new Map<Room, number>();
  /** Rooms whose catch-up is on its way, and those of them reset again meanwhile (caught up once more after). */
  readonly #inFlight = new Set<Room>();
  readonly #again = new Set<Room>();

  constructor(deps: RoomResyncDeps) {
    this.#d = deps;
  }

  /** Rooms waiting for or receiving a catch-up. */
  get pending(): number {
    return this.#queue.size + this.#inFlight.size;
  }

  /** The traffic of `node` (the authority of some rooms here) may have been lost: catch those rooms up. */
  reconnected(node: string): void {
    if (node === this.#d.nodeId) return;
    for (const room of this.#d.rooms.loaded()) {
      if (room.authority !== node || room.closed || room.fanout.size === 0 || this.#queue.has(room)) continue;
      // Its answer may predate this loss: ask again once it is in.
      if (this.#inFlight.has(room)) this.#again.add(room);
      else this.#queue.set(room, room.fanout.hold());
    }
    this.#pump();
  }

  #pump(): void {
    while (this.#inFlight.size < MAX_RESYNCS_IN_FLIGHT) {
      const next = this.#queue.entries().next();
      if (next.done) return;
      const [room, holdId] = next.value;
      this.#queue.delete(room);
      this.#inFlight.add(room);
      void this.#resync(room, holdId).finally(() => {
        this.#inFlight.delete(room);
        if (this.#again.delete(room) && !room.closed && room.fanout.size > 0) this.#queue.set(room, room.fanout.hold());
        this.#pump();
      });
    }
  }

  async #resync(room: Room, holdId: number): Promise<void> {
    const { fanout } = room;
    const after = fanout.lastSeq;
    try {
      const reply = await this.#d.router.call(room, 'members', { node: this.#d.nodeId, count: room.localCount, lag: room.fanout.lagLevel, sinceSeq: after });
      const resume = reply.resume ?? { entries: [], complete: true };
      fanout.release(holdId, { entries: resume.entries, lastSeq: reply.lastSeq, ...(resume.missed ? { missed: resume.missed } : {}) });
      this.#d.metrics.catchUps.inc({ outcome: resume.missed ? 'gap' : 'complete' });
      if (resume.missed) this.#d.logger.warn({ app: room.sdkAppId, group: room.groupId, ...resume.missed }, 'room messages lost to this node while the bus was down; members told');
    } catch (error) {
      // Unreachable authority: deliver what is held, a jump in its numbers told as a gap.
      fanout.release(holdId, null);
      this.#d.metrics.catchUps.inc({ outcome: 'failed' });
      this.#d.logger.warn({ err: error, app: room.sdkAppId, group: room.groupId, after }, 'room catch-up after the bus came back failed');
    }
  }
}

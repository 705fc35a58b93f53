/**
 * A room as its authority holds it: the stored record, the sequencer (rate limit, priority,
 * sequence numbers, batches), the counters, the member count of every node and the sequence
 * reservation. Exactly one node holds this for a room at a time (see groups/room-router.ts),
 * so everything here is decided once for the whole room.
 */
import type { RoomSettings } from '@stadium/protocol';
import type { ActorStamp } from '../core/actor.js';
import { roleOf, type RoomRole } from '../core/permissions.js';
import type { AppRecord, GroupRecord } from '../core/records.js';
import { effectiveSettings } from '../core/room-settings.js';
import type { TimerHandle } from '../clock/clock.js';
import { RoomCounters } from './room-counters.js';
import type { RoomSequencer } from './room-sequencer.js';

/** Authority-side state of one room. */
export class RoomAuthority {
  app: AppRecord;
  record: GroupRecord;
  readonly sequencer: RoomSequencer;
  readonly counters: RoomCounters;
  readonly #counts = new Map<string, number>();
  #total = 0;
  closed = false;
  /** Pending push of changed counters. */
  counterTimer: TimerHandle | null = null;
  /** End (exclusive) of the sequence numbers reserved in the store. */
  reservedEnd: number;
  /** A renewal of the reservation is in flight. */
  renewing = false;
  /** Last request (for idle unload). */
  idleSince: number;

  constructor(app: AppRecord, record: GroupRecord, sequencer: RoomSequencer, reservedEnd: number, now: number) {
    this.app = app;
    this.record = record;
    this.sequencer = sequencer;
    this.counters = new RoomCounters(record.counters);
    this.reservedEnd = reservedEnd;
    this.idleSince = now;
  }

  get sdkAppId(): number {
    return this.record.sdkAppId;
  }

  get groupId(): string {
    return this.record.groupId;
  }

  /** Members online on all nodes. */
  get memberCount(): number {
    return this.#total;
  }

  /** The settings in force: the room's overrides over the app's defaults. */
  get settings(): RoomSettings {
    return effectiveSettings(this.app, this.record);
  }

  /** Members on the node that holds the most of them. */
  get busiestNodeMembers(): number {
    let max = 0;
    for (const count of this.#counts.values()) if (count > max) max = count;
    return max;
  }

  /** The actor's role in this room, from the current record. */
  roleOf(actor: ActorStamp): RoomRole {
    return roleOf(actor, this.record);
  }

  /** Record how many members `node` holds now. */
  setCount(node: string, count: number): void {
    const before = this.#counts.get(node) ?? 0;
    if (count > 0) this.#counts.set(node, count);
    else this.#counts.delete(node);
    this.#total += count - before;
  }
}

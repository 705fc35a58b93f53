/**
 * A room as its authority holds it: the stored record, the sequencer (rate limit, priority,
 * sequence numbers, batches) and the member count of every node. Exactly one node holds
 * this for a room at a time (see RoomRouter).
 */
import type { RoomSettings } from '@stadium/protocol';
import type { RoomSequencer } from '../messages/room-sequencer.js';
import type { AppRecord, GroupRecord } from '../storage/store.js';
import { effectiveSettings } from './room.js';
import { RoomCounters } from './room-counters.js';

/** Authority-side state of one room. */
export class RoomAuthority {
  app: AppRecord;
  record: GroupRecord;
  readonly sequencer: RoomSequencer;
  readonly counters: RoomCounters;
  readonly #counts = new Map<string, number>();
  #total = 0;
  closed = false;

  constructor(app: AppRecord, record: GroupRecord, sequencer: RoomSequencer) {
    this.app = app;
    this.record = record;
    this.sequencer = sequencer;
    this.counters = new RoomCounters(record.counters);
  }

  /** Members online on all nodes. */
  get memberCount(): number {
    return this.#total;
  }

  get settings(): RoomSettings {
    return effectiveSettings(this.app, this.record);
  }

  /** Members on the node that holds the most of them. */
  get busiestNodeMembers(): number {
    let max = 0;
    for (const count of this.#counts.values()) if (count > max) max = count;
    return max;
  }

  /** Record how many members `node` holds now. */
  setCount(node: string, count: number): void {
    const before = this.#counts.get(node) ?? 0;
    if (count > 0) this.#counts.set(node, count);
    else this.#counts.delete(node);
    this.#total += count - before;
  }
}

/**
 * A room's members on this node and the loop that writes each batch to them. This is the
 * only place that iterates over members: it frames the batch once, then makes one method call
 * per member, and the member does one socket write (see `Connection.deliver`). No encoding,
 * allocation, logging or awaiting happens per recipient.
 */
import type { Bus, BusMessage, Unsubscribe } from '../bus/bus.js';
import type { Clock } from '../clock/clock.js';
import type { Metrics } from '../metrics/metrics.js';
import type { BatchEntry } from '../wire/batch-entry.js';
import type { Recipient } from './recipient.js';
import { buildAttributesFrame, buildCountersFrame, buildMessagesFrame, buildPinsFrame } from './ws-frames.js';

const NO_ENTRIES: readonly BatchEntry[] = Object.freeze([]);

/**
 * Most batch entries a room's fan-out remembers while joins are in flight, for joiners added
 * right after a batch went by (see {@link RoomFanout.entriesAfter}): the gap is a turn of the
 * event loop, so a few batches' worth is plenty. Nothing is remembered while no join is in
 * flight.
 */
export const FANOUT_RECENT_ENTRIES = 256;

/** Local members of one room, subscribed to the room's bus subject. */
export class RoomFanout {
  readonly #members = new Set<Recipient>();
  readonly #metrics: Metrics;
  /** For the fan-out latency histogram (none: not measured). */
  readonly #clock: Clock | undefined;
  readonly #unsubscribe: Unsubscribe;
  /** The newest batch entries that went by while joins were in flight, oldest first (at most 2 × FANOUT_RECENT_ENTRIES). */
  #recent: BatchEntry[] = [];
  /** Joins in flight (between their request to the authority and their member's add). */
  #joining = 0;
  /** Receives the room's other traffic (closed, updated). */
  onEvent: ((message: BusMessage) => void) | null = null;

  constructor(bus: Bus, subject: string, metrics: Metrics, clock?: Clock) {
    this.#metrics = metrics;
    this.#clock = clock;
    this.#unsubscribe = bus.subscribe(subject, (message) => this.#onBus(message));
  }

  /** Members on this node. */
  get size(): number {
    return this.#members.size;
  }

  has(member: Recipient): boolean {
    return this.#members.has(member);
  }

  /** Add a member; O(1). Returns false if it was already there. */
  add(member: Recipient): boolean {
    if (this.#members.has(member)) return false;
    this.#members.add(member);
    this.#metrics.members.inc();
    return true;
  }

  /** Remove a member; O(1). Returns false if it was not there. */
  remove(member: Recipient): boolean {
    if (!this.#members.delete(member)) return false;
    this.#metrics.members.dec();
    return true;
  }

  /**
   * The entries of batches that went by after `seq`, in order. A joiner's answer from the
   * authority names the room's last sequence number when it was decided; batches published
   * after it can reach this node before the joiner is added here (an answer and the batch
   * behind it may be handled in the same turn, before the join's continuation runs), so the
   * joiner is given those entries as it is added, rather than missing them without a trace.
   */
  entriesAfter(seq: number): BatchEntry[] {
    // Only what went by while a join was in flight is kept (see beginJoin).
    const recent = this.#recent;
    let i = recent.length;
    while (i > 0 && recent[i - 1]!.seq > seq) i--;
    return recent.slice(i);
  }

  /** Every member, for dismissal. */
  members(): Recipient[] {
    return [...this.#members];
  }

  /** Stop receiving the room's traffic and forget the members. */
  dispose(): void {
    this.#unsubscribe();
    this.#metrics.members.dec(this.#members.size);
    this.#members.clear();
  }

  /** A join's request goes to the authority: remember batches until {@link endJoin}. */
  beginJoin(): void {
    this.#joining++;
  }

  /** That join is done (its member added, or refused). */
  endJoin(): void {
    if (--this.#joining <= 0) {
      this.#joining = 0;
      this.#recent = [];
    }
  }

  #remember(entries: readonly BatchEntry[]): void {
    if (this.#joining === 0) return;
    const recent = this.#recent;
    for (const entry of entries) recent.push(entry);
    if (recent.length > FANOUT_RECENT_ENTRIES * 2) this.#recent = recent.slice(-FANOUT_RECENT_ENTRIES);
  }

  #onBus(message: BusMessage): void {
    switch (message.kind) {
      case 'batch': {
        const { groupId, entries } = message;
        this.#remember(entries);
        // Framed once on this node, whatever the number of members.
        const wsFrame = buildMessagesFrame(groupId, entries);
        for (const member of this.#members) member.deliver(groupId, wsFrame, entries);
        const n = this.#members.size;
        this.#metrics.frames.inc(n);
        this.#metrics.deliveries.inc(n * entries.length);
        if (message.at !== undefined && this.#clock && n > 0) this.#metrics.fanoutLatency.observe(Math.max(0, this.#clock.now() - message.at) / 1000);
        return;
      }
      case 'counters': {
        // Totals of every counter: a backlogged member that misses one gets all of them in the next.
        const { groupId } = message;
        const wsFrame = buildCountersFrame(groupId, message.counters);
        for (const member of this.#members) member.deliver(groupId, wsFrame, NO_ENTRIES);
        this.#metrics.frames.inc(this.#members.size);
        return;
      }
      case 'attributes': {
        // Every attribute of the room, after a write (at most 5 a second per room).
        const wsFrame = buildAttributesFrame(message.groupId, message.attributes, message.version);
        for (const member of this.#members) member.deliver(message.groupId, wsFrame, NO_ENTRIES);
        this.#metrics.frames.inc(this.#members.size);
        return;
      }
      case 'pins': {
        // Every pin of the room, after a change (a handful a minute at most, by moderators).
        const wsFrame = buildPinsFrame(message.groupId, message.pins, message.operation, message.seq);
        for (const member of this.#members) member.deliver(message.groupId, wsFrame, NO_ENTRIES);
        this.#metrics.frames.inc(this.#members.size);
        return;
      }
      case 'direct': {
        // Rare (a notice for a few members): one pass, framed once, written to the named users.
        const wanted = new Set(message.userIds);
        let wsFrame: Buffer | null = null;
        let n = 0;
        for (const member of this.#members) {
          if (member.userId === null || !wanted.has(member.userId)) continue;
          wsFrame ??= buildMessagesFrame(message.groupId, message.entries);
          member.deliver(message.groupId, wsFrame, message.entries);
          n++;
        }
        this.#metrics.frames.inc(n);
        this.#metrics.deliveries.inc(n * message.entries.length);
        return;
      }
      case 'members-removed': {
        // Rare (a ban): tell the named users' connections first, then let the registry remove them.
        const wanted = new Set(message.userIds);
        let wsFrame: Buffer | null = null;
        for (const member of this.#members) {
          if (member.userId === null || !wanted.has(member.userId)) continue;
          wsFrame ??= buildMessagesFrame(message.groupId, message.entries);
          member.deliver(message.groupId, wsFrame, message.entries);
        }
        this.onEvent?.(message);
        return;
      }
      case 'room-updated':
      case 'room-closed':
      case 'node-reset':
        this.onEvent?.(message);
        return;
      case 'user-message':
      case 'user-kick':
        // Published on the users subject, never on a room's.
        return;
    }
  }
}

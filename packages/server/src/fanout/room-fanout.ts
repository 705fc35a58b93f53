/**
 * A room's members on this node and the loop that writes each batch to them. This is the
 * only place that iterates over members: it frames the batch once, then makes one method call
 * per member, and the member does one socket write (see `Connection.deliver`). No encoding,
 * allocation, logging or awaiting happens per recipient.
 *
 * It remembers the last sequence number it delivered, and never delivers a number twice. While
 * a catch-up is on its way (groups/room-resync.ts, after the bus lost traffic) it holds the
 * room's batches, at most {@link MAX_HELD_ENTRIES} messages, and then delivers the catch-up
 * first, the held batches after it: in order, each number once, and a gap it cannot fill as a
 * notice (fanout/missed-notice.ts).
 */
import type { Bus, BusMessage, Unsubscribe } from '../bus/bus.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Metrics } from '../metrics/metrics.js';
import type { BatchEntry } from '../wire/batch-entry.js';
import { FanoutLag, type FanoutLagOptions } from './fanout-lag.js';
import { missedNotice } from './missed-notice.js';
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

/**
 * Messages a room holds at most while its catch-up is on its way; past it the room stops
 * waiting, tells its members of the gap before the held messages and delivers them.
 */
export const MAX_HELD_ENTRIES = 1000;

/** What a catch-up brought: the messages after the room's last delivered one that its authority still held. */
export interface CatchUp {
  /** Oldest first. */
  readonly entries: readonly BatchEntry[];
  /** Numbers the authority no longer held (inclusive). */
  readonly missed?: { fromSeq: number; toSeq: number };
  /** The room's last number at its authority when it answered. */
  readonly lastSeq: number;
}

interface Held {
  entries: readonly BatchEntry[];
  at: number | undefined;
}

/**
 * Messages a merged window holds at most (see fanout/fanout-lag.ts); past it the pass runs at
 * once. At a room's 40 messages/s a 1 s window holds 40.
 */
export const MAX_MERGED_ENTRIES = 256;

/** Local members of one room, subscribed to the room's bus subject. */
export class RoomFanout {
  readonly #members = new Set<Recipient>();
  readonly #groupId: string;
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
  /** The last sequence number delivered to the room's members here, or waiting in a merged window (0: none yet). */
  #lastSeq = 0;
  /** Batches held while a catch-up is on its way (null: not holding). */
  #held: Held[] | null = null;
  #heldEntries = 0;
  /** Which hold is on (a late catch-up of an earlier one is ignored). */
  #holdId = 0;
  /** A catch-up failed: a jump in the next batch's numbers is a gap to report. */
  #suspect = false;
  /** How late the passes run (none without a clock or lag options: every batch is written as it arrives). */
  readonly #lag: FanoutLag | null;
  /** Batches merged into the next pass while the room runs late (null: none waiting). */
  #merged: { entries: BatchEntry[]; at: number | undefined; delayMs: number | undefined; dueAt: number } | null = null;
  #mergeTimer: TimerHandle | null = null;
  #lastPassAt = -Infinity;
  /** Told when the room's lag level changes (to report it to the room's authority). */
  onLagLevel: ((level: number) => void) | null = null;

  constructor(bus: Bus, groupId: string, subject: string, metrics: Metrics, clock?: Clock, lag?: FanoutLagOptions) {
    this.#groupId = groupId;
    this.#metrics = metrics;
    this.#clock = clock;
    this.#lag = clock && lag ? new FanoutLag(lag) : null;
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
    return this.#recent.filter((entry) => entry.seq > seq);
  }

  /** Every member, for dismissal. */
  members(): Recipient[] {
    return [...this.#members];
  }

  /** The last sequence number delivered to the room's members here (0: none yet). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The room's degradation level on this node (0: it keeps up; see fanout/fanout-lag.ts). */
  get lagLevel(): number {
    return this.#lag?.level ?? 0;
  }

  /** The least time between two passes now (0: batches are written as they arrive). */
  get spacingMs(): number {
    return this.#lag?.spacingMs ?? 0;
  }

  /**
   * `entries` without those waiting in a merged window: the next pass writes them to every
   * member, a joiner added now included (a resume must not carry them twice).
   */
  withoutMerged(entries: readonly BatchEntry[]): readonly BatchEntry[] {
    const first = this.#merged?.entries.find((entry) => entry.seq > 0);
    if (!first) return entries;
    return entries.filter((entry) => entry.seq === 0 || entry.seq < first.seq);
  }

  /** Whether batches are held for a catch-up. */
  get holding(): boolean {
    return this.#held !== null;
  }

  /**
   * The room's members here have everything up to `seq` (a join's answer: what its authority
   * had published by then reached this node before the answer).
   */
  caughtUp(seq: number): void {
    if (this.#held === null && seq > this.#lastSeq) this.#lastSeq = seq;
  }

  /** Hold the room's batches until {@link release} (a catch-up is on its way); returns the hold's ID. */
  hold(): number {
    // What waits in a merged window was received before the hold: it goes first.
    this.#flushMerged();
    if (this.#held === null) {
      this.#held = [];
      this.#heldEntries = 0;
      this.#holdId++;
    }
    return this.#holdId;
  }

  /**
   * End hold `holdId` (nothing if it already ended): deliver `catchUp`, then the held batches,
   * each number above the last delivered once, and the gaps neither fills as a notice first.
   * Without a catch-up (it failed) the gap before the first held batch is the one reported,
   * or, with nothing held, the one before the next batch.
   */
  release(holdId: number, catchUp: CatchUp | null): void {
    const held = this.#held;
    if (held === null || holdId !== this.#holdId) return;
    this.#held = null;
    this.#heldEntries = 0;
    let notice: BatchEntry | undefined;
    const entries: BatchEntry[] = [];
    let top = this.#lastSeq;
    const take = (entry: BatchEntry): void => {
      if (entry.seq <= top) return;
      entries.push(entry);
      top = entry.seq;
    };
    if (catchUp) {
      // The room's numbering restarted (dismissed and created again): start from its new numbers.
      if (catchUp.lastSeq < this.#lastSeq) top = this.#lastSeq = catchUp.lastSeq;
      const { missed } = catchUp;
      if (missed && missed.toSeq > top) notice = missedNotice(Math.max(missed.fromSeq, top + 1), missed.toSeq, this.#now());
      for (const entry of catchUp.entries) take(entry);
    } else if (held.length === 0) {
      this.#suspect = true;
    }
    for (const batch of held) for (const entry of batch.entries) take(entry);
    const first = entries[0];
    if (!catchUp && first && first.seq > this.#lastSeq + 1 && this.#lastSeq > 0) notice = missedNotice(this.#lastSeq + 1, first.seq - 1, this.#now());
    const at = held.length > 0 ? held[held.length - 1]!.at : undefined;
    if (notice) entries.unshift(notice);
    if (entries.length > 0) this.#deliverBatch(entries, at);
  }

  #now(): number {
    return this.#clock?.now() ?? 0;
  }

  /** Stop receiving the room's traffic and forget the members. */
  dispose(): void {
    this.#unsubscribe();
    if (this.#mergeTimer !== null) this.#clock?.clearTimeout(this.#mergeTimer);
    this.#mergeTimer = null;
    this.#merged = null;
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

  /**
   * Write room messages (in sequence order, seq-0 notices among them) to every member, framed
   * once. `delayMs`: how late the latest of them arrived (now − its publish time, when it
   * came), for the lag measure; the time a merged window waited on purpose is not lag.
   */
  #deliverBatch(entries: readonly BatchEntry[], at: number | undefined, delayMs?: number): void {
    const groupId = this.#groupId;
    this.#remember(entries);
    for (let i = entries.length - 1; i >= 0; i--) {
      const seq = entries[i]!.seq;
      if (seq > 0) {
        this.#lastSeq = seq;
        break;
      }
    }
    const clock = this.#clock;
    const start = clock?.now() ?? 0;
    // Framed once on this node, whatever the number of members.
    const wsFrame = buildMessagesFrame(groupId, entries);
    for (const member of this.#members) member.deliver(groupId, wsFrame, entries);
    const n = this.#members.size;
    this.#metrics.frames.inc(n);
    this.#metrics.deliveries.inc(n * entries.length);
    if (!clock) return;
    const now = clock.now();
    this.#lastPassAt = now;
    if (at === undefined || n === 0) return;
    this.#metrics.fanoutLatency.observe(Math.max(0, now - at) / 1000);
    const lag = this.#lag;
    if (lag === null) return;
    const level = lag.level;
    const spacing = lag.spacingMs;
    // How late the pass ends: the arrival's delay plus the pass itself.
    if (lag.passed((delayMs ?? start - at) + (now - start), now)) {
      this.#metrics.fanoutLagSteps.inc({ direction: lag.level > level ? 'up' : 'down' });
      this.onLagLevel?.(lag.level);
    } else if (lag.spacingMs !== spacing) {
      this.#metrics.fanoutLagSteps.inc({ direction: lag.spacingMs > spacing ? 'up' : 'down' });
    }
  }

  /**
   * A batch to write: at once while the room keeps up; while it runs late, merged into the
   * next pass, {@link FanoutLag.spacingMs} after the last one. A High message or a notice
   * shortens the wait to half of it, below lag level 2; from level 2 on it waits like the rest
   * (at most `maxSpacingMs`), so that the number of passes stays bounded.
   */
  #offer(entries: readonly BatchEntry[], at: number | undefined): void {
    const clock = this.#clock;
    const lag = this.#lag;
    const spacing = lag?.spacingMs ?? 0;
    const now = clock?.now() ?? 0;
    const delay = at === undefined ? undefined : now - at;
    if (this.#merged === null && (spacing === 0 || !clock || now - this.#lastPassAt >= spacing)) {
      this.#deliverBatch(entries, at, delay);
      return;
    }
    let merged = this.#merged;
    if (merged === null) merged = this.#merged = { entries: [], at, delayMs: delay, dueAt: Infinity };
    else this.#metrics.fanoutMerged.inc();
    for (const entry of entries) {
      merged.entries.push(entry);
      // Taken: a copy of it that comes again (after a catch-up) is not taken twice.
      if (entry.seq > this.#lastSeq) this.#lastSeq = entry.seq;
    }
    if (at !== undefined && (merged.at === undefined || at < merged.at)) merged.at = at;
    if (delay !== undefined && (merged.delayMs === undefined || delay > merged.delayMs)) merged.delayMs = delay;
    const urgent = (lag?.level ?? 0) < 2 && entries.some((entry) => entry.rank === 0);
    const dueAt = this.#lastPassAt + (urgent ? spacing / 2 : spacing);
    if (merged.entries.length >= MAX_MERGED_ENTRIES || !clock || now >= dueAt) {
      this.#flushMerged();
      return;
    }
    if (dueAt < merged.dueAt) {
      merged.dueAt = dueAt;
      if (this.#mergeTimer !== null) clock.clearTimeout(this.#mergeTimer);
      this.#mergeTimer = clock.setTimeout(() => this.#flushMerged(), dueAt - now);
    }
  }

  #flushMerged(): void {
    if (this.#mergeTimer !== null) {
      this.#clock?.clearTimeout(this.#mergeTimer);
      this.#mergeTimer = null;
    }
    const merged = this.#merged;
    if (merged === null) return;
    this.#merged = null;
    this.#deliverBatch(merged.entries, merged.at, merged.delayMs);
  }

  /** Hold a batch for the catch-up; past {@link MAX_HELD_ENTRIES} stop waiting for it. */
  #holdBatch(entries: readonly BatchEntry[], at: number | undefined): void {
    this.#held!.push({ entries, at });
    this.#heldEntries += entries.length;
    if (this.#heldEntries > MAX_HELD_ENTRIES) this.release(this.#holdId, null);
  }

  #onBus(message: BusMessage): void {
    switch (message.kind) {
      case 'batch': {
        if (this.#held !== null) {
          this.#holdBatch(message.entries, message.at);
          return;
        }
        const { entries } = message;
        const first = entries[0];
        if (first === undefined) return;
        if (message.at !== undefined && this.#clock) this.#lag?.arrived(message.at, this.#clock.now());
        // The common case: newer than the last delivered, and nothing to report.
        if (first.seq > this.#lastSeq && !this.#suspect) {
          this.#offer(entries, message.at);
          return;
        }
        const fresh = entries.filter((entry) => entry.seq > this.#lastSeq);
        if (fresh.length === 0) return;
        if (this.#suspect) {
          this.#suspect = false;
          const from = this.#lastSeq + 1;
          if (this.#lastSeq > 0 && fresh[0]!.seq > from) fresh.unshift(missedNotice(from, fresh[0]!.seq - 1, this.#now()));
        }
        this.#offer(fresh, message.at);
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

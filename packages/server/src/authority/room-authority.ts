/**
 * A room as its authority holds it: the stored record, the sequencer (rate limit, priority,
 * sequence numbers, batches), the counters, the member count of every node and the sequence
 * reservation. Exactly one node holds this for a room at a time (see groups/room-router.ts),
 * so everything here is decided once for the whole room.
 */
import type { PinnedMessage, RoomSettings } from '@stadium/protocol';
import type { ActorStamp } from '../core/actor.js';
import { roleOf, type RoomRole } from '../core/permissions.js';
import type { AppRecord, GroupRecord } from '../core/records.js';
import { effectiveSettings } from '../core/room-settings.js';
import type { TimerHandle } from '../clock/clock.js';
import { MAX_LAG_LEVEL } from '../fanout/fanout-lag.js';
import { RoomCounters } from '../core/room-counters.js';
import type { RoomSequencer } from './room-sequencer.js';
import { RoomModeration } from './room-moderation.js';
import { ReviewQueue } from './review-queue.js';
import type { RoomHistory } from './room-history.js';
import type { ResumeWindowWriter } from './resume-window-writer.js';
import { DEFAULT_DEDUPE_MAX_KEYS, DEFAULT_DEDUPE_WINDOW_MS, RecentSends } from './recent-sends.js';

/** Most senders a room's slow mode remembers at once. */
export const SLOW_MODE_MAX_SENDERS = 100_000;

/** Authority-side state of one room. */
export class RoomAuthority {
  app: AppRecord;
  record: GroupRecord;
  readonly sequencer: RoomSequencer;
  readonly counters: RoomCounters;
  /** Admins, timed mutes and bans (stored; see room-moderation.ts). */
  readonly moderation: RoomModeration;
  /** Messages held for review (stored; see review-handlers.ts). */
  readonly review: ReviewQueue;
  /** History for late joiners and the whole record (see room-history.ts); set by the host right after construction. */
  history!: RoomHistory;
  /** Writes the resume window to the Store (see resume-window-writer.ts); set by the host right after construction. */
  resumeWindow!: ResumeWindowWriter;
  readonly #counts = new Map<string, number>();
  /** Nodes whose passes run late, and their level (at most one entry per node with members). */
  readonly #lagLevels = new Map<string, number>();
  #total = 0;
  #lastOrdinal = 0;
  closed = false;
  /** When the room's last attribute writes were accepted (ms), oldest first; at most ATTRIBUTE_WRITES_PER_SEC. */
  readonly attributeWrites: number[] = [];
  /** The room's attributes and their version (the authority's own copy; `record` may hold an older one). */
  attributes: Record<string, string>;
  attributesVersion: number;
  /** The attribute write in progress (writes run one at a time). */
  attributeChain: Promise<unknown> = Promise.resolve();
  /** The room's pinned messages, oldest pin first (see pin-handlers.ts). */
  pins: PinnedMessage[];
  /** The pin change in progress (changes run one at a time). */
  pinChain: Promise<unknown> = Promise.resolve();
  /** Removes the earliest expiring pin when it lapses. */
  pinTimer: TimerHandle | null = null;
  /** Pending push of changed counters. */
  counterTimer: TimerHandle | null = null;
  /** End (exclusive) of the sequence numbers reserved in the store. */
  reservedEnd: number;
  /** A renewal of the reservation is in flight. */
  renewing = false;
  /** The room lease's epoch this authority holds (0: no leases, a fixed deployment). */
  leaseEpoch = 0;
  /** Until when (this node's clock, ms) this authority may act without renewing the lease. */
  leaseValidUntil = Infinity;
  /** Last request (for idle unload). */
  idleSince: number;
  /** Slow mode: when each member last sent (ms), oldest first (bounded; see {@link slowModeWait}). */
  readonly #lastSends = new Map<string, number>();
  /** Recent sends by sender + client message ID or REST `Random`, for idempotent sends (bounded; see recent-sends.ts). */
  readonly sends: RecentSends;

  constructor(
    app: AppRecord,
    record: GroupRecord,
    sequencer: RoomSequencer,
    reservedEnd: number,
    now: number,
    moderation = new RoomModeration(),
    review = new ReviewQueue(),
    sends = new RecentSends({ windowMs: DEFAULT_DEDUPE_WINDOW_MS, maxKeys: DEFAULT_DEDUPE_MAX_KEYS }),
  ) {
    this.app = app;
    this.record = record;
    this.sequencer = sequencer;
    this.counters = new RoomCounters(record.counters);
    this.attributes = record.attributes;
    this.attributesVersion = record.attributesVersion;
    this.pins = record.pinnedMessages;
    this.moderation = moderation;
    this.review = review;
    this.sends = sends;
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

  /** The actor's role in this room, from the current record and admins. */
  roleOf(actor: Pick<ActorStamp, 'userId' | 'kind'>): RoomRole {
    return roleOf(actor, this.record, (userId) => this.moderation.isAdmin(userId));
  }

  /**
   * Slow mode: how many ms `userId` must still wait before sending at `now` with an interval of
   * `intervalMs` (0: may send, and the send is recorded). At most {@link SLOW_MODE_MAX_SENDERS}
   * senders are remembered; past it the oldest are forgotten.
   */
  slowModeWait(userId: string, now: number, intervalMs: number): number {
    const last = this.#lastSends.get(userId);
    if (last !== undefined && now - last < intervalMs) return intervalMs - (now - last);
    for (const [user, at] of this.#lastSends) {
      if (now - at < intervalMs && this.#lastSends.size < SLOW_MODE_MAX_SENDERS) break;
      this.#lastSends.delete(user);
    }
    this.#lastSends.delete(userId);
    this.#lastSends.set(userId, now);
    return 0;
  }

  /** Record how many members `node` holds now. */
  /** Nodes that report members of the room now. */
  nodesWithMembers(): string[] {
    return [...this.#counts.keys()];
  }

  /**
   * The next join ordinal: increasing for the room and, since it follows the clock (1,000 a
   * millisecond), across a restart or a change of authority too.
   */
  nextOrdinal(now: number): number {
    this.#lastOrdinal = Math.max(this.#lastOrdinal + 1, now * 1000);
    return this.#lastOrdinal;
  }

  /** A node's member count, and the room's lag level there (0–3; a node without members has none). */
  setCount(node: string, count: number, lag = 0): void {
    const before = this.#counts.get(node) ?? 0;
    if (count > 0) this.#counts.set(node, count);
    else this.#counts.delete(node);
    this.#total += count - before;
    const level = count > 0 && Number.isInteger(lag) ? Math.min(MAX_LAG_LEVEL, Math.max(0, lag)) : 0;
    if (level > 0) this.#lagLevels.set(node, level);
    else this.#lagLevels.delete(node);
  }

  /**
   * How far the room degrades: the highest lag level any node reported (fanout/fanout-lag.ts).
   * The downstream cap samples lower priorities away by it (authority/room-sequencer.ts).
   */
  get lagLevel(): number {
    let max = 0;
    for (const level of this.#lagLevels.values()) if (level > max) max = level;
    return max;
  }
}

/**
 * The authority of one room: every message bound for the room passes through here, on
 * exactly one process, which makes the room's decisions — rate limit and priority shedding,
 * sequence numbers, batching — once for all its members wherever they are connected. Admitted
 * batches are encoded once and published on the bus; nothing here knows about sockets.
 *
 * Messages wait at most one batch window. At the end of a window the pending messages are
 * ordered by priority (High first, arrival order within a priority), admitted against the
 * room's budget, numbered, encoded and published as one batch. High-priority messages and
 * system notices do not wait for the window: in a small room each is published at once, in
 * its own frame; in a big room (where every pass over the members is costly) each ends the
 * window early instead, as soon as the room's write budget allows.
 */
import { StadiumError } from '@stadium/protocol';
import type { WireMessage } from '@stadium/protocol';
import type { Bus } from '../bus/bus.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { PRIORITY_LABELS, type Metrics } from '../metrics/metrics.js';
import type { Admitted, ResumeResult, RoomMessageStats, UnsequencedMessage } from '../wire/authority-commands.js';
import type { ResumeWindowEntry } from '../core/records.js';
import { encodeMessage, type BatchEntry } from '../wire/batch-entry.js';
import { RateLimiter } from './rate-limiter.js';
import { ResumeBuffer } from './resume-buffer.js';

export type { Admitted, UnsequencedMessage } from '../wire/authority-commands.js';

/** A message as it was published, for after-send listeners. */
export interface Published {
  message: WireMessage;
  /** The entry every member received. */
  entry: BatchEntry;
}

/** What a candidate is: a sender's message, a member tip or a system notice. */
type Kind = 'user' | 'tip' | 'notice';

interface Candidate {
  kind: Kind;
  rank: 0 | 1 | 2 | 3;
  message: UnsequencedMessage;
  resolve?: (admitted: Admitted) => void;
  reject?: (error: StadiumError) => void;
}

/** What a sequencer needs from its surroundings. */
export interface RoomSequencerDeps {
  clock: Clock;
  bus: Bus;
  metrics: Metrics;
  /** Uniform random numbers in [0, 1) for sampling. @default Math.random */
  random?: () => number;
}

/** Settings of a sequencer. */
export interface RoomSequencerOptions {
  sdkAppId: number;
  groupId: string;
  subject: string;
  /** First sequence number to assign. */
  nextSeq: number;
  ratePerSec: number;
  tipsPerSec: number;
  /** The window for a room with few members, and the shortest one. */
  batchWindowMs: number;
  /** The longest window, whatever the room's size. @default batchWindowMs */
  batchWindowMaxMs?: number;
  /**
   * Socket writes per second one process should spend on this room. The window grows so that
   * (members on the busiest node) / window stays under it: one frame per member per window.
   * @default Infinity (fixed window)
   */
  fanoutWritesPerSec?: number;
  /** Members on the node that holds the most of them (for the adaptive window). @default () => 0 */
  busiestNodeMembers?: () => number;
  /** Messages per second each member may receive now; 0 = no cap. @default () => 0 */
  downstreamCapPerSec?: () => number;
  /**
   * How late the room's fan-out runs at its slowest node (0–3, fanout/fanout-lag.ts): 1 samples
   * every Lowest message away, 2 every Low one too, 3 also holds Normal to
   * {@link DEGRADED_NORMAL_PER_SEC} per member. High and notices always go out. @default () => 0
   */
  lagLevel?: () => number;
  resumeBufferSize: number;
  /** Messages published longer ago than this are not offered for resume (ms). @default Infinity */
  resumeWindowMs?: number;
  /** The resume window an earlier authority stored (ascending), to start the resume buffer from. @default none */
  resumeSeed?: readonly ResumeWindowEntry[];
  /** Called after each published batch with every entry in it and when it was published (the resume window's writer). */
  onBatch?: (entries: readonly BatchEntry[], atMs: number) => void;
  /** Called after each published batch with the next sequence number (for persistence). */
  onAdvance?: (nextSeq: number) => void;
  /** Called after each published batch with the user messages in it (after-send hooks). */
  onPublished?: (published: readonly Published[]) => void;
  /** First sequence number of this room (resume positions before it belong to an earlier room). @default 1 */
  firstSeq?: number;
}

const RANK: Record<WireMessage['priority'], 0 | 1 | 2 | 3> = { High: 0, Normal: 1, Low: 2, Lowest: 3 };

/**
 * A room whose pass over its members (on the busiest node) takes at least this much of the
 * write budget counts as big: there High ends the window instead of adding a pass of its own.
 * At the default 100,000 writes/s that is from 1,000 members on one node.
 */
const BIG_ROOM_SPACING_MS = 10;

/** Normal messages per second each member receives at most while the room runs late at level 3. */
export const DEGRADED_NORMAL_PER_SEC = 10;

/** The per-room authority. */
export class RoomSequencer {
  readonly #deps: RoomSequencerDeps;
  readonly #o: RoomSequencerOptions;
  readonly #limiter: RateLimiter;
  readonly #tipLimiter: RateLimiter;
  readonly #resume: ResumeBuffer;
  #nextSeq: number;
  #pending: Candidate[] = [];
  #timer: TimerHandle | null = null;
  #timerAt = 0;
  #lastPublishAt = -Infinity;
  #closed = false;
  #downstream: RateLimiter | null = null;
  #degradedNormal: RateLimiter | null = null;
  readonly #stats: RoomMessageStats = { published: 0, shed: 0, sampled: 0 };
  readonly #random: () => number;

  constructor(deps: RoomSequencerDeps, options: RoomSequencerOptions) {
    this.#deps = deps;
    this.#o = options;
    const now = deps.clock.now();
    this.#limiter = new RateLimiter(options.ratePerSec, now);
    this.#tipLimiter = new RateLimiter(options.tipsPerSec, now);
    this.#resume = new ResumeBuffer(options.resumeBufferSize, options.resumeWindowMs);
    if (options.resumeSeed) this.#resume.seed(options.resumeSeed, options.nextSeq);
    this.#nextSeq = options.nextSeq;
    this.#random = deps.random ?? Math.random;
  }

  /** Sequence number of the newest published message (0 if none). */
  /** Members' messages this sequencer published, shed (rate limit) and sampled away (downstream cap), since it took the room. */
  get stats(): RoomMessageStats {
    return { ...this.#stats };
  }

  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  /** Sequence number the next message will get. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /**
   * The current batch window: short for small rooms, longer for big ones so that each member
   * gets one frame per window and the busiest node's writes stay within `fanoutWritesPerSec`.
   */
  get windowMs(): number {
    return Math.max(this.#o.batchWindowMs, this.spacingMs);
  }

  /**
   * The least time between two passes over the room's members that keeps the busiest node
   * within `fanoutWritesPerSec` (at most `batchWindowMaxMs`). Near zero for small rooms, so
   * High goes out at once; in big rooms High waits at most this long.
   */
  get spacingMs(): number {
    const { batchWindowMs, batchWindowMaxMs = batchWindowMs, fanoutWritesPerSec: budget = Infinity, busiestNodeMembers } = this.#o;
    if (!busiestNodeMembers || budget === Infinity) return 0;
    const wanted = Math.round((busiestNodeMembers() * 1000) / budget);
    return Math.min(wanted, Math.max(batchWindowMaxMs, batchWindowMs));
  }

  /** Messages per second the room admits from senders. */
  get ratePerSec(): number {
    return this.#limiter.ratePerSec;
  }

  setRate(ratePerSec: number): void {
    this.#limiter.setRate(ratePerSec, this.#deps.clock.now());
  }

  /** Continue numbering at `nextSeq` if it is ahead (a reservation that was not contiguous). */
  skipTo(nextSeq: number): void {
    if (nextSeq > this.#nextSeq) this.#nextSeq = nextSeq;
  }

  /** Offer a sender's message. Resolves when it is published; rejects with RATE_LIMITED when shed. */
  submit(message: UnsequencedMessage): Promise<Admitted> {
    if (this.#closed) return Promise.reject(new StadiumError('GROUP_NOT_FOUND'));
    const rank = RANK[message.priority];
    this.#deps.metrics.messagesIn.inc({ priority: message.priority });
    return new Promise<Admitted>((resolve, reject) => {
      this.#enqueue({ kind: 'user', rank, message, resolve, reject });
    });
  }

  /** Offer a join / quit tip: limited by the room's tip rate, dropped (and counted) past it. */
  submitTip(message: UnsequencedMessage): void {
    if (this.#closed) return;
    this.#enqueue({ kind: 'tip', rank: RANK[message.priority], message });
  }

  /** Publish a system notice: never limited, flushed at once. */
  submitNotice(message: UnsequencedMessage): void {
    if (this.#closed) return;
    this.#enqueue({ kind: 'notice', rank: 0, message });
  }

  /** What a member that last saw `afterSeq` missed, as far as it is still held. */
  since(afterSeq: number): ResumeResult {
    return this.#resume.since(afterSeq, this.lastSeq, this.#o.firstSeq ?? 1, this.#deps.clock.now());
  }

  /** The published message `seq`, while the resume buffer still holds it. */
  published(seq: number): BatchEntry | undefined {
    return this.#resume.get(seq);
  }

  /** Publish what is pending now and stop; later submissions are refused. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
  }

  #enqueue(candidate: Candidate): void {
    const now = this.#deps.clock.now();
    if (candidate.kind === 'notice' || candidate.rank === 0) {
      const spacing = this.spacingMs;
      if (spacing < BIG_ROOM_SPACING_MS) {
        // A small room: passes over its members are cheap. High and notices go out at once,
        // alone. High does not pull the window's lower-priority messages forward (they still
        // compete for the budget left when it ends); a notice goes out after whatever was
        // offered before it.
        if (candidate.kind === 'notice') this.flush();
        this.#publish([candidate]);
        return;
      }
      // A big room: every pass over its members is expensive, so High ends the window instead
      // of adding a pass — everything pending goes out with it (High first), as soon as the
      // write budget allows.
      this.#pending.push(candidate);
      this.#schedule(Math.max(now, this.#lastPublishAt + spacing));
      if (this.#timerAt <= now) this.flush();
      return;
    }
    const window = this.windowMs;
    if (window === 0) {
      this.#publish([candidate]);
      return;
    }
    this.#pending.push(candidate);
    this.#schedule(Math.max(now + window, this.#lastPublishAt + this.spacingMs));
  }

  /** Make sure the window ends at `at` or earlier. */
  #schedule(at: number): void {
    if (this.#timer !== null) {
      if (this.#timerAt <= at) return;
      this.#deps.clock.clearTimeout(this.#timer);
    }
    this.#timerAt = at;
    this.#timer = this.#deps.clock.setTimeout(() => this.flush(), Math.max(0, at - this.#deps.clock.now()));
  }

  /** End the current window: admit, number, encode and publish what is pending. */
  flush(): void {
    if (this.#timer !== null) {
      this.#deps.clock.clearTimeout(this.#timer);
      this.#timer = null;
    }
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    if (pending.length > 1) pending.sort((a, b) => a.rank - b.rank);
    this.#publish(pending);
  }

  /** Admit, number, encode and publish `candidates` (already in delivery order) as one batch. */
  #publish(candidates: readonly Candidate[]): void {
    const now = this.#deps.clock.now();
    const time = Math.floor(now / 1000);
    const { metrics } = this.#deps;
    const admitted: Candidate[] = [];
    for (const candidate of candidates) {
      if (candidate.kind === 'user' && !this.#limiter.tryTake(candidate.rank, now)) {
        metrics.shed.inc({ priority: PRIORITY_LABELS[candidate.rank] });
        this.#stats.shed++;
        candidate.reject!(new StadiumError('RATE_LIMITED', `room ${this.#o.groupId} admits ${this.#limiter.ratePerSec} messages/s`));
        continue;
      }
      if (candidate.kind === 'tip' && !this.#tipLimiter.tryTake(0, now)) {
        metrics.tipsDropped.inc();
        continue;
      }
      admitted.push(candidate);
    }
    const delivered = this.#sampleDownstream(admitted, now, time);
    if (delivered.length === 0) return;
    this.#lastPublishAt = now;

    const entries: BatchEntry[] = [];
    const seqs: number[] = [];
    const published: Published[] = [];
    for (const candidate of delivered) {
      const seq = this.#nextSeq++;
      const wire: WireMessage = { ...candidate.message, seq, time };
      const entry = encodeMessage(wire);
      entries.push(entry);
      seqs.push(seq);
      if (candidate.kind === 'user') {
        published.push({ message: wire, entry });
        this.#stats.published++;
      }
      metrics.messagesOut.inc({ type: wire.type });
    }
    this.#resume.push(entries, now);
    // The batch crosses the bus once, as data; each node frames it once for its sockets.
    this.#deps.bus.publish(this.#o.subject, { kind: 'batch', sdkAppId: this.#o.sdkAppId, groupId: this.#o.groupId, entries, at: now });
    for (let i = 0; i < delivered.length; i++) delivered[i]!.resolve?.({ seq: seqs[i]!, time });
    this.#o.onBatch?.(entries, now);
    this.#o.onAdvance?.(this.#nextSeq);
    if (published.length > 0) this.#o.onPublished?.(published);
  }

  /**
   * The per-member downstream cap: when a room is capped at K messages/s per member, what
   * exceeds the downstream budget is sampled away, Lowest first, then Low, then Normal;
   * High and notices always go out. Within a priority every message has the same chance
   * (a uniform random sample), so no sender is favoured by arrival order. Every member gets
   * the same sample, so the batch is still encoded once. Sampled-away messages were accepted
   * by the room (their senders are told `sampled`) but get no sequence number.
   *
   * While the room runs late (`lagLevel`), the lowest priorities get no budget at all: Lowest
   * from level 1, Low from 2, and Normal is held to {@link DEGRADED_NORMAL_PER_SEC} at 3.
   */
  #sampleDownstream(admitted: Candidate[], now: number, time: number): Candidate[] {
    const cap = this.#o.downstreamCapPerSec?.() ?? 0;
    const level = this.#o.lagLevel?.() ?? 0;
    if (cap <= 0) this.#downstream = null;
    if (level < 3) this.#degradedNormal = null;
    if (cap <= 0 && level === 0) return admitted;
    if (cap > 0 && (this.#downstream === null || this.#downstream.ratePerSec !== cap)) this.#downstream = new RateLimiter(cap, now);
    if (level >= 3) this.#degradedNormal ??= new RateLimiter(DEGRADED_NORMAL_PER_SEC, now);
    const bucket = this.#downstream;
    const normal = this.#degradedNormal;
    const keep = new Set<Candidate>();
    for (const c of admitted)
      if (c.rank === 0 || c.kind === 'notice') {
        keep.add(c);
        bucket?.tryTake(0, now);
      }
    // Level 1 leaves ranks 1–2 (Normal, Low), level 2 rank 1 only.
    const lowestKept = level === 0 ? 3 : Math.max(1, 3 - level);
    for (let rank = 1; rank <= lowestKept; rank++) {
      const pool = admitted.filter((c) => c.rank === rank && !keep.has(c));
      // Fisher–Yates over the pool, taking from the front while the budget lasts.
      for (let i = 0; i < pool.length; i++) {
        const j = i + Math.floor(this.#random() * (pool.length - i));
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
        if (rank === 1 && normal !== null && !normal.tryTake(0, now)) break;
        if (bucket !== null && !bucket.tryTake(0, now)) break;
        keep.add(pool[i]!);
      }
    }
    if (keep.size === admitted.length) return admitted;
    const delivered: Candidate[] = [];
    for (const c of admitted) {
      if (keep.has(c)) {
        delivered.push(c);
        continue;
      }
      this.#deps.metrics.sampled.inc({ priority: PRIORITY_LABELS[c.rank] });
      this.#stats.sampled++;
      c.resolve?.({ seq: 0, time, sampled: true });
    }
    return delivered;
  }
}

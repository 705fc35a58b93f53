/**
 * A room's history for late joiners and its whole record, kept by the room's authority.
 *
 * The sequencer tells it of every published batch of user messages (after-send); tips,
 * notices, shed and sampled-away messages are never published as user messages, so they are
 * not history. The last `historySize` + {@link HISTORY_SEAM_SLACK} messages stay in memory, so
 * a joiner's read is exact up to the join answer's `lastSeq` (no gap, no duplicate at the seam
 * with live messages): it gets the `historySize` messages before its seam as long as fewer
 * than HISTORY_SEAM_SLACK messages were published since it joined (after that, those still
 * held), and
 * everything goes to the Store in batches: at most one write per {@link HISTORY_WRITE_WINDOW_MS}
 * per room, whatever the number of messages or members. With `keepRecord` the Store keeps up to
 * MAX_RECORD_MESSAGES (core/history-limits.ts) messages of the room; without it, only the last `historySize`.
 */
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { MAX_RECORD_MESSAGES } from '../core/history-limits.js';
import type { HistoryEntry, Store } from '../storage/store.js';
import type { Published } from './room-sequencer.js';

/** Messages held in memory beyond `historySize`, for joiners that read their history while the room goes on. */
export const HISTORY_SEAM_SLACK = 1000;
/** Published messages are written to the Store at most this often per room (one write per window). */
export const HISTORY_WRITE_WINDOW_MS = 250;
/** Most messages waiting for a write; past it the write happens at once. */
export const MAX_PENDING_HISTORY = 10_000;

/** Most bytes of message JSON one record page carries across the bus (at least one message). */
export const RECORD_PAGE_BYTES = 256 * 1024;

/** The history settings in force. */
export interface HistorySettings {
  historySize: number;
  keepRecord: boolean;
}

/** What a room's history needs. */
export interface RoomHistoryDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Write window. @default HISTORY_WRITE_WINDOW_MS */
  writeWindowMs?: number;
}

/** A page of history: oldest first. */
export interface HistoryPage {
  entries: HistoryEntry[];
  /** No older kept message remains below the page. */
  isCompleted: boolean;
}

/** One room's history and record writer. */
export class RoomHistory {
  readonly #d: RoomHistoryDeps;
  readonly #sdkAppId: number;
  readonly #groupId: string;
  readonly #settings: () => HistorySettings;
  /** The newest `historySize` + HISTORY_SEAM_SLACK messages, oldest first (the window before a recent joiner's seam). */
  #tail: HistoryEntry[];
  #pending: HistoryEntry[] = [];
  #timer: TimerHandle | null = null;
  #writes: Promise<void> = Promise.resolve();
  #discarded = false;

  constructor(deps: RoomHistoryDeps, sdkAppId: number, groupId: string, settings: () => HistorySettings, loaded: readonly HistoryEntry[] = []) {
    this.#d = deps;
    this.#sdkAppId = sdkAppId;
    this.#groupId = groupId;
    this.#settings = settings;
    this.#tail = [...loaded];
  }

  /** Take a published batch (after-send). */
  append(published: readonly Published[]): void {
    const { historySize, keepRecord } = this.#settings();
    if (this.#discarded || (historySize === 0 && !keepRecord)) {
      this.#tail = [];
      return;
    }
    for (const { entry } of published) {
      const kept = { seq: entry.seq, json: entry.json };
      if (historySize > 0) this.#tail.push(kept);
      this.#pending.push(kept);
    }
    const held = historySize === 0 ? 0 : historySize + HISTORY_SEAM_SLACK;
    if (this.#tail.length > held) this.#tail.splice(0, this.#tail.length - held);
    if (this.#pending.length >= MAX_PENDING_HISTORY) {
      void this.flush();
      return;
    }
    if (this.#timer === null && this.#pending.length > 0) {
      this.#timer = this.#d.clock.setTimeout(() => void this.flush(), this.#d.writeWindowMs ?? HISTORY_WRITE_WINDOW_MS);
    }
  }

  /** Write what is pending now (one Store write); resolves when every earlier write is done. */
  flush(): Promise<void> {
    if (this.#timer !== null) {
      this.#d.clock.clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#pending.length === 0) return this.#writes;
    const batch = this.#pending;
    this.#pending = [];
    const { historySize, keepRecord } = this.#settings();
    const keep = keepRecord ? MAX_RECORD_MESSAGES : historySize;
    const { store, logger } = this.#d;
    this.#writes = this.#writes
      .then(() => store.appendHistory(this.#sdkAppId, this.#groupId, batch, keep))
      .catch((error: unknown) => {
        logger.warn({ err: error, app: this.#sdkAppId, group: this.#groupId, messages: batch.length }, 'could not store room history');
      });
    return this.#writes;
  }

  /**
   * Forget what is pending and keep nothing more (the room was dismissed or its app deleted);
   * resolves once writes already begun are done, so a later delete removes everything.
   */
  discard(): Promise<void> {
    if (this.#timer !== null) {
      this.#d.clock.clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#pending = [];
    this.#tail = [];
    this.#discarded = true;
    return this.#writes;
  }

  /**
   * The history of a member whose seam is `toSeq`: of the `historySize` messages up to
   * `toSeq`, up to `count` below `beforeSeq`, the newest such, oldest first.
   */
  page(toSeq: number, beforeSeq: number, count: number): HistoryPage {
    const { historySize } = this.#settings();
    const tail = this.#tail;
    let seam = tail.length;
    while (seam > 0 && tail[seam - 1]!.seq > toSeq) seam--;
    const window = historySize === 0 ? [] : tail.slice(Math.max(0, seam - historySize), seam);
    let end = window.length;
    while (end > 0 && window[end - 1]!.seq >= beforeSeq) end--;
    const start = Math.max(0, end - count);
    return { entries: window.slice(start, end), isCompleted: start === 0 };
  }

  /** Stored messages above `afterSeq`, oldest first (the record export); pending ones are written first. */
  async stored(afterSeq: number, limit: number): Promise<HistoryEntry[]> {
    await this.flush();
    const entries = await this.#d.store.listHistory(this.#sdkAppId, this.#groupId, afterSeq, limit);
    let bytes = 0;
    for (let i = 0; i < entries.length; i++) {
      bytes += entries[i]!.json.length;
      if (bytes > RECORD_PAGE_BYTES && i > 0) return entries.slice(0, i);
    }
    return entries;
  }
}

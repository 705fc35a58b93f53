/**
 * Writes a room's resume window to the Store, so it survives a worker crash, a node restart
 * and a change of authority (issue 12): the next authority seeds its resume buffer from it
 * (resume-buffer.ts). Every published entry (user messages, tips, notices) is written, in
 * batches: at most one write per {@link HISTORY_WRITE_WINDOW_MS} per room, whatever the number
 * of messages or members. The Store keeps the newest `resumeBufferSize` entries published
 * within `resumeWindowMs` (and always the newest one, so the next authority knows how far the
 * window was written).
 */
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { ResumeWindowEntry, Store } from '../storage/store.js';
import type { BatchEntry } from '../wire/batch-entry.js';
import { HISTORY_WRITE_WINDOW_MS, MAX_PENDING_HISTORY } from './room-history.js';

/** How long a message stays offered for resume unless configured otherwise: 5 minutes. */
export const DEFAULT_RESUME_WINDOW_MS = 300_000;

/** What a writer needs. */
export interface ResumeWindowWriterDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Write window. @default HISTORY_WRITE_WINDOW_MS */
  writeWindowMs?: number;
}

/** The window a room keeps for resume. */
export interface ResumeWindowSettings {
  /** Most entries kept (the resume buffer's size). */
  size: number;
  /** Entries published longer ago than this are dropped (ms). */
  windowMs: number;
}

/** One room's resume-window writer. */
export class ResumeWindowWriter {
  readonly #d: ResumeWindowWriterDeps;
  readonly #sdkAppId: number;
  readonly #groupId: string;
  readonly #settings: ResumeWindowSettings;
  #pending: ResumeWindowEntry[] = [];
  #timer: TimerHandle | null = null;
  #writes: Promise<void> = Promise.resolve();
  #discarded = false;
  #written = 0;

  constructor(deps: ResumeWindowWriterDeps, sdkAppId: number, groupId: string, settings: ResumeWindowSettings) {
    this.#d = deps;
    this.#sdkAppId = sdkAppId;
    this.#groupId = groupId;
    this.#settings = settings;
  }

  /** Sequence number of the newest entry written so far (0: none yet). */
  get writtenSeq(): number {
    return this.#written;
  }

  /** Take a published batch (every entry, in sequence order) published at `atMs`. */
  append(entries: readonly BatchEntry[], atMs: number): void {
    if (this.#discarded || this.#settings.size === 0) return;
    for (const { seq, rank, json } of entries) this.#pending.push({ seq, rank, json, atMs });
    if (this.#pending.length >= Math.min(MAX_PENDING_HISTORY, this.#settings.size)) {
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
    // More than the window holds would be trimmed at once: write only the newest.
    const batch = this.#pending.slice(-this.#settings.size);
    this.#pending = [];
    const { store, logger, clock } = this.#d;
    const { size, windowMs } = this.#settings;
    const newest = batch[batch.length - 1]!.seq;
    this.#writes = this.#writes
      .then(() => store.appendResumeWindow(this.#sdkAppId, this.#groupId, batch, size, clock.now() - windowMs))
      .then(
        () => {
          this.#written = Math.max(this.#written, newest);
        },
        (error: unknown) => {
          logger.warn({ err: error, app: this.#sdkAppId, group: this.#groupId, messages: batch.length }, 'could not store the resume window');
        },
      );
    return this.#writes;
  }

  /** Forget what is pending and write nothing more (the room was dismissed or its app deleted). */
  discard(): Promise<void> {
    if (this.#timer !== null) {
      this.#d.clock.clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#pending = [];
    this.#discarded = true;
    return this.#writes;
  }
}

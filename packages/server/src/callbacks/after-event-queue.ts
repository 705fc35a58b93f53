/**
 * After-event callbacks (after-send, send exception, joins, exits, dismissal, profile changes,
 * login state): delivered at least once, in the background, so no sender or room waits on a
 * receiver. Each node keeps one bounded queue: at most `maxQueued` events are held (waiting,
 * in flight or waiting for a retry); past it new events are dropped and counted
 * (`stadium_callback_queue_overflow_total`). At most `concurrency` requests are in flight. A
 * failed request (no answer in time, a status other than 200, not JSON) is retried up to
 * `maxAttempts` attempts in all, after `retryBaseMs`, then twice that, and so on, on the
 * injected clock; after the last it is dropped and counted (`stadium_callback_given_up_total`).
 * The queue lives in memory: events still held when the process stops are lost.
 */
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { CallbackCommand } from '../core/app-callbacks.js';
import type { AppRecord } from '../core/records.js';
import type { Metrics } from '../metrics/metrics.js';
import type { CallbackClient, CallbackOrigin } from './callback-client.js';

/** Settings of the queue. */
export interface AfterEventQueueOptions {
  /** Events held at once. */
  maxQueued: number;
  /** Attempts per event, the first included. */
  maxAttempts: number;
  /** Wait before the first retry; doubles each time. */
  retryBaseMs: number;
  /** Requests in flight at once. */
  concurrency: number;
}

interface Job {
  app: AppRecord;
  command: CallbackCommand;
  origin: CallbackOrigin;
  body: Record<string, unknown>;
  attempts: number;
}

/** The per-node after-event queue. */
export class AfterEventQueue {
  readonly #client: CallbackClient;
  readonly #clock: Clock;
  readonly #metrics: Metrics;
  readonly #logger: Logger;
  readonly #o: AfterEventQueueOptions;
  readonly #ready: Job[] = [];
  readonly #retries = new Set<TimerHandle>();
  #held = 0;
  #inFlight = 0;
  #closed = false;
  readonly #idle: Array<() => void> = [];

  constructor(deps: { client: CallbackClient; clock: Clock; metrics: Metrics; logger: Logger }, options: AfterEventQueueOptions) {
    this.#client = deps.client;
    this.#clock = deps.clock;
    this.#metrics = deps.metrics;
    this.#logger = deps.logger;
    this.#o = options;
  }

  /** Events held now (waiting, in flight or waiting for a retry). */
  get size(): number {
    return this.#held;
  }

  /** Queue an event; false (and counted) when the queue is full or closed. */
  push(app: AppRecord, command: CallbackCommand, origin: CallbackOrigin, body: Record<string, unknown>): boolean {
    if (this.#closed || this.#held >= this.#o.maxQueued) {
      this.#metrics.callbackOverflow.inc({ command });
      return false;
    }
    this.#held++;
    this.#metrics.callbackQueue.set(this.#held);
    this.#ready.push({ app, command, origin, body, attempts: 0 });
    this.#pump();
    return true;
  }

  /** Resolves once nothing is waiting or in flight (retries scheduled later do not count). */
  drained(): Promise<void> {
    if (this.#ready.length === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stop: forget what is held (logged), cancel retries. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#retries) this.#clock.clearTimeout(timer);
    this.#retries.clear();
    if (this.#held > 0) this.#logger.warn({ held: this.#held }, 'after-event callbacks not sent before shutdown');
    this.#ready.length = 0;
    this.#held = this.#inFlight;
    this.#metrics.callbackQueue.set(this.#held);
  }

  #pump(): void {
    while (!this.#closed && this.#inFlight < this.#o.concurrency && this.#ready.length > 0) {
      const job = this.#ready.shift()!;
      this.#inFlight++;
      void this.#attempt(job);
    }
    if (this.#ready.length === 0 && this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #attempt(job: Job): Promise<void> {
    job.attempts++;
    if (job.attempts > 1) this.#metrics.callbackRetries.inc({ command: job.command });
    const result = await this.#client.send(job.app, job.command, job.origin, job.body);
    this.#inFlight--;
    if (result.ok || this.#closed) this.#done();
    else if (job.attempts >= this.#o.maxAttempts) {
      this.#metrics.callbackGivenUp.inc({ command: job.command });
      this.#logger.warn({ app: job.app.sdkAppId, command: job.command, attempts: job.attempts, detail: result.detail }, 'after-event callback dropped after its last attempt');
      this.#done();
    } else {
      const timer = this.#clock.setTimeout(
        () => {
          this.#retries.delete(timer);
          if (this.#closed) return;
          this.#ready.push(job);
          this.#pump();
        },
        this.#o.retryBaseMs * 2 ** (job.attempts - 1),
      );
      this.#retries.add(timer);
    }
    this.#pump();
  }

  #done(): void {
    this.#held--;
    this.#metrics.callbackQueue.set(this.#held);
  }
}

/**
 * What every Bus adapter shares, so that request / reply means the same on all of them:
 * correlation ids, the table of pending requests, timeouts on the injected clock, handler
 * wrapping into the reply envelope, "nobody serves", and failing the requests pending at a
 * peer that went away. An adapter only moves messages: it implements publish / subscribe,
 * carries a request to whoever serves its subject ({@link BusBase.transmit}), hands the
 * reply back ({@link BusBase.receiveReply}), runs requests that reach it through
 * {@link BusBase.answer}, and says when a peer dropped ({@link BusBase.peerDropped}); it may
 * let go of a timed-out request's transport state ({@link BusBase.abandoned}).
 */
import { StadiumError } from '@stadium/protocol';
import type { TimerHandle } from '../clock/clock.js';
import type { Bus, BusMessage, BusRequest, RequestOptions, Unsubscribe } from './bus.js';
import { resolveBusOptions, type BusOptions, type ResolvedBusOptions } from './bus-options.js';
import { errorOf, nobodyServes, refusal, refusalOf, serverDropped, type BusReply } from './bus-reply.js';

/** Whom an adapter sent a request to: whatever identifies the peer to the adapter. */
export type BusPeer = object | symbol;

/** A request handler, as given to {@link Bus.serve}. */
export type RequestHandler = (request: BusRequest) => Promise<unknown>;

interface Pending {
  subject: string;
  peer: BusPeer | undefined;
  timer: TimerHandle;
  resolve: (data: unknown) => void;
  reject: (error: StadiumError) => void;
}

/** The base of every Bus adapter. */
export abstract class BusBase implements Bus {
  /** The resolved options. */
  protected readonly options: ResolvedBusOptions;
  readonly #handlers = new Map<string, RequestHandler>();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  protected constructor(options: BusOptions = {}) {
    this.options = resolveBusOptions(options);
  }

  abstract publish(subject: string, message: BusMessage): void;
  abstract subscribe(subject: string, handler: (message: BusMessage) => void): Unsubscribe;

  /**
   * Carry request `id` to whoever serves `subject` and return that peer, or `undefined` when
   * nobody does. The answer comes back through {@link BusBase.receiveReply}.
   */
  protected abstract transmit(id: number, subject: string, request: BusRequest): BusPeer | undefined;
  /** This node starts (`true`) or stops serving `subject`. */
  protected abstract advertise(subject: string, serving: boolean): void;
  /** Let go of the transport; called once, by {@link BusBase.close}. */
  protected abstract shutdown(): Promise<void> | void;

  request(subject: string, request: BusRequest, options?: RequestOptions): Promise<unknown> {
    if (this.#closed) return Promise.reject(new StadiumError('SERVICE_UNAVAILABLE', 'the bus is closed'));
    const id = this.#nextId++;
    const timeoutMs = options?.timeoutMs ?? this.options.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        if (!this.#pending.delete(id)) return;
        reject(new StadiumError('OVERLOADED', `no answer from ${subject} in ${timeoutMs} ms`));
        if (pending.peer !== undefined) this.abandoned(id, pending.peer);
      }, timeoutMs);
      const pending: Pending = { subject, peer: undefined, timer, resolve, reject };
      this.#pending.set(id, pending);
      const peer = this.transmit(id, subject, request);
      if (peer === undefined) this.receiveReply(id, nobodyServes(subject));
      else pending.peer = peer;
    });
  }

  serve(subject: string, handler: RequestHandler): Unsubscribe {
    this.#handlers.set(subject, handler);
    this.advertise(subject, true);
    return () => {
      if (this.#handlers.get(subject) !== handler) return;
      this.#handlers.delete(subject);
      this.advertise(subject, false);
    };
  }

  /** Stop serving, fail this node's pending requests and release the transport. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const subject of this.#handlers.keys()) this.advertise(subject, false);
    this.#handlers.clear();
    for (const id of [...this.#pending.keys()]) this.receiveReply(id, refusal('SERVICE_UNAVAILABLE', 'the bus is closed'));
    await this.shutdown();
  }

  /**
   * Request `id`, sent to `peer`, timed out: its answer will be ignored. An adapter whose
   * transport keeps state per request (a router's table) lets go of it here.
   */
  protected abandoned(_id: number, _peer: BusPeer): void {}

  /** Whether this node serves `subject`. */
  protected serves(subject: string): boolean {
    return this.#handlers.has(subject);
  }

  /**
   * Run a request that reached this node. Never rejects: the handler's result, its
   * StadiumError as a refusal, anything else as INTERNAL_ERROR (reported once through
   * `onHandlerError`), or "nobody serves" when this node does not serve `subject` (any more).
   */
  protected async answer(subject: string, request: BusRequest): Promise<BusReply> {
    const handler = this.#handlers.get(subject);
    if (!handler) return nobodyServes(subject);
    try {
      return { ok: true, data: await handler(request) };
    } catch (error) {
      if (error instanceof StadiumError) return refusalOf(error);
      try {
        this.options.onHandlerError(error, request);
      } catch {
        // The report hook failing must not keep the caller from its INTERNAL_ERROR answer.
      }
      return refusal('INTERNAL_ERROR');
    }
  }

  /** Settle pending request `id` with `reply`; ignored when it already settled (timed out). */
  protected receiveReply(id: number, reply: BusReply): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    this.options.clock.clearTimeout(pending.timer);
    if (reply.ok) pending.resolve(reply.data);
    else pending.reject(errorOf(reply));
  }

  /** `peer` went away: its pending requests fail with SERVICE_UNAVAILABLE now. */
  protected peerDropped(peer: BusPeer): void {
    for (const [id, pending] of this.#pending) if (pending.peer === peer) this.receiveReply(id, serverDropped(pending.subject));
  }
}

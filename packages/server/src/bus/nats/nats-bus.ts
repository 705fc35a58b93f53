/**
 * The Bus over NATS, on the bus base. Every Bus subject is a NATS subject under one prefix,
 * so NATS does the routing by interest: a bus holds one NATS subscription per subject it has
 * subscribers for, and no more, so a node with no member of a room receives none of the
 * room's traffic; a publish crosses NATS once and reaches each subscribed node once (local
 * subscribers get it synchronously, the connection does not echo its own messages).
 *
 * Requests are published with a reply subject of the asking bus; the serving bus answers
 * there. The asker knows whom it waits for: a node's authority subject is served by the bus
 * that said hello for the node; for any other subject the server first sends an ack naming
 * itself when its answer takes longer than a turn of the event loop. NATS's no-responders status is
 * "nobody serves". Peers say hello and goodbye on a subject of their own; a peer that went
 * without goodbye (its process died) is found by probing known peers every `probeMs` on the
 * injected clock: NATS answers a probe to a closed connection's subject with no-responders
 * at once. A dropped peer's pending requests fail with SERVICE_UNAVAILABLE, and this node's
 * CONTROL_SUBJECT subscribers get a `node-reset` for it (as the ClusterHub does for a worker).
 *
 * When the connection to NATS drops, the requests on their way fail with
 * SERVICE_UNAVAILABLE (their answers may be lost); when it comes back (the client
 * resubscribes by itself) the bus says hello again and reports the gap: a `node-reset` marked
 * `reconnected` for every known peer to its own CONTROL_SUBJECT subscribers, and the peers do
 * the same for it.
 */
import { connect, type Msg, type NatsConnection, type Subscription as NatsSubscription } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import type { TimerHandle } from '../../clock/clock.js';
import { CONTROL_SUBJECT, authoritySubject, type BusMessage, type BusRequest, type Unsubscribe } from '../bus.js';
import { BusBase, type BusPeer } from '../bus-base.js';
import type { BusOptions } from '../bus-options.js';
import { nobodyServes, refusal, serverDropped, type BusReply } from '../bus-reply.js';
import { decode, encode, helloSubject, natsSubject, presenceSubject, replySubject, type Hello, type ReplyEnvelope, type RequestEnvelope } from './nats-wire.js';

/** Options of a {@link NatsBus}. */
export interface NatsBusOptions extends BusOptions {
  /** First token of every NATS subject the bus uses; deployments sharing a NATS server use different ones. @default 'stadium' */
  subjectPrefix?: string;
  /** The node this bus carries: peers send `node-reset` for it to their node when it goes or comes back. @default none */
  node?: string;
  /** How often known peers are probed for liveness (on the clock). @default 1000 */
  probeMs?: number;
  /** Peers remembered at most (the nodes of the deployment); hellos beyond it are ignored. @default 1024 */
  maxPeers?: number;
  /** Called with the NATS subject and size of every message this bus sends (`out`) or receives (`in`); for tests and benchmarks. @default none */
  observe?: (direction: 'in' | 'out', natsSubject: string, bytes: number) => void;
}

/** Traffic of one bus on its NATS connection, for tests and benchmarks. */
export interface NatsBusStats {
  /** Messages and bytes published (room traffic, requests, replies, presence). */
  sentMessages: number;
  sentBytes: number;
  /** Messages and bytes received. */
  receivedMessages: number;
  receivedBytes: number;
  /** Times the connection came back after dropping. */
  reconnects: number;
  /** Messages that could not be published (bigger than the server's payload limit on their own). */
  unsent: number;
}

interface Subscribed {
  readonly nats: NatsSubscription;
  readonly handlers: Set<{ handler: (message: BusMessage) => void }>;
}

/** Where a request this bus sent is. */
interface Awaiting {
  readonly subject: string;
  /** The bus that took it, once it said so. */
  server?: string;
}

/** Requests this bus answers itself. */
const SELF: unique symbol = Symbol('self');
/** Requests sent over NATS (the bus tracks their servers itself). */
const REMOTE: unique symbol = Symbol('remote');

const EMPTY = new Uint8Array(0);
const AUTHORITY = authoritySubject('');

/** `nats://a:4222,nats://b:4222` (or `nats://a:4222,b:4222`) as the client's server list. */
export function natsServers(url: string): string[] {
  const [first = '', ...rest] = url.split(',');
  const scheme = /^(nats|tls):\/\//.exec(first)?.[0] ?? 'nats://';
  return [first, ...rest]
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^[a-z]+:\/\//.test(s) ? s : scheme + s));
}

/** The bus over NATS. */
export class NatsBus extends BusBase {
  /** Connect to the NATS servers `url` names (comma-separated) and make a bus on the connection. */
  static async connect(url: string, options: NatsBusOptions = {}): Promise<NatsBus> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: natsServers(url),
        name: options.node ? `stadium ${options.node}` : 'stadium',
        noEcho: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        waitOnFirstConnect: false,
      });
    } catch (error) {
      throw new Error(`cannot connect to NATS at ${url} (${error instanceof Error ? error.message : String(error)}); is nats-server running there?`, { cause: error });
    }
    return new NatsBus(nc, options);
  }

  readonly #nc: NatsConnection;
  readonly #id = randomBytes(8).toString('hex');
  readonly #prefix: string;
  readonly #node: string | undefined;
  readonly #probeMs: number;
  readonly #maxPeers: number;
  readonly #observe: ((direction: 'in' | 'out', natsSubject: string, bytes: number) => void) | undefined;
  readonly #subs = new Map<string, Subscribed>();
  readonly #serving = new Map<string, NatsSubscription>();
  readonly #awaiting = new Map<number, Awaiting>();
  /** Known peers: bus id → the node it carries. */
  readonly #peers = new Map<string, string | undefined>();
  /** The bus carrying each known peer node (whom `authority.<node>` requests wait for). */
  readonly #busOfNode = new Map<string, string>();
  readonly #own: NatsSubscription[] = [];
  readonly #stats: NatsBusStats = { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, reconnects: 0, unsent: 0 };
  /** Told when a peer node comes or goes (membership, groups/node-membership.ts). */
  readonly #nodeListeners = new Set<() => void>();
  #probe: TimerHandle | null = null;
  #connected = true;
  #closed = false;

  /**
   * A bus on `nc`, which must have been opened with `noEcho: true` (the bus delivers its own
   * publishes to its own subscribers itself). The bus closes `nc` when it closes.
   */
  constructor(nc: NatsConnection, options: NatsBusOptions = {}) {
    super(options);
    this.#nc = nc;
    this.#prefix = options.subjectPrefix ?? 'stadium';
    this.#node = options.node;
    this.#probeMs = options.probeMs ?? 1000;
    this.#maxPeers = options.maxPeers ?? 1024;
    this.#observe = options.observe;
    this.#own.push(
      nc.subscribe(`${replySubject(this.#prefix, this.#id)}.*`, { callback: ok((msg) => this.#onReply(msg)) }),
      nc.subscribe(presenceSubject(this.#prefix, this.#id), { callback: ok((msg) => this.#onPresence(msg)) }),
      nc.subscribe(helloSubject(this.#prefix), { callback: ok((msg) => this.#onHello(msg)) }),
    );
    this.#say(helloSubject(this.#prefix), { t: 'hello', bus: this.#id, ...this.#nodeField() });
    void this.#watch();
    this.#scheduleProbe();
  }

  /** This bus's id on NATS (one per connection). */
  get id(): string {
    return this.#id;
  }

  /** Traffic counts so far (a live object). */
  get stats(): Readonly<NatsBusStats> {
    return this.#stats;
  }

  /** Peers known now (their bus ids). */
  get peers(): string[] {
    return [...this.#peers.keys()];
  }

  /** The nodes of the peers known now, this bus's own node (if it carries one) included. */
  liveNodes(): string[] {
    const nodes = new Set<string>(this.#busOfNode.keys());
    if (this.#node !== undefined) nodes.add(this.#node);
    return [...nodes];
  }

  /** Whether the connection to NATS is up now. */
  get connected(): boolean {
    return this.#connected && !this.#closed;
  }

  /** Call `listener` after a peer node came or went. */
  onNodesChanged(listener: () => void): Unsubscribe {
    const entry = (): void => listener();
    this.#nodeListeners.add(entry);
    return () => this.#nodeListeners.delete(entry);
  }

  #nodesChanged(): void {
    for (const listener of [...this.#nodeListeners]) listener();
  }

  /** Resolves once NATS has everything this bus published so far. */
  async flush(): Promise<void> {
    if (!this.#nc.isClosed()) await this.#nc.flush();
  }

  publish(subject: string, message: BusMessage): void {
    if (this.#closed) return;
    this.#deliver(subject, message);
    this.#publishRemote(natsSubject(this.#prefix, subject), message);
  }

  /** Publish to the other nodes; a batch bigger than the server's payload limit goes as several, in order. */
  #publishRemote(subject: string, message: BusMessage): void {
    const data = encode(message);
    const limit = this.#nc.info?.max_payload ?? Infinity;
    if (data.length > limit && (message.kind === 'batch' || message.kind === 'direct' || message.kind === 'members-removed') && message.entries.length > 1) {
      const half = Math.ceil(message.entries.length / 2);
      this.#publishRemote(subject, { ...message, entries: message.entries.slice(0, half) });
      this.#publishRemote(subject, { ...message, entries: message.entries.slice(half) });
      return;
    }
    this.#send(subject, data);
  }

  subscribe(subject: string, handler: (message: BusMessage) => void): Unsubscribe {
    if (this.#closed) return () => undefined;
    const entry = { handler };
    let subscribed = this.#subs.get(subject);
    if (!subscribed) {
      const nats = this.#nc.subscribe(natsSubject(this.#prefix, subject), { callback: ok((msg) => this.#onPublished(subject, msg)) });
      this.#subs.set(subject, (subscribed = { nats, handlers: new Set() }));
    }
    subscribed.handlers.add(entry);
    const mine = subscribed;
    return () => {
      if (!mine.handlers.delete(entry) || mine.handlers.size > 0 || this.#subs.get(subject) !== mine) return;
      this.#subs.delete(subject);
      mine.nats.unsubscribe();
    };
  }

  protected transmit(id: number, subject: string, request: BusRequest): BusPeer | undefined {
    if (this.serves(subject)) {
      void this.answer(subject, request).then((reply) => this.receiveReply(id, reply));
      return SELF;
    }
    if (!this.#connected) {
      queueMicrotask(() => this.receiveReply(id, refusal('SERVICE_UNAVAILABLE', `the connection to NATS is down; ${subject} cannot be reached until it is back`)));
      return REMOTE;
    }
    const server = subject.startsWith(AUTHORITY) ? this.#busOfNode.get(subject.slice(AUTHORITY.length)) : undefined;
    this.#awaiting.set(id, server === undefined ? { subject } : { subject, server });
    const envelope: RequestEnvelope = { request };
    this.#send(natsSubject(this.#prefix, subject), encode(envelope), `${replySubject(this.#prefix, this.#id)}.${id}`);
    return REMOTE;
  }

  protected override abandoned(id: number): void {
    this.#awaiting.delete(id);
  }

  protected advertise(subject: string, serving: boolean): void {
    if (serving && !this.#serving.has(subject)) {
      if (this.#nc.isClosed()) return;
      const nats = this.#nc.subscribe(natsSubject(this.#prefix, subject), { callback: ok((msg) => this.#onRequest(subject, msg)) });
      this.#serving.set(subject, nats);
    } else if (!serving) {
      this.#serving.get(subject)?.unsubscribe();
      this.#serving.delete(subject);
    }
  }

  protected async shutdown(): Promise<void> {
    this.#closed = true;
    if (this.#probe) this.options.clock.clearTimeout(this.#probe);
    this.#probe = null;
    this.#awaiting.clear();
    if (this.#nc.isClosed()) return;
    this.#say(helloSubject(this.#prefix), { t: 'bye', bus: this.#id, ...this.#nodeField() });
    for (const { nats } of this.#subs.values()) nats.unsubscribe();
    this.#subs.clear();
    try {
      await this.#nc.flush();
    } catch {
      // Closing anyway.
    }
    await this.#nc.close();
  }

  #nodeField(): { node?: string } {
    return this.#node === undefined ? {} : { node: this.#node };
  }

  #send(subject: string, data: Uint8Array, reply?: string): void {
    if (this.#nc.isClosed()) return;
    try {
      if (reply === undefined) this.#nc.publish(subject, data);
      else this.#nc.publish(subject, data, { reply });
    } catch {
      // Over the server's payload limit (one message alone) or the connection closing: not sent.
      this.#stats.unsent++;
      return;
    }
    this.#stats.sentMessages++;
    this.#stats.sentBytes += data.length;
    this.#observe?.('out', subject, data.length);
  }

  #say(subject: string, hello: Hello): void {
    this.#send(subject, encode(hello));
  }

  #received(msg: Msg): void {
    this.#stats.receivedMessages++;
    this.#stats.receivedBytes += msg.data.length;
    this.#observe?.('in', msg.subject, msg.data.length);
  }

  #deliver(subject: string, message: BusMessage): void {
    const subscribed = this.#subs.get(subject);
    if (subscribed) for (const { handler } of [...subscribed.handlers]) handler(message);
  }

  #onPublished(subject: string, msg: Msg): void {
    this.#received(msg);
    const message = decode<BusMessage>(msg.data);
    if (message !== undefined) this.#deliver(subject, message);
  }

  #onRequest(subject: string, msg: Msg): void {
    this.#received(msg);
    const reply = msg.reply;
    if (!reply) return;
    const envelope = decode<RequestEnvelope>(msg.data);
    if (!envelope?.request) {
      this.#respond(reply, undefined, refusal('INTERNAL_ERROR', 'the request could not be read'));
      return;
    }
    let answered = false;
    void this.answer(subject, envelope.request).then((result) => {
      answered = true;
      this.#respond(reply, envelope.request, result);
    });
    // Askers know who serves this node's authority subject from its hello.
    if (this.#node !== undefined && subject === authoritySubject(this.#node)) return;
    // A slow answer: tell the asker who holds its request, so it fails at once if this node goes.
    setImmediate(() => {
      if (!answered) this.#send(reply, encode({ t: 'ack', bus: this.#id }));
    });
  }

  #respond(reply: string, request: BusRequest | undefined, result: BusReply): void {
    let data: Uint8Array;
    try {
      data = encode({ t: 'res', reply: result });
    } catch (error) {
      // The result cannot be written as JSON: a handler bug.
      if (request) this.options.onHandlerError(error, request);
      data = encode({ t: 'res', reply: refusal('INTERNAL_ERROR') });
    }
    this.#send(reply, data);
  }

  #onReply(msg: Msg): void {
    this.#received(msg);
    const id = Number(msg.subject.slice(msg.subject.lastIndexOf('.') + 1));
    const awaiting = this.#awaiting.get(id);
    if (!awaiting) return;
    if (msg.headers?.code === 503) {
      this.#awaiting.delete(id);
      this.receiveReply(id, nobodyServes(awaiting.subject));
      return;
    }
    const envelope = decode<ReplyEnvelope>(msg.data);
    if (envelope?.t === 'ack') {
      awaiting.server = envelope.bus;
    } else if (envelope?.t === 'res') {
      this.#awaiting.delete(id);
      this.receiveReply(id, envelope.reply);
    }
  }

  #onPresence(msg: Msg): void {
    this.#received(msg);
    if (msg.reply) {
      this.#send(msg.reply, EMPTY);
      return;
    }
    const hello = decode<Hello>(msg.data);
    if (hello?.t === 'hello') this.#met(hello);
  }

  #onHello(msg: Msg): void {
    this.#received(msg);
    const hello = decode<Hello>(msg.data);
    if (!hello || hello.bus === this.#id) return;
    if (hello.t === 'bye') {
      this.#gone(hello.bus);
      return;
    }
    this.#met(hello);
    this.#say(presenceSubject(this.#prefix, hello.bus), { t: 'hello', bus: this.#id, ...this.#nodeField() });
    // It was cut off: what this node sent it meanwhile is lost; start over with it.
    if (hello.again && hello.node !== undefined) this.#deliver(CONTROL_SUBJECT, { kind: 'node-reset', node: hello.node, reconnected: true });
  }

  #met(hello: Hello): void {
    if (!this.#peers.has(hello.bus) && this.#peers.size >= this.#maxPeers) return;
    this.#peers.set(hello.bus, hello.node);
    if (hello.node === undefined) return;
    const known = this.#busOfNode.has(hello.node);
    this.#busOfNode.set(hello.node, hello.bus);
    if (!known) this.#nodesChanged();
  }

  /** Peer `bus` is gone: fail what waits for it, and tell this node. */
  #gone(bus: string): void {
    if (!this.#peers.has(bus)) return;
    const node = this.#peers.get(bus);
    this.#peers.delete(bus);
    const left = node !== undefined && this.#busOfNode.get(node) === bus;
    if (left) this.#busOfNode.delete(node);
    for (const [id, awaiting] of this.#awaiting) {
      if (awaiting.server !== bus) continue;
      this.#awaiting.delete(id);
      this.receiveReply(id, serverDropped(awaiting.subject));
    }
    if (node !== undefined) this.#deliver(CONTROL_SUBJECT, { kind: 'node-reset', node });
    if (left) this.#nodesChanged();
  }

  #scheduleProbe(): void {
    if (this.#closed) return;
    this.#probe = this.options.clock.setTimeout(() => {
      this.#probe = null;
      if (this.#connected) for (const bus of this.#peers.keys()) this.#probePeer(bus);
      this.#scheduleProbe();
    }, this.#probeMs);
  }

  #probePeer(bus: string): void {
    const subject = presenceSubject(this.#prefix, bus);
    this.#stats.sentMessages++;
    this.#observe?.('out', subject, 0);
    this.#nc.request(subject, EMPTY, { timeout: Math.max(this.#probeMs, 1000) }).then(
      (msg) => this.#received(msg),
      (error: unknown) => {
        if (isNoResponders(error)) this.#gone(bus);
      },
    );
  }

  /** Follow the connection: fail requests when it drops, report the gap when it is back. */
  async #watch(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (this.#closed) return;
      if (status.type === 'disconnect') {
        this.#connected = false;
        for (const [id, awaiting] of [...this.#awaiting]) {
          this.#awaiting.delete(id);
          this.receiveReply(id, refusal('SERVICE_UNAVAILABLE', `the connection to NATS dropped before ${awaiting.subject} answered`));
        }
      } else if (status.type === 'reconnect') {
        this.#connected = true;
        this.#stats.reconnects++;
        this.#say(helloSubject(this.#prefix), { t: 'hello', bus: this.#id, again: true, ...this.#nodeField() });
        for (const node of new Set(this.#peers.values())) if (node !== undefined) this.#deliver(CONTROL_SUBJECT, { kind: 'node-reset', node, reconnected: true });
      }
    }
  }
}

/** A subscription callback that ignores the subscription's errors (it ends with the connection). */
function ok(handle: (msg: Msg) => void): (error: Error | null, msg: Msg) => void {
  return (error, msg) => {
    if (!error) handle(msg);
  };
}

function isNoResponders(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const request = error as Error & { isNoResponders?: () => boolean };
  return error.name === 'NoRespondersError' || request.isNoResponders?.() === true;
}

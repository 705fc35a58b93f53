/**
 * A real HTTP callback receiver for tests (node:http on port 0), like an app's backend: it
 * records every callback request (query, body, signature header) and answers with what the
 * test's `answer` function decides — at once, later (a held promise), or never.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A parsed callback body; tests read it field by field, as a receiver would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, checked by the assertions
export type CallbackBody = Record<string, any>;

/** One request as the receiver got it. */
export interface ReceivedCallback {
  command: string;
  query: URLSearchParams;
  /** The parsed JSON body. */
  body: CallbackBody;
  /** The body exactly as sent (what the signature covers). */
  raw: string;
  headers: IncomingHttpHeaders;
}

/** What to answer: an HTTP status and a JSON body (default 200 and the OK envelope). */
export interface CallbackReply {
  status?: number;
  body?: unknown;
}

/** The OK envelope. */
export const OK_REPLY = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } as const;

/** A running receiver. */
export class CallbackReceiver {
  readonly #server: Server;
  readonly url: string;
  readonly received: ReceivedCallback[] = [];
  /** Decides each answer; replace it in a test. */
  answer: (cb: ReceivedCallback) => CallbackReply | Promise<CallbackReply> = () => ({});
  #waiters: Array<{ match: (cb: ReceivedCallback) => boolean; resolve: (cb: ReceivedCallback) => void }> = [];

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  /** Start on 127.0.0.1, port 0, at `path`. */
  static async start(path = '/im/callback'): Promise<CallbackReceiver> {
    const holder: { receiver?: CallbackReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const query = new URL(req.url ?? '/', 'http://x').searchParams;
        const cb: ReceivedCallback = { command: query.get('CallbackCommand') ?? '', query, body: JSON.parse(raw) as CallbackBody, raw, headers: req.headers };
        const receiver = holder.receiver!;
        receiver.#record(cb);
        void Promise.resolve(receiver.answer(cb)).then(
          (reply) => {
            if (res.destroyed) return;
            res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
            res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? OK_REPLY));
          },
          () => res.destroy(),
        );
      });
    });
    // Callback connections are kept alive by the server's pool; close() must not wait for them.
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.receiver = new CallbackReceiver(server, `http://127.0.0.1:${port}${path}`);
    return holder.receiver;
  }

  /** Requests of one command, in arrival order. */
  of(command: string): ReceivedCallback[] {
    return this.received.filter((cb) => cb.command === command);
  }

  /** The first request (already received or future) that matches. */
  next(match: (cb: ReceivedCallback) => boolean): Promise<ReceivedCallback> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  /** Resolves once `count` requests match. */
  async count(match: (cb: ReceivedCallback) => boolean, count: number): Promise<ReceivedCallback[]> {
    for (;;) {
      const seen = this.received.filter(match);
      if (seen.length >= count) return seen;
      await new Promise<void>((resolve) => this.#waiters.push({ match, resolve: () => resolve() }));
    }
  }

  #record(cb: ReceivedCallback): void {
    this.received.push(cb);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(cb)) return true;
      w.resolve(cb);
      return false;
    });
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

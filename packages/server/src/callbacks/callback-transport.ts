/**
 * How callback requests reach an app's receiver: HTTP POST with undici, one connection pool per
 * receiver origin (kept alive and reused, as the compatible service does), at most
 * `maxOrigins` pools (the least recently used one is closed past it). Answers are read up to
 * `maxAnswerBytes`; a longer answer is a failure. The caller's AbortSignal ends a request
 * (the dispatcher aborts on its own timeout, on the injected clock); undici's own timeouts
 * only back that up.
 */
import { Pool } from 'undici';

/** A receiver's answer. */
export interface CallbackHttpAnswer {
  status: number;
  /** The answer body as text. */
  body: string;
}

/** The port the dispatcher sends through (tests may inject a faulty one). */
export interface CallbackTransport {
  post(url: URL, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<CallbackHttpAnswer>;
  close(): Promise<void>;
}

/** Settings of {@link UndiciCallbackTransport}. */
export interface UndiciCallbackTransportOptions {
  /** Connections per receiver origin. @default 16 */
  connectionsPerOrigin?: number;
  /** Receiver origins with an open pool. @default 256 */
  maxOrigins?: number;
  /** Longest answer read. @default 65536 */
  maxAnswerBytes?: number;
  /** Backstop for headers and body, in case a request is never aborted. @default 35000 */
  backstopTimeoutMs?: number;
}

/** A pooled undici transport. */
export class UndiciCallbackTransport implements CallbackTransport {
  readonly #pools = new Map<string, Pool>();
  readonly #o: Required<UndiciCallbackTransportOptions>;

  constructor(options: UndiciCallbackTransportOptions = {}) {
    this.#o = { connectionsPerOrigin: 16, maxOrigins: 256, maxAnswerBytes: 65_536, backstopTimeoutMs: 35_000, ...options };
  }

  /** Open pools now (for tests and metrics). */
  get poolCount(): number {
    return this.#pools.size;
  }

  async post(url: URL, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<CallbackHttpAnswer> {
    const pool = this.#pool(url.origin);
    const answer = await pool.request({
      method: 'POST',
      path: `${url.pathname}${url.search}`,
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
      body,
      signal,
      headersTimeout: this.#o.backstopTimeoutMs,
      bodyTimeout: this.#o.backstopTimeoutMs,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.#o.maxAnswerBytes) {
        answer.body.destroy();
        throw new Error(`answer longer than ${this.#o.maxAnswerBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return { status: answer.statusCode, body: Buffer.concat(chunks).toString('utf8') };
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close().catch(() => undefined)));
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool) {
      // Most recently used last.
      this.#pools.delete(origin);
      this.#pools.set(origin, pool);
      return pool;
    }
    if (this.#pools.size >= this.#o.maxOrigins) {
      const [oldest, old] = this.#pools.entries().next().value!;
      this.#pools.delete(oldest);
      void old.close().catch(() => undefined);
    }
    pool = new Pool(origin, { connections: this.#o.connectionsPerOrigin, keepAliveTimeout: 30_000 });
    this.#pools.set(origin, pool);
    return pool;
  }
}

import { CLOSE_CODES } from '@stadium/protocol';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';
import { Logger } from './logger.js';
import { ManualClock } from './testing/manual-clock.js';
import { silent } from './testing/test-helpers.js';
import type { WebSocketCloseEvent, WebSocketLike, WebSocketMessageEvent } from './transport/websocket-like.js';

/** A WebSocket the test drives by hand: every instance is recorded with the URL it was made for. */
class FakeSocket implements WebSocketLike {
  static made: FakeSocket[] = [];
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: WebSocketMessageEvent) => void) | null = null;
  onclose: ((event: WebSocketCloseEvent) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  handshakeRetryAfterMs: number | undefined;
  readonly sent: string[] = [];

  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = 3;
  }

  /** The server accepts: open, then `hello`. */
  accept(): void {
    this.readyState = 1;
    this.onopen?.({});
    this.frame({ t: 'hello', v: 1, node: 'n', heartbeatMs: 25_000, maxMessageBytes: 12_000, time: 0 });
  }

  frame(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  closed(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const URLS = ['ws://a.example/ws', 'ws://b.example/ws', 'ws://c.example/ws'];

function setup(urls: readonly string[] = URLS, random = 0.5): { clock: ManualClock; connection: Connection; last: () => FakeSocket } {
  FakeSocket.made = [];
  const clock = new ManualClock();
  const connection = new Connection(
    { urls, reconnectBaseMs: 500, reconnectMaxMs: 30_000, requestTimeoutMs: 15_000, maxQueuedRequests: 10 },
    { WebSocket: FakeSocket, logger: new Logger(silent, 4), now: clock.now, random: () => random, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout },
    { stateChanged: () => undefined, sessionStart: () => Promise.resolve(), push: () => undefined, ended: () => undefined },
  );
  return { clock, connection, last: () => FakeSocket.made.at(-1)! };
}

/** Let the session-restore promise settle. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Connection with several server URLs', () => {
  it('on a drain, waits the suggested delay (spread with jitter) and moves to the next URL', async () => {
    const { clock, connection, last } = setup();
    connection.open();
    expect(last().url).toBe(URLS[0]);
    last().accept();
    await settle();
    expect(connection.getState()).toBe('connected');
    last().frame({ t: 'err', code: 19081, name: 'SERVER_DRAINING', message: 'draining', retryAfterMs: 1000 });
    last().closed(CLOSE_CODES.DRAINING, 'draining');
    // random() = 0.5: 1000 + 0.5 × 1000 — above the backoff's 250.
    clock.advance(1499);
    expect(FakeSocket.made).toHaveLength(1);
    clock.advance(1);
    expect(FakeSocket.made).toHaveLength(2);
    expect(last().url).toBe(URLS[1]);
    last().accept();
    await settle();
    expect(connection.getState()).toBe('connected');
    // The suggestion was used once: a later plain drop waits only the backoff.
    last().closed(CLOSE_CODES.GOING_AWAY);
    clock.advance(250);
    expect(FakeSocket.made).toHaveLength(3);
    expect(last().url).toBe(URLS[2]);
    connection.close();
  });

  it('spreads drained clients over [delay, 2 × delay) with the random source', () => {
    for (const [random, due] of [
      [0, 1000],
      [0.99, 1990],
    ] as const) {
      const { clock, connection, last } = setup(URLS, random);
      connection.open();
      last().accept();
      last().frame({ t: 'err', code: 19081, name: 'SERVER_DRAINING', message: 'draining', retryAfterMs: 1000 });
      last().closed(CLOSE_CODES.DRAINING);
      clock.advance(due - 1);
      expect(FakeSocket.made).toHaveLength(1);
      clock.advance(1);
      expect(FakeSocket.made).toHaveLength(2);
      connection.close();
    }
  });

  it('honours the Retry-After of a refused handshake and tries the next URL, round and round', () => {
    const { clock, connection, last } = setup(URLS.slice(0, 2));
    connection.open();
    last().handshakeRetryAfterMs = 3000;
    last().closed(1006);
    clock.advance(4499);
    expect(FakeSocket.made).toHaveLength(1);
    clock.advance(1);
    expect(last().url).toBe(URLS[1]);
    last().closed(1006);
    // No suggestion this time: the backoff alone (attempt 2: 0.5 × 1000).
    clock.advance(500);
    expect(FakeSocket.made).toHaveLength(3);
    expect(last().url).toBe(URLS[0]);
    connection.close();
  });

  it('keeps the server after a close for the client’s own conduct, and with one URL reuses it', () => {
    const { clock, connection, last } = setup();
    connection.open();
    last().accept();
    last().closed(CLOSE_CODES.SLOW_CONSUMER);
    clock.advance(250);
    expect(last().url).toBe(URLS[0]);
    connection.close();

    const single = setup([URLS[0]!]);
    single.connection.open();
    single.last().closed(CLOSE_CODES.DRAINING);
    single.clock.advance(250);
    expect(FakeSocket.made).toHaveLength(2);
    expect(single.last().url).toBe(URLS[0]);
    single.connection.close();
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds and HTTP dates, bounded to an hour, and ignores the rest', async () => {
    const { parseRetryAfterMs } = await import('./transport/websocket-node.js');
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('2', now)).toBe(2000);
    expect(parseRetryAfterMs('99999', now)).toBe(3_600_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('the server option', () => {
  it('takes one URL or a list, and refuses an empty or malformed list', async () => {
    const { resolveTimOptions } = await import('./options.js');
    expect(resolveTimOptions({ SDKAppID: 1, server: 'http://a:1' })).toMatchObject({ server: 'http://a:1', servers: ['http://a:1'] });
    expect(resolveTimOptions({ SDKAppID: 1, server: ['http://a:1', 'http://b:2'] })).toMatchObject({ server: 'http://a:1', servers: ['http://a:1', 'http://b:2'] });
    expect(() => resolveTimOptions({ SDKAppID: 1, server: [] })).toThrowError(expect.objectContaining({ code: 10004 }) as Error);
    expect(() => resolveTimOptions({ SDKAppID: 1, server: ['http://a:1', 3 as unknown as string] })).toThrowError(expect.objectContaining({ code: 10004 }) as Error);
  });
});

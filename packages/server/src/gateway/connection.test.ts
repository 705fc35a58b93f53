/**
 * Connection's one outbound budget, on a real socket pair: the client side stops reading, so
 * what the server writes piles up past the kernel buffers into the socket's own buffer.
 */
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ManualClock } from '../clock/manual-clock.js';
import type { AppRecord } from '../core/records.js';
import type { BatchEntry } from '../wire/batch-entry.js';
import { Connection } from './connection.js';
import { RequestBudget } from './request-budget.js';

const HIGH = 65_536;
const BUDGET = 262_144;
/** Larger than everything loopback's kernel buffers take for a socket whose peer does not read. */
const HUGE = 'x'.repeat(16 << 20);

let wss: WebSocketServer | undefined;
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  wss = undefined;
});

interface Pair {
  conn: Connection;
  client: WebSocket;
  clientSocket: Socket;
  slow: number[];
  dropped: number[][];
  clock: ManualClock;
}

async function pair(): Promise<Pair> {
  wss ??= new WebSocketServer({ port: 0, host: '127.0.0.1' });
  if (!wss.address()) await new Promise<void>((resolve) => wss!.once('listening', () => resolve()));
  const accepted = new Promise<WebSocket>((resolve) => wss!.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  clients.push(client);
  await new Promise<void>((resolve, reject) => client.once('open', () => resolve()).once('error', reject));
  const ws = await accepted;
  const clientSocket = (client as unknown as { _socket: Socket })._socket;
  clientSocket.pause();
  const clock = new ManualClock();
  const slow: number[] = [];
  const dropped: number[][] = [];
  const conn = new Connection(
    1,
    ws,
    (ws as unknown as { _socket: Socket })._socket,
    { sdkAppId: 1 } as AppRecord,
    'Web',
    {
      socketHighWaterBytes: HIGH,
      maxPendingBytes: BUDGET,
      slowConsumerTimeoutMs: 5000,
      now: () => clock.now(),
      onDropped: (d) => dropped.push([...d]),
      onSlow: (c) => {
        slow.push(c.outboundBytes);
        c.closeWith('SLOW_CONSUMER');
      },
    },
    new RequestBudget({ requestsPerSec: 100, requestBurst: 300, maxRequestsInFlight: 128, maxRefusedRequestsPerMinute: 100 }, clock.now()),
  );
  return { conn, client, clientSocket, slow, dropped, clock };
}

const entry = (seq: number, rank: 0 | 1 | 2 | 3, size = 999): BatchEntry => ({ seq, rank, json: `{"seq":${seq},"t":"${'y'.repeat(size)}"}` });

describe('Connection outbound budget', () => {
  it('stops reading at the high-water mark, and reads again once the client has drained it', async () => {
    const { conn, clientSocket, slow } = await pair();
    conn.send({ t: 'err', code: 1, name: 'BAD_FRAME', message: HUGE });
    // The one response is sent whole (it was keeping up), but the connection is now behind: reading stops.
    expect(conn.socket.writableLength).toBeGreaterThan(BUDGET);
    expect(conn.ws.isPaused).toBe(true);
    expect(conn.slowSince).toBeGreaterThan(0);
    expect(slow).toEqual([]);
    conn.ws.send(HUGE); // the test's own write, outside the budget, to fill the pipe
    clientSocket.resume();
    await new Promise<void>((resolve) => conn.socket.once('drain', () => setImmediate(resolve)));
    expect(conn.ws.isPaused).toBe(false);
    expect(conn.slowSince).toBe(0);
    conn.closeWith('KICKED');
  });

  it('closes a connection that is behind and gets more than its budget, counting responses', async () => {
    const { conn, slow } = await pair();
    conn.ws.send(HUGE);
    // The write that finds the socket over the mark makes the connection behind …
    conn.send({ t: 'pong', time: 1 });
    expect(conn.ws.isPaused).toBe(true);
    expect(slow).toEqual([]);
    // … and the next one, still over the budget, closes it.
    conn.send({ t: 'pong', time: 2 });
    expect(slow).toHaveLength(1);
    expect(slow[0]).toBeGreaterThan(BUDGET);
    expect(conn.closing).toBe(true);
  });

  it('holds room messages within what the socket leaves of the budget, dropping the lowest first', async () => {
    const { conn, slow, dropped } = await pair();
    // Fill the kernel buffers, then leave the socket over the mark but well under the budget.
    while (conn.socket.writableLength < HIGH) conn.ws.send('z'.repeat(65_536));
    conn.send({ t: 'pong', time: 2 });
    expect(conn.ws.isPaused).toBe(true);
    const left = BUDGET - conn.socket.writableLength;
    expect(left).toBeGreaterThan(20_000);
    conn.deliver('g', new Uint8Array(0), [entry(1, 0)]);
    expect(conn.backlogBytes).toBeGreaterThan(0);
    // Low messages up to twice what is left: the oldest Low ones are dropped, High stays.
    const lows = Array.from({ length: Math.ceil((2 * left) / 1000) }, (_, i) => entry(2 + i, 2));
    conn.deliver('g', new Uint8Array(0), lows);
    expect(conn.outboundBytes).toBeLessThanOrEqual(BUDGET);
    expect(dropped.reduce((n, d) => n + d[2]!, 0)).toBeGreaterThan(0);
    expect(slow).toEqual([]);
    // A response while behind makes room by dropping more held messages, then still fits.
    const before = conn.backlogBytes;
    conn.send({ t: 'err', code: 1, name: 'BAD_FRAME', message: 'm'.repeat(10_000) });
    expect(conn.backlogBytes).toBeLessThan(before);
    expect(conn.outboundBytes).toBeLessThanOrEqual(BUDGET);
    expect(slow).toEqual([]);
    // Only High left and still over: closed.
    conn.deliver(
      'g',
      new Uint8Array(0),
      Array.from({ length: Math.ceil(left / 1000) + 5 }, (_, i) => entry(1000 + i, 0)),
    );
    expect(slow).toHaveLength(1);
  });

  it('closes a connection behind for longer than the slow-consumer timeout at its next write', async () => {
    const { conn, slow, clock } = await pair();
    while (conn.socket.writableLength < HIGH) conn.ws.send('z'.repeat(65_536));
    conn.deliver('g', new Uint8Array(0), [entry(1, 1, 10)]);
    expect(slow).toEqual([]);
    clock.advance(5001);
    conn.deliver('g', new Uint8Array(0), [entry(2, 1, 10)]);
    expect(slow).toHaveLength(1);
  });
});

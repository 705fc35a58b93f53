import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UndiciCallbackTransport } from './callback-transport.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A receiver answering `reply` that counts the TCP connections it accepted. */
async function receiver(reply: string): Promise<{ url: URL; connections: () => number }> {
  let connections = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(reply));
  });
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/cb?x=1`), connections: () => connections };
}

describe('UndiciCallbackTransport', () => {
  it('keeps one pool per receiver origin and reuses its connections', async () => {
    const r = await receiver('{"ErrorCode":0}');
    const transport = new UndiciCallbackTransport();
    for (let i = 0; i < 10; i++) expect(await transport.post(r.url, {}, '{}', new AbortController().signal)).toEqual({ status: 200, body: '{"ErrorCode":0}' });
    // Ten requests in a row, one or two connections (undici may open a second while the first is being released).
    expect(r.connections()).toBeLessThanOrEqual(2);
    expect(transport.poolCount).toBe(1);
    await transport.close();
  });

  it('closes the least recently used pool past maxOrigins', async () => {
    const [a, b, c] = await Promise.all([receiver('a'), receiver('b'), receiver('c')]);
    const transport = new UndiciCallbackTransport({ maxOrigins: 2 });
    const signal = new AbortController().signal;
    for (const r of [a, b, a, c]) await transport.post(r.url, {}, '{}', signal);
    expect(transport.poolCount).toBe(2);
    // a was used after b, so b's pool went and a new request to b opens a new connection; a's pool stays.
    const aBefore = a.connections();
    const bBefore = b.connections();
    await transport.post(a.url, {}, '{}', signal);
    await transport.post(a.url, {}, '{}', signal);
    expect(a.connections()).toBeLessThanOrEqual(aBefore + 1);
    await transport.post(b.url, {}, '{}', signal);
    expect(b.connections()).toBe(bBefore + 1);
    await transport.close();
  });

  it('refuses an answer longer than maxAnswerBytes, and stops when aborted', async () => {
    const big = await receiver('x'.repeat(1000));
    const transport = new UndiciCallbackTransport({ maxAnswerBytes: 100 });
    await expect(transport.post(big.url, {}, '{}', new AbortController().signal)).rejects.toThrow(/longer than 100 bytes/);
    const abort = new AbortController();
    abort.abort(new Error('gave up'));
    await expect(transport.post(big.url, {}, '{}', abort.signal)).rejects.toThrow();
    await transport.close();
  });
});

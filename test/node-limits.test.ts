/**
 * Limits that protect the node (issue 12, item 7): connections per client address and per app,
 * frames per second per connection, the handshake rate per address, and the trusted
 * X-Forwarded-For. Several client addresses come from 127.0.0.x source addresses. Exact counts
 * run on the server's ManualClock (in process); the `cluster` project checks what holds for a
 * node of TEST_WORKERS processes, each counting its own connections and handshakes.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_CODES, ERRORS, type ServerFrame } from '@stadium/protocol';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { RawClient } from './support/raw-client.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

type Err = ServerFrame & { t: 'err' };

const query = (t: TestStadium): string => `sdkappid=${t.app.sdkAppId}&v=1`;
const connectFrom = (t: TestStadium, localAddress: string): Promise<RawClient> => RawClient.connect(t.url, query(t), { localAddress });
const errNames = (c: RawClient): string[] => c.frames.filter((f): f is Err => f.t === 'err').map((f) => f.name);

/** Try an upgrade; resolve with 101 or the refusal's status and Retry-After. */
function handshake(t: TestStadium, localAddress: string, headers: Record<string, string> = {}): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/ws?${query(t)}`, { localAddress, headers });
    ws.once('open', () => {
      ws.once('close', () => resolve({ status: 101, retryAfter: undefined, body: '' }));
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
    });
    ws.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

describe('connections per client address', () => {
  it.runIf(TEST_WORKERS === 1)('admits maxConnectionsPerIp from one address, closes the next with 4031 after an err, and counts each address apart', async () => {
    await using t = await startTestStadium({ maxConnectionsPerIp: 3 });
    const admitted = [await connectFrom(t, '127.0.0.2'), await connectFrom(t, '127.0.0.2'), await connectFrom(t, '127.0.0.2')];
    for (const c of admitted) expect(c.frames[0]).toMatchObject({ t: 'hello' });
    const refused = await connectFrom(t, '127.0.0.2');
    await refused.closed();
    expect(refused.closeCode).toBe(CLOSE_CODES.IP_CONNECTION_LIMIT);
    expect(refused.frames).toEqual([expect.objectContaining({ t: 'err', name: 'TOO_MANY_CONNECTIONS_FROM_IP', code: ERRORS.TOO_MANY_CONNECTIONS_FROM_IP.code })]);
    // Another address has its own count.
    const other = await connectFrom(t, '127.0.0.3');
    expect(other.frames[0]).toMatchObject({ t: 'hello' });
    // A closed connection frees its place.
    await admitted[0]!.close();
    await expect
      .poll(async () => {
        const c = await connectFrom(t, '127.0.0.2');
        const ok = c.frames[0]?.t === 'hello';
        if (ok) admitted.push(c);
        return ok;
      })
      .toBe(true);
    const again = await connectFrom(t, '127.0.0.2');
    await again.closed();
    expect(again.closeCode).toBe(CLOSE_CODES.IP_CONNECTION_LIMIT);
    for (const c of [...admitted.slice(1), other]) await c.close();
  });

  it('never lets one address hold more than maxConnectionsPerIp per process', async () => {
    const limit = 2;
    await using t = await startTestStadium({ maxConnectionsPerIp: limit });
    const clients: RawClient[] = [];
    for (let i = 0; i < limit * TEST_WORKERS + 1; i++) clients.push(await connectFrom(t, '127.0.0.4'));
    const refused = clients.filter((c) => c.frames[0]?.t === 'err');
    expect(clients.length - refused.length).toBeLessThanOrEqual(limit * TEST_WORKERS);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const c of refused) {
      await c.closed();
      expect(c.closeCode).toBe(CLOSE_CODES.IP_CONNECTION_LIMIT);
      expect(errNames(c)).toEqual(['TOO_MANY_CONNECTIONS_FROM_IP']);
    }
    const other = await connectFrom(t, '127.0.0.5');
    expect(other.frames[0]).toMatchObject({ t: 'hello' });
    for (const c of [...clients, other]) await c.close();
  });
});

describe('connections per app', () => {
  it.runIf(TEST_WORKERS === 1)('admits maxConnectionsPerApp of one app, closes the next with 4032 after an err', async () => {
    await using t = await startTestStadium({ maxConnectionsPerApp: 2 });
    const a = await connectFrom(t, '127.0.0.6');
    const b = await connectFrom(t, '127.0.0.7');
    const refused = await connectFrom(t, '127.0.0.8');
    await refused.closed();
    expect(refused.closeCode).toBe(CLOSE_CODES.APP_CONNECTION_LIMIT);
    expect(errNames(refused)).toEqual(['APP_CONNECTION_LIMIT']);
    await a.close();
    await expect.poll(async () => (await connectFrom(t, '127.0.0.8')).frames[0]?.t).toBe('hello');
    await b.close();
  });
});

describe('frames per second per connection', () => {
  it.runIf(TEST_WORKERS === 1)(
    'counts every frame (requests, pings, malformed, WebSocket pings), drops past the burst with one err, and closes persistent excess with 4030',
    async () => {
      const clock = new ManualClock(Date.now());
      await using t = await startTestStadium({ maxFramesPerSec: 5, frameBurst: 10, heartbeatMs: 10_000_000 }, { clock });
      const c = await connectFrom(t, '127.0.0.9');
      // The burst: 5 pings, 3 WebSocket ping control frames, 2 malformed frames.
      for (let i = 0; i < 5; i++) c.sendRaw('{"t":"ping"}');
      for (let i = 0; i < 3; i++) c.ws.ping();
      c.sendRaw('not json');
      c.sendRaw('[]');
      // Over the burst: dropped unread; the first drop is answered, the rest are not.
      c.sendRaw('{"t":"ping"}');
      c.sendRaw('not json');
      c.sendRaw('{"t":"ping"}');
      const limited = await c.next((f) => f.t === 'err' && f.name === 'FRAME_RATE_LIMITED');
      expect(limited).toMatchObject({ code: ERRORS.FRAME_RATE_LIMITED.code });
      // 200 ms at 5 per second is one frame.
      clock.advance(200);
      const pongs = (): number => c.frames.filter((f) => f.t === 'pong').length;
      c.sendRaw('{"t":"ping"}');
      await expect.poll(pongs).toBe(6);
      // Drops 4 and 5 (the first of a new run is answered again); drop 6 is more than 5 in a minute.
      c.sendRaw('{"t":"ping"}');
      c.sendRaw('{"t":"ping"}');
      c.sendRaw('{"t":"ping"}');
      await c.closed();
      expect(c.closeCode).toBe(CLOSE_CODES.FRAME_FLOOD);
      expect(pongs()).toBe(6);
      expect(errNames(c)).toEqual(['BAD_FRAME', 'BAD_FRAME', 'FRAME_RATE_LIMITED', 'FRAME_RATE_LIMITED', 'FRAME_FLOOD']);
    },
  );

  it('closes a connection that keeps sending past its frame rate with 4030 after an err', async () => {
    await using t = await startTestStadium({ maxFramesPerSec: 1, frameBurst: 10, requestsPerSec: 1000, requestBurst: 1000 });
    const c = await connectFrom(t, '127.0.0.10');
    for (let i = 0; i < 40; i++) c.sendRaw('{"t":"ping"}');
    await c.closed();
    expect(c.closeCode).toBe(CLOSE_CODES.FRAME_FLOOD);
    expect(c.frames.filter((f) => f.t === 'pong').length).toBeGreaterThanOrEqual(10);
    expect(errNames(c).slice(-2)).toEqual(['FRAME_RATE_LIMITED', 'FRAME_FLOOD']);
  });
});

describe('handshake rate per client address', () => {
  it.runIf(TEST_WORKERS === 1)('admits handshakeBurstPerIp upgrades, refuses the next with 429 and Retry-After, and refills with time', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ handshakesPerIpPerSec: 0.25, handshakeBurstPerIp: 3, heartbeatMs: 10_000_000 }, { clock });
    for (let i = 0; i < 3; i++) expect((await handshake(t, '127.0.0.11')).status).toBe(101);
    const refused = await handshake(t, '127.0.0.11');
    // 0.25 per second: the next token is 4 s away.
    expect(refused).toMatchObject({ status: 429, retryAfter: '4' });
    expect(refused.body).toContain(ERRORS.HANDSHAKE_RATE_LIMITED.message);
    // Another address has its own bucket.
    expect((await handshake(t, '127.0.0.12')).status).toBe(101);
    clock.advance(3999);
    expect(await handshake(t, '127.0.0.11')).toMatchObject({ status: 429, retryAfter: '1' });
    clock.advance(2);
    expect((await handshake(t, '127.0.0.11')).status).toBe(101);
    expect((await handshake(t, '127.0.0.11')).status).toBe(429);
  });

  it('refuses upgrades past the burst with 429 and Retry-After on every process', async () => {
    const burst = 2;
    await using t = await startTestStadium({ handshakesPerIpPerSec: 0.001, handshakeBurstPerIp: burst });
    const results = [];
    for (let i = 0; i < burst * TEST_WORKERS + 1; i++) results.push(await handshake(t, '127.0.0.13'));
    const refused = results.filter((r) => r.status === 429);
    expect(results.length - refused.length).toBeLessThanOrEqual(burst * TEST_WORKERS);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) expect(Number(r.retryAfter)).toBeGreaterThan(0);
  });

  it.runIf(TEST_WORKERS === 1)('believes X-Forwarded-For only from trustedProxies, and takes its right-most untrusted address', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ handshakesPerIpPerSec: 0.001, handshakeBurstPerIp: 2, trustedProxies: '127.0.0.14, 127.0.0.15', heartbeatMs: 10_000_000 }, { clock });
    const via = (proxy: string, forwarded: string): Promise<{ status: number }> => handshake(t, proxy, { 'X-Forwarded-For': forwarded });
    // Through either proxy (the proxies chained), the client 203.0.113.9 gets two upgrades.
    expect((await via('127.0.0.14', '203.0.113.9')).status).toBe(101);
    expect((await via('127.0.0.14', '198.51.100.7, 203.0.113.9, 127.0.0.15')).status).toBe(101);
    expect((await via('127.0.0.14', '203.0.113.9')).status).toBe(429);
    // Another client behind the same proxy has its own bucket, whatever it wrote in front.
    expect((await via('127.0.0.14', '203.0.113.9, 203.0.113.10')).status).toBe(101);
    // An untrusted peer's header is ignored: it is counted as itself.
    expect((await via('127.0.0.16', '203.0.113.11')).status).toBe(101);
    expect((await via('127.0.0.16', '203.0.113.12')).status).toBe(101);
    expect((await via('127.0.0.16', '203.0.113.13')).status).toBe(429);
  });
});

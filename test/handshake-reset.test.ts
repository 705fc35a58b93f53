/**
 * A client that resets its TCP connection in the middle of a WebSocket handshake (a browser
 * tab closed, an SDK giving up on a slow node during a reconnect storm) must not take the
 * server down. Once Node hands an upgrade to the server, the socket has no `error` listener of
 * its own: an unhandled ECONNRESET there is an uncaught exception that ends the process (a
 * worker of a multi-process node, with every connection and room authority on it).
 *
 * In-process only: there an uncaught exception fails this file, which is what makes the test
 * able to fail (a multi-process node would restart its worker behind the test's back).
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';
import { TEST_WORKERS, startTestStadium } from './support/stadium.js';

/** Send a WebSocket upgrade request for `path` and reset the connection at once. */
function upgradeThenReset(port: number, path: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
        () => {
          // Let the server start answering, then reset (RST) instead of closing.
          setImmediate(() => socket.resetAndDestroy());
        },
      );
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
}

describe.skipIf(TEST_WORKERS > 1)('handshakes reset by the client', () => {
  it('are dropped quietly, whether refused by admission control, unknown, or accepted; the server goes on', async () => {
    // One handshake a second after the first: nearly every attempt is refused with 503, written to a socket the client resets.
    await using t = await startTestStadium({ handshakesPerSec: 1, handshakeBurst: 1 });
    const port = Number(new URL(t.url).port);
    const paths = [`/ws?sdkappid=${t.app.sdkAppId}&v=1`, '/elsewhere', `/ws?sdkappid=1&v=1`];
    for (let round = 0; round < 100; round++) await Promise.all(paths.map((p) => upgradeThenReset(port, p)));
    expect((await (await fetch(`${t.url}/healthz`)).json()).status).toBe('ok');
    // Nearly every attempt was refused (a 503 written to a socket the client had reset).
    const refusedText = await (await fetch(`${t.url}/metrics`)).text();
    expect(Number(/^stadium_handshakes_refused_total (\d+)/m.exec(refusedText)?.[1])).toBeGreaterThan(100);
  });

  it('a reset during an accepted handshake leaves the node serving others', async () => {
    await using t = await startTestStadium({ handshakesPerSec: 1_000_000, handshakeBurst: 1_000_000, handshakesPerIpPerSec: 1_000_000, handshakeBurstPerIp: 1_000_000 });
    const port = Number(new URL(t.url).port);
    for (let round = 0; round < 100; round++) await Promise.all(Array.from({ length: 5 }, () => upgradeThenReset(port, `/ws?sdkappid=${t.app.sdkAppId}&v=1`)));
    const c = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    expect((await c.request('login', { userID: 'after', userSig: t.sig('after') })).code).toBe(0);
    await c.close();
  });
});

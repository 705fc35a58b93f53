/**
 * Node transport: the `ws` package's WebSocket. Chosen by the `#websocket` import's
 * default condition; browser bundles get websocket-browser.ts instead.
 */
import WebSocket from 'ws';
import type { WebSocketConstructor } from './websocket-like.js';

/**
 * `ws` with one addition: a handshake answered with anything but 101 records the
 * `Retry-After` it carried (`handshakeRetryAfterMs`) before failing as usual (close 1006).
 */
class NodeWebSocket extends WebSocket {
  handshakeRetryAfterMs: number | undefined;

  constructor(url: string) {
    super(url);
    this.once('unexpected-response', (_req, res) => {
      this.handshakeRetryAfterMs = parseRetryAfterMs(res.headers['retry-after'], Date.now());
      res.resume();
      // Fails the handshake the way ws does without this listener: `error`, then `close` 1006.
      this.terminate();
    });
  }
}

/** `Retry-After` (seconds, or an HTTP date) in ms; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value), 3600) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), 3_600_000);
}

/** The WebSocket class to use when the caller injects none. */
export function defaultWebSocket(): WebSocketConstructor {
  return NodeWebSocket as unknown as WebSocketConstructor;
}

/**
 * Node transport: the `ws` package's WebSocket. Chosen by the `#websocket` import's
 * default condition; browser bundles get websocket-browser.ts instead.
 */
import WebSocket from 'ws';
import type { WebSocketConstructor } from './websocket-like.js';

/** The WebSocket class to use when the caller injects none. */
export function defaultWebSocket(): WebSocketConstructor {
  return WebSocket as unknown as WebSocketConstructor;
}

/**
 * Browser transport: the platform's own `WebSocket`. Chosen by the `#websocket` import's
 * `browser` condition, so browser bundles never include the `ws` package.
 */
import { StadiumError } from '@stadium/protocol';
import type { WebSocketConstructor } from './websocket-like.js';

/** The WebSocket class to use when the caller injects none. */
export function defaultWebSocket(): WebSocketConstructor {
  const impl = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof impl !== 'function') throw new StadiumError('SDK_NETWORK_ERROR', 'This environment has no WebSocket');
  return impl as WebSocketConstructor;
}

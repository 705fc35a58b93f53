/**
 * The part of the standard WebSocket API the SDK uses. Browsers' `WebSocket` and the `ws`
 * package's `WebSocket` both provide it, so one connection module serves both platforms.
 */

/** `readyState` value of an open socket. */
export const WS_OPEN = 1;

/** A message event: only `data` is read (a string for text frames). */
export interface WebSocketMessageEvent {
  data: unknown;
}

/** A close event: the close code and reason. */
export interface WebSocketCloseEvent {
  code: number;
  reason: string;
}

/** A WebSocket as the SDK uses it. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: WebSocketMessageEvent) => void) | null;
  onclose: ((event: WebSocketCloseEvent) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /**
   * When the server refused the handshake with `503` and `Retry-After` (admission control,
   * a draining node): the delay it asked for, in ms. Set before `onclose` by the Node
   * transport; browsers do not expose the response, so it stays unset there.
   */
  readonly handshakeRetryAfterMs?: number;
}

/** A WebSocket class: `new WebSocket(url)`. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

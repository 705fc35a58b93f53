/**
 * WebSocket close codes Stadium uses. 4000–4999 are ours; the SDK decides from the code
 * whether to reconnect (see {@link shouldReconnect}).
 */
export const CLOSE_CODES = {
  /** Normal close (logout, destroy). */
  NORMAL: 1000,
  /** The server is shutting down or restarting: reconnect (to another node if there is one). */
  GOING_AWAY: 1001,
  /** The WebSocket framing was invalid (unmasked client frame, bad opcode, reserved bits, …). */
  PROTOCOL_ERROR: 1002,
  /** A frame was larger than the server accepts. */
  FRAME_TOO_LARGE: 1009,
  /** The server hit an internal error on this connection. */
  INTERNAL_ERROR: 1011,
  /** The client asked for a protocol version the server does not speak. */
  UNSUPPORTED_VERSION: 4001,
  /** The client sent too many malformed frames. */
  TOO_MANY_BAD_FRAMES: 4002,
  /** The SDKAppID is unknown or the app was deleted. */
  UNKNOWN_APP: 4004,
  /** The client did not read fast enough and its backlog passed the server's limit. */
  SLOW_CONSUMER: 4008,
  /** No frame (not even a ping) arrived within the heartbeat timeout. */
  HEARTBEAT_TIMEOUT: 4010,
  /** The server ended this session on purpose (kicked, userSig revoked). */
  KICKED: 4011,
  /**
   * The node is draining (rolling restart, scale-in): reconnect, to another server URL if
   * there is one, after the delay the preceding `err` frame suggests (`retryAfterMs`).
   */
  DRAINING: 4012,
  /** The client kept sending requests past its request budget after being refused. */
  REQUEST_FLOOD: 4029,
  /** The client kept sending frames past its frame rate (maxFramesPerSec) after frames were dropped. */
  FRAME_FLOOD: 4030,
  /** The client's address already has as many connections to this server process as allowed (maxConnectionsPerIp). */
  IP_CONNECTION_LIMIT: 4031,
  /** The app already has as many connections to this server process as allowed (maxConnectionsPerApp). */
  APP_CONNECTION_LIMIT: 4032,
} as const;

/** Any value of {@link CLOSE_CODES}. */
export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

/** Whether a client that saw `code` should reconnect by itself. */
export function shouldReconnect(code: number): boolean {
  switch (code) {
    case CLOSE_CODES.NORMAL:
    case CLOSE_CODES.UNSUPPORTED_VERSION:
    case CLOSE_CODES.UNKNOWN_APP:
    case CLOSE_CODES.KICKED:
      return false;
    default:
      return true;
  }
}

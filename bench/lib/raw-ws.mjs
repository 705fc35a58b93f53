/**
 * A lean WebSocket client on `net`: it writes the HTTP upgrade itself, parses server frames
 * incrementally and sends masked text frames. It exists so one load-generator process can
 * hold ~18k connections at a few KB each and count deliveries without a `ws` object, a
 * string or a JSON parse per frame.
 *
 * Two reading modes per connection:
 *  - collect: the frame's payload is assembled and handed to `onText(conn, text)`;
 *  - count:   the payload is scanned for the message marker byte (`^`, which appears once
 *             per benchmark message and nowhere else on the wire) and only counted.
 * A frame is collected while the connection handshakes, when the connection is sampled, when
 * it is a control frame, and when it is tiny (a Socket.IO ping `2`, a pong); otherwise counted.
 */
import net from 'node:net';

/** Byte that marks one benchmark message inside any frame (`^` starts each message text). */
export const MARKER = 0x5e;

const UPGRADE_END = Buffer.from('\r\n\r\n');
const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='; // any 16 bytes, base64

/** Connection phase. */
export const PHASE = { upgrading: 0, handshake: 1, joined: 2, closed: 3 };

/**
 * Frame `text` as a masked client text frame. The mask key is zero (legal: the server unmasks
 * with it; RFC 6455 wants it random only against proxy cache poisoning), so the payload is
 * copied, not XOR-ed.
 */
export function clientTextFrame(text) {
  const payload = Buffer.from(text);
  const len = payload.length;
  let header;
  if (len < 126) {
    header = Buffer.alloc(6);
    header[1] = 0x80 | len;
  } else if (len < 65536) {
    header = Buffer.alloc(8);
    header[1] = 0x80 | 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(14);
    header[1] = 0x80 | 127;
    header.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    header.writeUInt32BE(len >>> 0, 6);
  }
  header[0] = 0x81;
  return Buffer.concat([header, payload]);
}

const PONG_EMPTY = Buffer.from([0x8a, 0x80, 0, 0, 0, 0]);

/**
 * Open one raw WebSocket connection. `handlers`:
 *  onOpen(conn), onText(conn, text), onClose(conn, hadError), onError(conn, err)
 * The returned object carries the parser state; callers may hang their own fields on it
 * (`sample`, `count`, `hist`, `phase`, …).
 */
export function connectRaw({ host, port, path, localAddress }, handlers) {
  const socket = net.connect({ host, port, localAddress, noDelay: true });
  const conn = {
    socket,
    phase: PHASE.upgrading,
    sample: false,
    count: 0,
    // parser state
    pending: null, // leftover bytes of a partial header (or of the upgrade response)
    rem: 0, // payload bytes left in the current frame
    opcode: 0,
    collect: false,
    parts: null,
  };
  socket.on('connect', () => {
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` + `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
  socket.on('data', (chunk) => onData(conn, chunk, handlers));
  socket.on('error', (err) => handlers.onError?.(conn, err));
  socket.on('close', (hadError) => {
    conn.phase = PHASE.closed;
    handlers.onClose?.(conn, hadError);
  });
  return conn;
}

/** Send a text frame on an open connection. */
export function sendText(conn, text) {
  if (conn.phase === PHASE.closed || conn.phase === PHASE.upgrading) return false;
  return conn.socket.write(clientTextFrame(text));
}

function onData(conn, chunk, handlers) {
  let buf = chunk;
  if (conn.pending !== null) {
    buf = Buffer.concat([conn.pending, chunk]);
    conn.pending = null;
  }
  let i = 0;
  if (conn.phase === PHASE.upgrading) {
    const end = buf.indexOf(UPGRADE_END);
    if (end === -1) {
      conn.pending = buf;
      return;
    }
    const status = buf.toString('latin1', 0, Math.min(end, 64));
    if (!status.startsWith('HTTP/1.1 101')) {
      const error = new Error(`upgrade refused: ${status.split('\r\n')[0]}`);
      // For clients that retry: the status and the server's Retry-After (seconds), if any.
      error.status = Number(status.slice(9, 12));
      const retryAfter = /\r\nRetry-After: *(\d+)/i.exec(buf.toString('latin1', 0, end));
      if (retryAfter) error.retryAfterS = Number(retryAfter[1]);
      handlers.onError?.(conn, error);
      conn.socket.destroy();
      return;
    }
    conn.phase = PHASE.handshake;
    i = end + 4;
    handlers.onOpen?.(conn);
  }
  const n = buf.length;
  while (i < n) {
    if (conn.rem > 0) {
      const take = conn.rem < n - i ? conn.rem : n - i;
      if (conn.collect) conn.parts.push(buf.subarray(i, i + take));
      else {
        const end = i + take;
        let p = buf.indexOf(MARKER, i);
        while (p !== -1 && p < end) {
          conn.count++;
          p = buf.indexOf(MARKER, p + 1);
        }
      }
      i += take;
      conn.rem -= take;
      if (conn.rem === 0 && conn.collect) finishFrame(conn, handlers);
      continue;
    }
    // Frame header.
    if (n - i < 2) {
      conn.pending = Buffer.from(buf.subarray(i));
      return;
    }
    const b0 = buf[i];
    const b1 = buf[i + 1];
    let len = b1 & 0x7f;
    let hlen = 2;
    if (len === 126) hlen = 4;
    else if (len === 127) hlen = 10;
    if (b1 & 0x80) hlen += 4; // servers never mask, but be safe
    if (n - i < hlen) {
      conn.pending = Buffer.from(buf.subarray(i));
      return;
    }
    if (len === 126) len = buf.readUInt16BE(i + 2);
    else if (len === 127) len = buf.readUInt32BE(i + 2) * 2 ** 32 + buf.readUInt32BE(i + 6);
    const opcode = b0 & 0x0f;
    if (opcode !== 0) conn.opcode = opcode;
    i += hlen;
    conn.rem = len;
    conn.collect = conn.sample || conn.phase !== PHASE.joined || len < 8 || opcode >= 8;
    if (conn.collect) conn.parts = [];
    if (len === 0) finishFrame(conn, handlers);
  }
}

function finishFrame(conn, handlers) {
  const parts = conn.parts;
  conn.parts = null;
  conn.collect = false;
  const opcode = conn.opcode;
  if (opcode === 9) {
    // ping → pong with the same payload (masked, zero key)
    const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    if (body.length === 0) conn.socket.write(PONG_EMPTY);
    else {
      const h = Buffer.from([0x8a, 0x80 | body.length, 0, 0, 0, 0]);
      conn.socket.write(Buffer.concat([h, body]));
    }
    return;
  }
  if (opcode === 10) return;
  if (opcode === 8) {
    conn.socket.end();
    return;
  }
  const text = (parts.length === 1 ? parts[0] : Buffer.concat(parts)).toString();
  handlers.onText?.(conn, text);
}

/**
 * Admission-storm client process: opens all its connections at once (no client-side limit)
 * and keeps each trying until it has joined the room, as a well-behaved client does: after an
 * HTTP 503 or 429 it waits the server's `Retry-After` plus up to 1 s of jitter; after any other
 * failure (reset, abnormal close, 20 s without a join) it backs off with full jitter (1 s base,
 * 30 s cap). Joined connections stay, with heartbeats. Driven by its parent over IPC.
 *
 * Parent → child:  {op:'start', cfg}  {op:'snap', id}
 * Child → parent:  {op:'snap', id, joined, joinedAtMs[], retries{cause: n}, abnormalCloses}
 */
import { connectRaw, sendText, PHASE } from '../lib/raw-ws.mjs';
import { receiverHeartbeat, receiverOnHandshakeText, receiverPath } from '../lib/wire.mjs';

process.on('disconnect', () => process.exit(0));

const BASE_MS = 1000;
const CAP_MS = 30_000;
const JOIN_TIMEOUT_MS = 20_000;

let cfg;
let t0 = 0;
const joinedAtMs = [];
const retries = {};
let abnormalCloses = 0;
/** Joins again after a connection that had joined was closed. */
let rejoined = 0;
const live = [];

function retry(client, cause, waitMs) {
  retries[cause] = (retries[cause] ?? 0) + 1;
  client.attempt++;
  setTimeout(() => open(client), waitMs);
}

function backoff(client) {
  return Math.random() * Math.min(CAP_MS, BASE_MS * 2 ** Math.min(client.attempt, 10));
}

function open(client) {
  let settled = false;
  const fail = (cause, waitMs) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    conn.socket.destroy();
    retry(client, cause, waitMs ?? backoff(client));
  };
  const conn = connectRaw(
    { host: cfg.host, port: cfg.port, path: receiverPath('stadium', cfg), localAddress: cfg.localAddresses[client.idx % cfg.localAddresses.length] },
    {
      onText(c, text) {
        if (c.phase !== PHASE.handshake) return;
        const step = receiverOnHandshakeText('stadium', text);
        if (step.send) sendText(c, step.send);
        if (step.error) fail('join refused');
        if (step.joined && !settled) {
          settled = true;
          clearTimeout(timer);
          c.phase = PHASE.joined;
          client.conn = c;
          if (client.everJoined) rejoined++;
          else joinedAtMs.push(performance.now() - t0);
          client.everJoined = true;
          live.push(c);
        }
      },
      onError(_c, err) {
        if (err.status === 503 || err.status === 429) fail(String(err.status), (err.retryAfterS ?? 1) * 1000 + Math.random() * 1000);
        else fail(err.code ?? 'error');
      },
      onClose(c) {
        if (settled && client.conn === c) {
          // Closed after it joined: count it and come back.
          abnormalCloses++;
          client.conn = null;
          retry(client, 'closed after join', backoff(client));
          return;
        }
        if (!settled) {
          abnormalCloses++;
          fail('closed before join');
        }
      },
    },
  );
  const timer = setTimeout(() => fail('timeout'), JOIN_TIMEOUT_MS);
}

function heartbeats() {
  const hb = receiverHeartbeat('stadium');
  const tickMs = 500;
  const slices = Math.max(1, Math.round(hb.everyMs / tickMs));
  let slice = 0;
  setInterval(() => {
    for (let i = slice; i < live.length; i += slices) if (live[i].phase === PHASE.joined) sendText(live[i], hb.text);
    slice = (slice + 1) % slices;
  }, tickMs).unref();
}

process.on('message', (msg) => {
  if (msg.op === 'start') {
    cfg = msg.cfg;
    t0 = performance.now() - (Date.now() - cfg.startAt);
    for (let i = 0; i < cfg.count; i++) open({ idx: i, attempt: 0, conn: null, everJoined: false });
    heartbeats();
    return;
  }
  if (msg.op === 'snap') process.send({ op: 'snap', id: msg.id, joined: joinedAtMs.length, joinedAtMs: msg.full ? joinedAtMs : undefined, retries, abnormalCloses, rejoined });
});

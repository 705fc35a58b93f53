/**
 * Load-generator process: holds up to ~18k receiver connections (raw WebSocket, bound to
 * several 127.0.0.x source addresses), joins them to the room, counts deliveries on every
 * connection and records publish→receive latency on a sample of them. Driven by its parent
 * over IPC; exits when the parent goes away.
 *
 * Parent → child:  {op:'start', cfg}  {op:'measure', from, to}  {op:'pause-slow'}  {op:'snap', id}  {op:'final', id}
 * Child → parent:  {op:'progress', opened, joined, failed}  {op:'ready', …}  {op:'snap', id, …}  {op:'final', id, …}
 */
import * as hdr from 'hdr-histogram-js';
import { connectRaw, sendText, PHASE } from '../lib/raw-ws.mjs';
import { messagesInFrame, nowMs, receiverControlReply, receiverHeartbeat, receiverOnHandshakeText, receiverOnOpen, receiverPath, sendTimeOf } from '../lib/wire.mjs';

process.on('disconnect', () => process.exit(0));

const conns = [];
let cfg;
let opened = 0;
let joined = 0;
let failed = 0;
let closedAfterJoin = 0;
let measureFrom = Infinity;
let measureTo = -Infinity;
let latencyOutside = 0;
const errors = new Map();
/** Merged latency (µs) of every sampled receiver, and each sampled receiver's own. */
const merged = newHist();
/** The same for High messages (gifts) only. */
const mergedHigh = newHist();
const perReceiver = [];

function newHist() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

function noteError(msg) {
  const key = String(msg).slice(0, 120);
  errors.set(key, (errors.get(key) ?? 0) + 1);
}

const handlers = {
  onOpen(conn) {
    opened++;
    const step = receiverOnOpen(cfg.system);
    if (step.joined) markJoined(conn);
  },
  onText(conn, text) {
    if (conn.phase === PHASE.handshake) {
      const step = receiverOnHandshakeText(cfg.system, text);
      if (step.send) sendText(conn, step.send);
      if (step.error) {
        noteError(step.error);
        failed++;
        conn.socket.destroy();
      }
      if (step.joined) markJoined(conn);
      // A frame with messages may come before the join result (Stadium resumes); count it.
      if (!step.send && !step.joined) countParsed(conn, text);
      return;
    }
    const reply = receiverControlReply(cfg.system, text);
    if (reply !== null) {
      sendText(conn, reply);
      return;
    }
    countParsed(conn, text);
  },
  onError(conn, err) {
    noteError(err.code ?? err.message);
    if (conn.phase !== PHASE.joined) failed++;
  },
  onClose(conn) {
    if (conn.wasJoined) closedAfterJoin++;
  },
};

/** A collected frame: parse it and count (and time, if sampled) the messages in it. */
function countParsed(conn, text) {
  let messages;
  try {
    messages = messagesInFrame(cfg.system, text);
  } catch (err) {
    noteError(`bad frame: ${err.message}`);
    return;
  }
  if (!messages) return;
  conn.count += messages.length;
  if (!conn.sample) return;
  const now = nowMs();
  for (const m of messages) {
    const sentAt = sendTimeOf(m);
    if (!(sentAt >= measureFrom && sentAt < measureTo)) {
      latencyOutside++;
      continue;
    }
    const us = Math.max(1, Math.round((now - sentAt) * 1000));
    conn.hist.recordValue(us);
    merged.recordValue(us);
    if (isHigh(m)) mergedHigh.recordValue(us);
  }
}

/** A gift (the mix's High message): its body is `^<time>|gift|…`. */
function isHigh(m) {
  const p = m.payload;
  const s = p?.text ?? p?.data;
  return typeof s === 'string' && s.includes('|gift|');
}

function markJoined(conn) {
  conn.phase = PHASE.joined;
  conn.wasJoined = true;
  joined++;
}

async function openAll() {
  const { count, host, port, localAddresses, sampleEvery, concurrency } = cfg;
  const path = receiverPath(cfg.system, cfg);
  let next = 0;
  await new Promise((resolve) => {
    let inFlight = 0;
    const pump = () => {
      while (inFlight < concurrency && next < count) {
        const idx = next++;
        inFlight++;
        const localAddress = localAddresses[idx % localAddresses.length];
        const conn = connectRaw({ host, port, path, localAddress }, handlers);
        conn.idx = idx;
        conn.slow = cfg.slowEvery > 0 && idx % cfg.slowEvery === cfg.slowEvery - 1;
        conn.sample = !conn.slow && idx % sampleEvery === 0;
        if (conn.sample) {
          conn.hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 2 });
          perReceiver.push(conn);
        }
        conns.push(conn);
        let done = false;
        const settle = () => {
          if (done) return;
          done = true;
          inFlight--;
          if (next < count) setImmediate(pump);
          else if (inFlight === 0) resolve();
        };
        const check = setInterval(() => {
          if (conn.phase === PHASE.joined || conn.phase === PHASE.closed) {
            clearInterval(check);
            settle();
          }
        }, 5);
        conn.socket.once('close', () => {
          clearInterval(check);
          settle();
        });
      }
    };
    pump();
  });
}

/** Heartbeats: one timer walks the connections so each gets a ping every `everyMs`. */
function startHeartbeats() {
  const hb = receiverHeartbeat(cfg.system);
  if (!hb) return;
  const tickMs = 500;
  const slices = Math.max(1, Math.round(hb.everyMs / tickMs));
  let slice = 0;
  setInterval(() => {
    for (let i = slice; i < conns.length; i += slices) {
      const c = conns[i];
      if (c.phase === PHASE.joined && !c.paused) sendText(c, hb.text);
    }
    slice = (slice + 1) % slices;
  }, tickMs).unref();
}

function tally() {
  let received = 0;
  let receivedSlow = 0;
  let fast = 0;
  let slow = 0;
  let open = 0;
  let minCount = Infinity;
  for (const c of conns) {
    if (c.phase !== PHASE.closed) open++;
    if (c.slow) {
      receivedSlow += c.count;
      slow++;
    } else {
      received += c.count;
      fast++;
      if (c.wasJoined && c.count < minCount) minCount = c.count;
    }
  }
  return { received, receivedSlow, fast, slow, open, minCount: minCount === Infinity ? 0 : minCount };
}

process.on('message', async (msg) => {
  switch (msg.op) {
    case 'start': {
      cfg = msg.cfg;
      const progress = setInterval(() => process.send({ op: 'progress', opened, joined, failed }), 1000);
      await openAll();
      clearInterval(progress);
      startHeartbeats();
      process.send({ op: 'ready', opened, joined, failed, errors: Object.fromEntries(errors) });
      return;
    }
    case 'measure':
      measureFrom = msg.from;
      measureTo = msg.to;
      return;
    case 'pause-slow': {
      let n = 0;
      for (const c of conns)
        if (c.slow && c.phase === PHASE.joined) {
          c.socket.pause();
          c.paused = true;
          n++;
        }
      process.send({ op: 'paused', n });
      return;
    }
    case 'snap':
      process.send({ op: 'snap', id: msg.id, ...tally(), closedAfterJoin });
      return;
    case 'final': {
      const p99s = perReceiver.filter((c) => c.hist.totalCount > 0).map((c) => c.hist.getValueAtPercentile(99));
      process.send({
        op: 'final',
        id: msg.id,
        ...tally(),
        closedAfterJoin,
        latencyOutside,
        sampled: perReceiver.length,
        receiverP99sUs: p99s,
        hist: hdr.encodeIntoCompressedBase64(merged),
        histHigh: hdr.encodeIntoCompressedBase64(mergedHigh),
        // Messages each fast receiver that joined got (for the share per member).
        fastCounts: conns.filter((c) => !c.slow && c.wasJoined).map((c) => c.count),
        errors: Object.fromEntries(errors),
      });
      return;
    }
  }
});

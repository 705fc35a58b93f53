/**
 * The publisher: one client that sends the message mix to the room at a fixed rate, each
 * message stamped with its send time. For Stadium it logs in (userSig), creates the room with
 * the run's rate limit, joins and sends `msg.send`; for Socket.IO it emits `send` with
 * socket.io-client; for the naive peer it writes the message on a plain WebSocket.
 *
 * Parent → child: {op:'setup', cfg}  {op:'send', rate, durationMs, bytes}  {op:'stats', id}
 * Child → parent: {op:'ready'}  {op:'sent', …}  {op:'stats', id, …}  {op:'error', message}
 */
import { io as ioClient } from 'socket.io-client';
import { connectRaw, sendText, PHASE } from '../lib/raw-ws.mjs';
import { makeMessage, nowMs, ROOM } from '../lib/wire.mjs';

process.on('disconnect', () => process.exit(0));

let cfg;
let link; // { send(message, k), close() }
const stats = { sent: 0, ok: 0, rateLimited: 0, failed: 0, lastError: '' };

function fail(message) {
  process.send({ op: 'error', message });
  setTimeout(() => process.exit(1), 100);
}

/** Stadium: raw WebSocket, login, create + join, then msg.send with responses tracked by id. */
function stadiumLink() {
  return new Promise((resolve) => {
    let nextId = 1;
    const waiting = new Map();
    const request = (cmd, body) =>
      new Promise((res) => {
        const id = nextId++;
        waiting.set(id, res);
        sendText(conn, JSON.stringify({ t: 'req', id, cmd, body }));
      });
    const conn = connectRaw(
      { host: cfg.host, port: cfg.port, path: `/ws?sdkappid=${cfg.sdkAppId}&v=1&platform=Web`, localAddress: '127.0.0.1' },
      {
        onText: async (c, text) => {
          if (text.startsWith('{"t":"hello"')) {
            c.phase = PHASE.joined; // collect every frame from now on (conn.sample)
            const login = await request('login', { userID: cfg.userId, userSig: cfg.userSig });
            if (login.code !== 0) return fail(`login: ${JSON.stringify(login)}`);
            const created = await request('group.create', {
              name: 'bench',
              type: 'AVChatRoom',
              groupID: ROOM,
              settings: { rateLimitPerSec: cfg.rateLimitPerSec, memberTips: false },
            });
            if (created.code !== 0 && created.name !== 'GROUP_ID_IN_USE') return fail(`group.create: ${JSON.stringify(created)}`);
            if (created.code !== 0) {
              const set = await request('group.settings', { groupID: ROOM, rateLimitPerSec: cfg.rateLimitPerSec, memberTips: false });
              if (set.code !== 0) return fail(`group.settings: ${JSON.stringify(set)}`);
            }
            const joined = await request('group.join', { groupID: ROOM });
            if (joined.code !== 0) return fail(`group.join: ${JSON.stringify(joined)}`);
            setInterval(() => sendText(conn, '{"t":"ping"}'), 20_000).unref();
            resolve({
              send(message) {
                request('msg.send', { groupID: ROOM, message }).then((r) => {
                  if (r.code === 0) stats.ok++;
                  else if (r.name === 'RATE_LIMITED') stats.rateLimited++;
                  else {
                    stats.failed++;
                    stats.lastError = r.name ?? String(r.code);
                  }
                });
              },
              close: () => conn.socket.destroy(),
            });
            return;
          }
          if (text.startsWith('{"t":"res"')) {
            const r = JSON.parse(text);
            const res = waiting.get(r.id);
            if (res) {
              waiting.delete(r.id);
              res(r);
            }
          }
        },
        onError: (c, err) => fail(`sender socket: ${err.message}`),
        onClose: () => {},
      },
    );
    conn.sample = true;
  });
}

/** Socket.IO: the official client; the server acks each `send`. */
function socketioLink() {
  return new Promise((resolve) => {
    const socket = ioClient(`http://${cfg.host}:${cfg.port}`, { transports: ['websocket'], reconnection: false });
    socket.on('connect_error', (err) => fail(`socket.io connect: ${err.message}`));
    socket.on('connect', () =>
      resolve({
        send(message) {
          socket.emit('send', message, () => stats.ok++);
        },
        close: () => socket.close(),
      }),
    );
  });
}

/** Naive ws peer: the sender connects with role=sender and writes each message. */
function naiveLink() {
  return new Promise((resolve) => {
    const conn = connectRaw(
      { host: cfg.host, port: cfg.port, path: '/?role=sender', localAddress: '127.0.0.1' },
      {
        onOpen: () =>
          resolve({
            send(message) {
              sendText(conn, JSON.stringify(message));
              stats.ok++;
            },
            close: () => conn.socket.destroy(),
          }),
        onError: (c, err) => fail(`sender socket: ${err.message}`),
      },
    );
  });
}

function runSend({ rate, durationMs, bytes }) {
  const periodMs = 1000 / rate;
  const t0 = nowMs();
  let k = 0;
  const timer = setInterval(
    () => {
      const now = nowMs();
      if (now - t0 >= durationMs) {
        clearInterval(timer);
        process.send({ op: 'sent', ...stats });
        return;
      }
      while (t0 + k * periodMs <= now) {
        link.send(makeMessage(k, bytes, nowMs()));
        stats.sent++;
        k++;
      }
    },
    Math.max(1, Math.min(10, periodMs / 2)),
  );
}

process.on('message', async (msg) => {
  try {
    switch (msg.op) {
      case 'setup':
        cfg = msg.cfg;
        link = await (cfg.system === 'stadium' ? stadiumLink() : cfg.system === 'socketio' ? socketioLink() : naiveLink());
        process.send({ op: 'ready' });
        return;
      case 'send':
        runSend(msg);
        return;
      case 'stats':
        process.send({ op: 'stats', id: msg.id, ...stats });
        return;
    }
  } catch (err) {
    fail(err.stack ?? String(err));
  }
});

#!/usr/bin/env node
/**
 * What a room message costs on the NATS bus: bus messages and bytes per room message with 1, 2
 * and 3 nodes (in this process, each with its own NatsBus connection to one nats-server, one
 * shared MemoryStore), with and without a batch window. Every node has members of the room;
 * one sender on node 0 sends `--rate` messages a second for `--seconds`. Counted on every
 * node's NATS connection, by kind of subject: room traffic (batches, counters), requests to
 * authorities (the sends), replies, presence (hello, probes). Needs `npm run build` first (it
 * loads the built server) and `nats-server` (Debian package; `NATS_SERVER` overrides the path).
 *
 * Usage: node bench/nats-bus.mjs [--members 20] [--rate 20] [--seconds 5] [--windows 0,250] [--json file]
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { createApp } from '../packages/server/dist/apps/create-app.js';
import { genUserSig } from '../packages/server/dist/auth/user-sig.js';
import { NatsBus } from '../packages/server/dist/bus/nats/nats-bus.js';
import { systemClock } from '../packages/server/dist/clock/clock.js';
import { startStadium } from '../packages/server/dist/server.js';
import { MemoryStore } from '../packages/server/dist/storage/memory-store.js';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '20' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '5' },
    windows: { type: 'string', default: '0,250' },
    json: { type: 'string' },
  },
});
const membersPerNode = Number(values.members);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const windows = values.windows.split(',').map(Number);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const binary = process.env.NATS_SERVER ?? ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));
if (!binary) throw new Error('nats-server is not installed (Debian: apt-get install nats-server; or set NATS_SERVER)');
const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const natsServer = spawn(binary, ['-p', String(port), '-a', '127.0.0.1'], { stdio: 'ignore' });
process.on('exit', () => natsServer.kill('SIGKILL'));
for (let i = 0; ; i++) {
  const ok = await new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
  if (ok) break;
  if (i > 200) throw new Error('nats-server did not start');
  await sleep(25);
}
const url = `nats://127.0.0.1:${port}`;

/** A raw protocol client (as test/support/raw-client.ts). */
async function client(base, query) {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?${query}`);
  const waiters = new Map();
  let nextId = 1;
  const c = { ws, seqs: [], request: null };
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.t === 'res') waiters.get(frame.id)?.(frame);
    if (frame.t === 'msgs') for (const m of frame.m) c.seqs.push(m.seq);
  });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  c.request = (cmd, body = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiters.set(id, resolve);
      ws.send(JSON.stringify({ t: 'req', id, cmd, body }));
    });
  return c;
}

function kindOf(subject) {
  const rest = subject.slice(subject.indexOf('.') + 1);
  if (rest.startsWith('room.')) return 'room';
  if (rest.startsWith('authority.')) return 'request';
  if (rest.startsWith('_r.')) return 'reply';
  if (rest.startsWith('_bus.') || rest.startsWith('_hello') || subject.startsWith('_INBOX.')) return 'presence';
  return 'other';
}

async function run(nodeCount, windowMs, prefix) {
  const nodeIds = Array.from({ length: nodeCount }, (_, i) => `b${i}`);
  const store = new MemoryStore();
  const app = await createApp(store, { name: 'bench' }, systemClock);
  const sig = (userId) => genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId, expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) });
  const counting = { on: false, out: {}, in: {} };
  const count = (direction, subject, bytes) => {
    if (!counting.on) return;
    const k = kindOf(subject);
    const bucket = (counting[direction][k] ??= { messages: 0, bytes: 0 });
    bucket.messages++;
    bucket.bytes += bytes;
  };
  const buses = [];
  const servers = [];
  for (const nodeId of nodeIds) {
    const bus = await NatsBus.connect(url, { node: nodeId, subjectPrefix: prefix, observe: count });
    buses.push(bus);
    servers.push(await startStadium({ port: 0, host: '127.0.0.1', nodeId, batchWindowMs: windowMs, logLevel: 'silent' }, { store, bus, nodes: nodeIds, clock: systemClock }));
  }
  const q = `sdkappid=${app.sdkAppId}&v=1`;
  const sender = await client(servers[0].url, q);
  await sender.request('login', { userID: 'sender', userSig: sig('sender') });
  const created = await sender.request('group.create', { name: 'bench', type: 'AVChatRoom', settings: { memberTips: false, rateLimitPerSec: Math.max(40, rate * 2) } });
  const groupID = created.data.group.groupID;
  await sender.request('group.join', { groupID });
  const members = [];
  for (const server of servers) for (let i = 0; i < membersPerNode; i++) members.push(await client(server.url, q));
  for (const m of members) await m.request('group.join', { groupID });
  await sleep(300);

  counting.on = true;
  let sent = 0;
  let refused = 0;
  const started = Date.now();
  const total = Math.round(rate * seconds);
  const answers = [];
  while (sent < total) {
    const due = started + (sent * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    answers.push(
      sender
        .request('msg.send', { groupID, message: { id: `m${sent}`, type: 'TIMTextElem', payload: { text: `message ${sent} of the benchmark` }, random: sent } })
        .then((r) => r.code === 0 || refused++),
    );
    sent++;
  }
  await Promise.all(answers);
  const deadline = Date.now() + 5000;
  while (members.some((m) => m.seqs.length < sent - refused) && Date.now() < deadline) await sleep(20);
  await sleep(Math.max(windowMs, 50) + 100);
  counting.on = false;

  const admitted = sent - refused;
  const exact = members.every((m) => m.seqs.length === admitted && m.seqs.every((s, i) => i === 0 || s === m.seqs[i - 1] + 1));
  const sum = (side, kinds) =>
    kinds.reduce((acc, k) => ({ messages: acc.messages + (side[k]?.messages ?? 0), bytes: acc.bytes + (side[k]?.bytes ?? 0) }), { messages: 0, bytes: 0 });
  const trafficKinds = ['room', 'request', 'reply', 'other'];
  const result = {
    nodes: nodeCount,
    windowMs,
    roomMessages: admitted,
    everyMemberGotEachOnceInOrder: exact,
    out: counting.out,
    in: counting.in,
    perRoomMessage: {
      published: { messages: sum(counting.out, trafficKinds).messages / admitted, bytes: sum(counting.out, trafficKinds).bytes / admitted },
      delivered: { messages: sum(counting.in, trafficKinds).messages / admitted, bytes: sum(counting.in, trafficKinds).bytes / admitted },
      roomTrafficDelivered: { messages: (counting.in.room?.messages ?? 0) / admitted, bytes: (counting.in.room?.bytes ?? 0) / admitted },
    },
  };
  for (const m of [...members, sender]) m.ws.close();
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(buses.map((b) => b.close()));
  return result;
}

const results = [];
let runs = 0;
for (const windowMs of windows) {
  for (const nodes of [1, 2, 3]) {
    const r = await run(nodes, windowMs, `bench${++runs}`);
    results.push(r);
    const p = r.perRoomMessage;
    process.stdout.write(
      `nodes ${nodes} window ${String(windowMs).padStart(3)} ms: ${r.roomMessages} room messages; per room message: published ${p.published.messages.toFixed(2)} msgs / ${p.published.bytes.toFixed(0)} B, delivered ${p.delivered.messages.toFixed(2)} msgs / ${p.delivered.bytes.toFixed(0)} B (room traffic ${p.roomTrafficDelivered.messages.toFixed(2)} msgs / ${p.roomTrafficDelivered.bytes.toFixed(0)} B); exactly once in order: ${r.everyMemberGotEachOnceInOrder}\n`,
    );
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify({ date: new Date().toISOString(), membersPerNode, rate, seconds, results }, null, 2) + '\n');
natsServer.kill('SIGTERM');
process.exit(0);

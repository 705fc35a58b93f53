/**
 * The naive floor: a plain `ws` server that relays each message of the sender to every member
 * of the room with `ws.send` (one frame and one socket write per member per message, no
 * batching). It stamps the same fields Stadium puts on a wire message, so bytes per message
 * match. Usage: node bench/peers/naive-ws-server.mjs --port N [--host H]
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } } });
const members = new Set();
let seq = 0;

const http = createServer((req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, clientTracking: false });
wss.on('connection', (ws, req) => {
  const sender = req.url.includes('role=sender');
  if (!sender) {
    members.add(ws);
    ws.on('close', () => members.delete(ws));
    return;
  }
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    const wire = { ...message, from: 'sender', nick: '', avatar: '', seq: ++seq, time: Math.floor(Date.now() / 1000) };
    const text = JSON.stringify(wire);
    for (const member of members) member.send(text);
  });
});
http.listen(Number(values.port), values.host, () => {
  process.stdout.write(`listening ${http.address().port}\n`);
});
process.on('SIGUSR2', () => globalThis.gc?.());
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

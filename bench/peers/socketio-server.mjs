/**
 * The Socket.IO 4.8 peer: receivers `join` the room (acked), the sender emits `send` and the
 * server does `io.to(room).emit('msgs', message)` for each message — Socket.IO's own
 * broadcast, which encodes once and writes the pre-built frame to each member. WebSocket
 * transport only, no compression. The message gets the same fields as Stadium's wire message.
 * Usage: node bench/peers/socketio-server.mjs --port N [--host H]
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } } });
let seq = 0;

const http = createServer();
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false, cors: { origin: '*' } });
io.on('connection', (socket) => {
  socket.on('join', (room, ack) => {
    socket.join(String(room));
    if (typeof ack === 'function') ack(true);
  });
  socket.on('send', (message, ack) => {
    const wire = { ...message, from: 'sender', nick: '', avatar: '', seq: ++seq, time: Math.floor(Date.now() / 1000) };
    io.to('bench').emit('msgs', wire);
    if (typeof ack === 'function') ack({ seq: wire.seq });
  });
});
http.listen(Number(values.port), values.host, () => {
  process.stdout.write(`listening ${http.address().port}\n`);
});
process.on('SIGUSR2', () => globalThis.gc?.());
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

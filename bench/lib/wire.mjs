/**
 * What the three systems under test look like on the wire, for the load generator: the URL
 * path, the handshake after the WebSocket opens, and where the benchmark messages are in a
 * frame. Every benchmark message's text starts with `^<send time ms>|` (see `makeMessage`).
 */

/** Systems the harness can drive. */
export const SYSTEMS = ['stadium', 'socketio', 'naive'];

/** Room used by every run. */
export const ROOM = 'bench';

/** WebSocket path of a receiver. */
export function receiverPath(system, { sdkAppId } = {}) {
  switch (system) {
    case 'stadium':
      return `/ws?sdkappid=${sdkAppId}&v=1&platform=Web`;
    case 'socketio':
      return '/socket.io/?EIO=4&transport=websocket';
    case 'naive':
      return `/?room=${ROOM}`;
    default:
      throw new Error(`unknown system ${system}`);
  }
}

/**
 * Handshake step for a receiver: given a text frame received before it joined, return
 * `{ send?: string, joined?: boolean }`. `onOpen` gives the first step right after the upgrade.
 */
export function receiverOnOpen(system) {
  if (system === 'naive') return { joined: true };
  return {};
}

export function receiverOnHandshakeText(system, text) {
  switch (system) {
    case 'stadium': {
      if (text.startsWith('{"t":"hello"')) return { send: JSON.stringify({ t: 'req', id: 1, cmd: 'group.join', body: { groupID: ROOM } }) };
      if (text.startsWith('{"t":"res","id":1,')) {
        if (text.startsWith('{"t":"res","id":1,"code":0')) return { joined: true };
        return { error: text.slice(0, 200) };
      }
      return {};
    }
    case 'socketio': {
      if (text.startsWith('0{')) return { send: '40' };
      if (text.startsWith('40')) return { send: `420["join","${ROOM}"]` };
      if (text.startsWith('430')) return { joined: true };
      if (text === '2') return { send: '3' };
      if (text.startsWith('44')) return { error: text.slice(0, 200) };
      return {};
    }
    default:
      return {};
  }
}

/** Reply to a small frame seen after joining (Socket.IO's ping), or null. */
export function receiverControlReply(system, text) {
  if (system === 'socketio' && text === '2') return '3';
  return null;
}

/** Heartbeat a receiver must send on its own, and how often (ms), or null. */
export function receiverHeartbeat(system) {
  if (system === 'stadium') return { text: '{"t":"ping"}', everyMs: 20_000 };
  return null;
}

/**
 * The benchmark messages in a frame's text, as parsed JSON objects (the sampled receivers
 * parse every frame; the others only count markers).
 */
export function messagesInFrame(system, text) {
  switch (system) {
    case 'stadium': {
      if (!text.startsWith('{"t":"msgs"')) return null;
      return JSON.parse(text).m;
    }
    case 'socketio': {
      if (!text.startsWith('42')) return null;
      const packet = JSON.parse(text.slice(2));
      return packet[0] === 'msgs' ? [packet[1]] : null;
    }
    case 'naive': {
      if (text.charCodeAt(0) !== 0x7b) return null;
      return [JSON.parse(text)];
    }
    default:
      return null;
  }
}

/** Send time (ms, fractional) carried in a message, or NaN. */
export function sendTimeOf(message) {
  const p = message.payload;
  const s = p.text ?? p.data;
  if (typeof s !== 'string' || s.charCodeAt(0) !== 0x5e) return NaN;
  return Number(s.slice(1, s.indexOf('|')));
}

/** Wall-clock time in ms with sub-ms resolution, comparable across processes on one host. */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

const FILLER = 'x'.repeat(400);

/**
 * The k-th message of the mix. Of every 20: 12 comments (Normal, text), 7 likes (Low,
 * custom), 1 gift (High, custom). The text (or custom data) is `bytes` long and starts
 * with the send time.
 */
export function makeMessage(k, bytes, sentAt) {
  const slot = k % 20;
  const kind = slot === 19 ? 'gift' : slot % 3 === 1 ? 'like' : 'comment';
  const head = `^${sentAt.toFixed(3)}|${kind}|`;
  const body = head + FILLER.slice(0, Math.max(0, bytes - head.length));
  const id = `b${k}`;
  const random = (k * 2654435761) >>> 0;
  if (kind === 'comment') return { id, type: 'TIMTextElem', payload: { text: body }, priority: 'Normal', random };
  return {
    id,
    type: 'TIMCustomElem',
    payload: { data: body, description: kind, extension: '' },
    priority: kind === 'gift' ? 'High' : 'Low',
    random,
  };
}

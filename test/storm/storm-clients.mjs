/**
 * A child process of the restart-storm test: it holds many SDK guest instances in one room
 * (one process holds at most 20,000 open files, so the storm is spread over several) and
 * answers the test's commands over IPC:
 *
 * - `{ cmd: 'join', servers, sdkAppId, groupID, count, reconnectBaseMs, reconnectMaxMs }`:
 *   create `count` instances and join each to the room; answers `{ joined, ms }`;
 * - `{ cmd: 'wait', text, timeoutMs }`: answers `{ ms, waiting }` once every instance has
 *   received a text message `text` (or at the timeout, with how many still wait);
 * - `{ cmd: 'report', expected }`: answers, over every instance, how many received exactly the
 *   texts `expected`, in order and once each, with no `GROUP_MESSAGES_MISSED` (`complete`),
 *   and counts of duplicates, missing, out-of-order and missed-range events;
 * - `{ cmd: 'destroy' }`: destroys every instance and exits.
 */
import TIM from '@stadium/sdk';

/** How many instances join at the same time (the rest wait their turn). */
const JOIN_CONCURRENCY = 500;

/** What the instances logged, by message with its numbers blanked (diagnostics for the report). */
const logged = new Map();
for (const level of ['debug', 'info', 'log', 'warn', 'error']) {
  console[level] = (...args) => {
    const key = `${level} ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')}`.replace(/\d+/g, 'N').slice(0, 120);
    logged.set(key, (logged.get(key) ?? 0) + 1);
  };
}

/** @type {{ tim: import('@stadium/sdk').Client, texts: string[], missed: number }[]} */
const clients = [];
/** @type {Map<string, Set<() => void>>} */
const waiters = new Map();

function received(client, text) {
  client.texts.push(text);
  const set = waiters.get(text);
  if (set) for (const done of set) done();
}

async function join({ servers, sdkAppId, groupID, count, reconnectBaseMs, reconnectMaxMs }) {
  const started = Date.now();
  const pending = [];
  for (let i = 0; i < count; i++) {
    const tim = TIM.createInstance({ SDKAppID: sdkAppId, server: servers, reconnectBaseMs, reconnectMaxMs });
    tim.setLogLevel(Number(process.env.STORM_SDK_LOG_LEVEL ?? 4));
    const client = { tim, texts: [], missed: 0, missedReasons: {}, net: 'none', opens: 0 };
    tim.on(TIM.EVENT.MESSAGE_RECEIVED, ({ data }) => {
      for (const m of data) if (m.type === TIM.TYPES.MSG_TEXT) received(client, m.payload.text);
    });
    tim.on(TIM.EVENT.GROUP_MESSAGES_MISSED, ({ data }) => {
      client.missed++;
      const key = data.reason === 'expired' ? `expired ${data.fromSeq}-${data.toSeq}` : data.reason;
      client.missedReasons[key] = (client.missedReasons[key] ?? 0) + 1;
    });
    tim.on(TIM.EVENT.NET_STATE_CHANGE, ({ data }) => {
      client.net = data.state;
      if (data.state === TIM.TYPES.NET_STATE_CONNECTED) client.opens++;
    });
    clients.push(client);
    pending.push(tim.joinGroup({ groupID }));
    if (pending.length >= JOIN_CONCURRENCY) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return { joined: clients.length, ms: Date.now() - started };
}

function wait({ text, timeoutMs }) {
  const started = Date.now();
  const lacking = new Set(clients.filter((c) => !c.texts.includes(text)));
  if (lacking.size === 0) return { ms: 0, waiting: 0 };
  return new Promise((resolve) => {
    const check = () => {
      for (const c of lacking) if (c.texts.includes(text)) lacking.delete(c);
      if (lacking.size > 0) return;
      finish();
    };
    const finish = () => {
      clearTimeout(timer);
      waiters.get(text)?.delete(check);
      resolve({ ms: Date.now() - started, waiting: lacking.size });
    };
    const timer = setTimeout(finish, timeoutMs);
    if (!waiters.has(text)) waiters.set(text, new Set());
    waiters.get(text).add(check);
  });
}

function report({ expected }) {
  const result = { clients: clients.length, complete: 0, duplicates: 0, missing: 0, outOfOrder: 0, missedEvents: 0, missedReasons: {}, netStates: {}, opens: {} };
  const want = expected.join('\n');
  for (const c of clients) {
    result.missedEvents += c.missed;
    for (const [k, n] of Object.entries(c.missedReasons)) result.missedReasons[k] = (result.missedReasons[k] ?? 0) + n;
    result.netStates[c.net] = (result.netStates[c.net] ?? 0) + 1;
    result.opens[c.opens] = (result.opens[c.opens] ?? 0) + 1;
    const seen = new Set(c.texts);
    result.duplicates += c.texts.length - seen.size;
    result.missing += expected.filter((t) => !seen.has(t)).length;
    const order = c.texts.filter((t) => expected.includes(t));
    if (order.some((t, i) => i > 0 && expected.indexOf(t) < expected.indexOf(order[i - 1]))) result.outOfOrder++;
    if (c.texts.join('\n') === want && c.missed === 0) result.complete++;
    else if ((result.incompleteSamples ??= []).length < 5) result.incompleteSamples.push({ texts: c.texts, missed: c.missedReasons, opens: c.opens, net: c.net });
  }
  result.logged = Object.fromEntries([...logged].sort((a, b) => b[1] - a[1]).slice(0, 20));
  return result;
}

process.on('message', async (message) => {
  try {
    switch (message.cmd) {
      case 'join':
        process.send({ id: message.id, ok: true, value: await join(message) });
        return;
      case 'wait':
        process.send({ id: message.id, ok: true, value: await wait(message) });
        return;
      case 'report':
        process.send({ id: message.id, ok: true, value: report(message) });
        return;
      case 'destroy':
        await Promise.all(clients.map((c) => c.tim.destroy()));
        process.send({ id: message.id, ok: true, value: null }, () => process.exit(0));
        return;
      default:
        process.send({ id: message.id, ok: false, error: `unknown command ${String(message.cmd)}` });
    }
  } catch (error) {
    process.send({ id: message.id, ok: false, error: String(error?.stack ?? error) });
  }
});
process.send({ ready: true });

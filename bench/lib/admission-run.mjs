/**
 * The admission scenario (issue 12, item 4): N clients open their connections at once against
 * `stadium start --workers W` with the server's own admission control (handshakesPerSec and
 * its burst at their defaults; only the per-address limits are lifted, since every client comes
 * from a few local addresses), retry as well-behaved clients (gen/admission-clients.mjs) and
 * join one room. Reports how fast they are admitted, what the clients went through, and
 * whether the server stayed up within bounded memory.
 */
import { fileURLToPath } from 'node:url';
import { ask, once, SENDER } from './fanout-run.mjs';
import { coresBetween, forkTracked, killAll, processTree, treeUsage } from './procs.mjs';
import { startSystem } from './systems.mjs';

const CLIENTS = fileURLToPath(new URL('../gen/admission-clients.mjs', import.meta.url));
const PER_PROCESS = 16_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);
const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

export async function admissionRun({ members, workers, maxSeconds = 300 }) {
  const started = new Date().toISOString();
  log(`── admission: ${members} clients at once against stadium start --workers ${workers}`);
  const sys = await startSystem({ system: 'stadium', workers, profile: 'defaults', serverAdmission: true });
  try {
    await sleep(1000);
    const sender = forkTracked(SENDER);
    sender.send({ op: 'setup', cfg: { system: 'stadium', host: sys.host, port: sys.port, sdkAppId: sys.sdkAppId, userSig: sys.userSig, userId: sys.userId, rateLimitPerSec: 40 } });
    await once(sender, 'ready', 20_000);
    const workerPids = () => new Set(processTree(sys.pid).slice(1));
    const firstPids = workerPids();
    const seenPids = new Set(firstPids);
    const g = Math.ceil(members / PER_PROCESS);
    const gens = [];
    const startAt = Date.now();
    const u0 = treeUsage([sys.pid]);
    for (let i = 0; i < g; i++) {
      const count = Math.floor(members / g) + (i < members % g ? 1 : 0);
      const gen = forkTracked(CLIENTS, [], { execArgv: ['--max-old-space-size=4096'] });
      gen.send({ op: 'start', cfg: { host: sys.host, port: sys.port, sdkAppId: sys.sdkAppId, count, localAddresses: [1, 2, 3, 4].map((k) => `127.0.${i + 10}.${k}`), startAt } });
      gens.push(gen);
    }
    const curve = [];
    let rssPeak = 0;
    let joined = 0;
    while ((Date.now() - startAt) / 1000 < maxSeconds) {
      await sleep(1000);
      const snaps = await ask(gens, 'snap');
      joined = snaps.reduce((n, s) => n + s.joined, 0);
      const usage = treeUsage([sys.pid]);
      rssPeak = Math.max(rssPeak, usage.rss);
      for (const pid of workerPids()) seenPids.add(pid);
      curve.push({ s: Math.round((Date.now() - startAt) / 1000), joined, rssMB: round(usage.rss / 2 ** 20, 0) });
      if (curve.length % 5 === 0) log(`   ${curve.at(-1).s} s: ${joined}/${members} joined, server ${curve.at(-1).rssMB} MB`);
      if (joined >= members) break;
    }
    const u1 = treeUsage([sys.pid]);
    const gensUsage = treeUsage(gens.map((x) => x.pid));
    const finals = await ask(gens, 'snap', { full: true }, 60_000);
    const times = finals.flatMap((f) => f.joinedAtMs).sort((a, b) => a - b);
    const at = (q) => (times.length >= Math.ceil(q * members) ? round(times[Math.ceil(q * members) - 1] / 1000, 1) : null);
    const retries = {};
    for (const f of finals) for (const [k, v] of Object.entries(f.retries)) retries[k] = (retries[k] ?? 0) + v;
    let peakPerSec = 0;
    for (let i = 1; i < curve.length; i++) peakPerSec = Math.max(peakPerSec, curve[i].joined - curve[i - 1].joined);
    const result = {
      scenario: 'admission',
      started,
      members,
      workers,
      serverOptions: 'server defaults; per-address limits lifted (maxConnectionsPerIp, handshakesPerIpPerSec, handshakeBurstPerIp)',
      joined: times.length,
      secondsTo50: at(0.5),
      secondsTo90: at(0.9),
      secondsTo99: at(0.99),
      secondsToAll: at(1),
      admittedPerSecAverage: times.length ? Math.round(times.length / (times.at(-1) / 1000)) : 0,
      admittedPerSecPeak: peakPerSec,
      clientRetries: retries,
      clientRetriesTotal: Object.values(retries).reduce((a, b) => a + b, 0),
      abnormalCloses: finals.reduce((n, f) => n + f.abnormalCloses, 0),
      rejoinedAfterClose: finals.reduce((n, f) => n + f.rejoined, 0),
      serverProcessesSeen: seenPids.size,
      workerRestarts: seenPids.size - firstPids.size,
      serverAlive: processTree(sys.pid).length > 1,
      serverRssPeakMB: round(rssPeak / 2 ** 20, 1),
      serverCores: round(coresBetween(u0, u1).cores, 2),
      generatorRssMB: round(gensUsage.rss / 2 ** 20, 1),
      curve,
    };
    log(
      `   ${result.joined}/${members} joined; 50/90/99/100 % at ${result.secondsTo50}/${result.secondsTo90}/${result.secondsTo99}/${result.secondsToAll} s; ` +
        `${result.clientRetriesTotal} retries ${JSON.stringify(retries)}, ${result.abnormalCloses} abnormal closes, ${result.workerRestarts} worker restarts, server peak ${result.serverRssPeakMB} MB`,
    );
    return result;
  } finally {
    await killAll();
    sys.cleanup();
  }
}

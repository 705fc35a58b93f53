/**
 * One measured run: start a system, connect N receivers from several generator processes,
 * publish the message mix at a fixed rate, measure a steady-state window, drain, and return
 * deliveries/s, latency percentiles, delivered ratio, CPU and memory. With `idle: true` no
 * message is sent and the run measures memory per connection instead.
 */
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';
import { coresBetween, forkTracked, kernelMemory, killAll, machineBusyCores, machineCpu, treeUsage } from './procs.mjs';
import { clusterFigures, startCluster } from './cluster.mjs';
import { startSystem } from './systems.mjs';
import { nowMs } from './wire.mjs';

const GEN = fileURLToPath(new URL('../gen/receivers.mjs', import.meta.url));
export const SENDER = fileURLToPath(new URL('../gen/sender.mjs', import.meta.url));
/** At most this many sockets per generator process (the fd limit here is 20,000). */
export const MAX_PER_GENERATOR = 18_000;
const NCPU = cpus().length;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

/** Ask every child for a message `op` and wait for the matching answers. */
export function ask(children, op, extra = {}, timeoutMs = 20_000) {
  const id = Math.random();
  return Promise.all(
    children.map(
      (c) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${op} timed out`)), timeoutMs);
          const on = (m) => {
            if (m.op === op && m.id === id) {
              clearTimeout(timer);
              c.off('message', on);
              resolve(m);
            }
          };
          c.on('message', on);
          c.send({ op, id, ...extra });
        }),
    ),
  );
}

export function once(child, op, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`waiting for ${op} timed out after ${timeoutMs} ms`)), timeoutMs);
    const on = (m) => {
      if (m.op === 'error') {
        clearTimeout(timer);
        child.off('message', on);
        reject(new Error(m.message));
      } else if (m.op === op) {
        clearTimeout(timer);
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
  });
}

const sum = (list, key) => list.reduce((a, x) => a + (x[key] ?? 0), 0);

/**
 * Wait (at most `maxS`) until the machine is quiet — less than 0.3 busy cores over a second —
 * so runs do not overlap other work on the box. Returns the last busy figure.
 */
export async function waitQuiet(maxS = 90) {
  let busy = Infinity;
  const until = performance.now() + maxS * 1000;
  while (performance.now() < until) {
    const a = machineCpu();
    await sleep(1000);
    busy = machineBusyCores(a, machineCpu(), NCPU);
    if (busy < 0.3) break;
  }
  return { busy };
}

/** How many generator processes for N receivers. */
export function generatorCount(members) {
  if (members <= 2000) return 1;
  return Math.max(2, Math.ceil(members / 16_000));
}

/**
 * opts: { system, members, rate, bytes, windowMs, warmupS, durationS, drainMaxS, slowFraction,
 *         workers, idle, sampleTarget, highWaterBytes, maxPendingBytes, slowTimeoutMs,
 *         nodes, quietMaxS }
 * With `nodes` (Stadium only) the system is a cluster of that many `stadium start` processes
 * over NATS and PostgreSQL (lib/cluster.mjs): the receivers are spread evenly over the nodes
 * (one generator per node), and the result gets per-node CPU and NATS counters.
 */
export async function fanoutRun(opts) {
  const o = { rate: 40, bytes: 150, windowMs: 250, warmupS: 3, durationS: 15, drainMaxS: 15, slowFraction: 0, workers: 0, idle: false, sampleTarget: 200, quietMaxS: 90, ...opts };
  const started = new Date().toISOString();
  const tag = `${o.system}${o.workers ? `×${o.workers}w` : ''}${o.nodes ? ` ${o.nodes} node${o.nodes > 1 ? 's' : ''}` : ''} N=${o.members}${o.idle ? ' idle' : ` ${o.rate} msg/s`}${o.slowFraction ? ` slow=${o.slowFraction}` : ''}${o.profile === 'defaults' ? ' (server defaults)' : ''}`;
  log(`── ${tag}`);
  const quiet = await waitQuiet(o.quietMaxS);
  if (quiet.busy > 0.3) log(`   machine not quiet: ${quiet.busy.toFixed(2)} cores busy before the run`);
  const kernel0 = kernelMemory();
  const sys = await (o.nodes ? startCluster(o) : startSystem(o));
  const pids = sys.pids ?? [sys.pid];
  try {
    await sleep(1000);
    if (sys.gcSignal) {
      process.kill(sys.pid, 'SIGUSR2');
      await sleep(500);
    }
    const base = treeUsage([sys.pid]);
    const kernelBase = kernelMemory();

    // Sender first: for Stadium it creates the room the receivers join.
    let sender = null;
    if (!o.idle) {
      sender = forkTracked(SENDER);
      sender.send({
        op: 'setup',
        cfg: {
          system: o.system,
          host: sys.host,
          port: sys.port,
          sdkAppId: sys.sdkAppId,
          userSig: sys.userSig,
          userId: sys.userId,
          rateLimitPerSec: Math.max(100, Math.ceil(o.rate * 4)),
        },
      });
      await once(sender, 'ready', 20_000);
    } else if (o.system === 'stadium') {
      // idle receivers still join a room: create it with a short-lived sender
      sender = forkTracked(SENDER);
      sender.send({
        op: 'setup',
        cfg: { system: o.system, host: sys.host, port: sys.port, sdkAppId: sys.sdkAppId, userSig: sys.userSig, userId: sys.userId, rateLimitPerSec: 40 },
      });
      await once(sender, 'ready', 20_000);
    }

    // Receivers.
    const g = sys.targets ? sys.targets.length : generatorCount(o.members);
    const sampleEvery = Math.max(1, Math.round(o.members / o.sampleTarget));
    const slowEvery = o.slowFraction > 0 ? Math.round(1 / o.slowFraction) : 0;
    const gens = [];
    let assigned = 0;
    for (let i = 0; i < g; i++) {
      const count = Math.floor(o.members / g) + (i < o.members % g ? 1 : 0);
      if (count > MAX_PER_GENERATOR) throw new Error(`too many sockets per generator (${count})`);
      const gen = forkTracked(GEN, [], { execArgv: ['--max-old-space-size=4096'] });
      const localAddresses = [1, 2, 3, 4].map((k) => `127.0.${i + 10}.${k}`);
      gen.send({
        op: 'start',
        cfg: {
          system: o.system,
          host: sys.targets ? sys.targets[i].host : sys.host,
          port: sys.targets ? sys.targets[i].port : sys.port,
          sdkAppId: sys.sdkAppId,
          count,
          localAddresses,
          sampleEvery,
          slowEvery,
          concurrency: o.system === 'socketio' ? 64 : 128,
          offset: assigned,
        },
      });
      assigned += count;
      gens.push(gen);
    }
    const tConnect = performance.now();
    const progress = new Map();
    for (const [i, gen] of gens.entries()) gen.on('message', (m) => m.op === 'progress' && progress.set(i, m));
    const ticker = setInterval(() => {
      const p = [...progress.values()];
      log(`   connecting: ${sum(p, 'joined')}/${o.members} joined, ${sum(p, 'failed')} failed`);
    }, 5000);
    const readies = await Promise.all(gens.map((gen) => once(gen, 'ready', 60_000 + o.members * 3)));
    clearInterval(ticker);
    const connectSecs = (performance.now() - tConnect) / 1000;
    const joined = sum(readies, 'joined');
    const failed = sum(readies, 'failed');
    log(`   ${joined} joined in ${connectSecs.toFixed(1)} s (${failed} failed)`);
    const errors = Object.assign({}, ...readies.map((r) => r.errors));

    const result = {
      scenario: o.idle ? 'idle' : 'fanout',
      system: o.system,
      profile: o.system === 'stadium' ? (o.profile ?? 'fixed') : undefined,
      fanoutLagTargetMs: o.system === 'stadium' ? (o.lagTargetMs ?? 'server default') : undefined,
      workers: o.workers,
      members: o.members,
      joined,
      failed,
      connectSecs: round(connectSecs, 1),
      connectErrors: errors,
      generators: g,
      notes: sys.notes,
      started,
      busyCoresBeforeRun: round(quiet.busy, 2),
    };

    if (o.idle) {
      await sleep(3000);
      if (sys.gcSignal) {
        process.kill(sys.pid, 'SIGUSR2');
        await sleep(1500);
      }
      const after = treeUsage([sys.pid]);
      const kAfter = kernelMemory();
      const gensUsage = treeUsage(gens.map((x) => x.pid));
      // idle upkeep: CPU of the server over 10 s of heartbeats only
      const c0 = treeUsage([sys.pid]);
      await sleep(10_000);
      const c1 = treeUsage([sys.pid]);
      Object.assign(result, {
        serverProcesses: after.procs,
        serverRssBaseMB: round(base.rss / 2 ** 20, 1),
        serverRssMB: round(after.rss / 2 ** 20, 1),
        rssPerConnBytes: Math.round((after.rss - base.rss) / joined),
        kernelSlabPerConnBytes: Math.round((kAfter.slab - kernelBase.slab) / joined),
        kernelNote: 'slab delta over both ends of each loopback connection (server + generator socket)',
        tcpSocketsInUse: kAfter.tcpInuse,
        generatorRssPerConnBytes: Math.round(gensUsage.rss / joined),
        idleServerCores: round(coresBetween(c0, c1).cores, 3),
        gcBeforeMeasure: sys.gcSignal,
      });
      log(`   RSS/conn ${result.rssPerConnBytes} B, kernel slab/conn ${result.kernelSlabPerConnBytes} B, idle CPU ${result.idleServerCores}`);
      return result;
    }

    if (o.slowFraction > 0) {
      const paused = await Promise.all(
        gens.map(
          (gen) =>
            new Promise((r) => {
              gen.once('message', (m) => m.op === 'paused' && r(m.n));
              gen.send({ op: 'pause-slow' });
            }),
        ),
      );
      result.slowPaused = paused.reduce((a, b) => a + b, 0);
    }
    const afterJoin = treeUsage(pids);
    result.serverRssAfterJoinMB = round(afterJoin.rss / 2 ** 20, 1);

    // A cluster: what the bus carries with no message (presence), over 3 s, and where the
    // room's authority is.
    let idle0 = null;
    let idle1 = null;
    let healthAfterJoin = null;
    if (sys.sample) {
      healthAfterJoin = await sys.health();
      idle0 = await sys.sample();
      await sleep(3000);
      idle1 = await sys.sample();
    }

    // Publish: warm-up, then the measured window.
    const totalMs = (o.warmupS + o.durationS) * 1000;
    const sentP = once(sender, 'sent', totalMs + 30_000);
    sender.send({ op: 'send', rate: o.rate, durationMs: totalMs, bytes: o.bytes });
    await sleep(o.warmupS * 1000);
    const from = nowMs();
    const to = from + o.durationS * 1000;
    for (const gen of gens) gen.send({ op: 'measure', from, to });
    const s0 = await ask(gens, 'snap');
    const c0 = await sys.sample?.();
    const c0m = o.system === 'stadium' && !o.nodes ? await scrapeCounters(sys) : null;
    const u0 = treeUsage(pids);
    const gu0 = treeUsage(gens.map((x) => x.pid));
    const m0 = machineCpu();
    let rssPeak = u0.rss;
    const rssTimer = setInterval(() => {
      rssPeak = Math.max(rssPeak, treeUsage(pids).rss);
    }, 1000);
    await sleep(Math.max(0, to - nowMs()));
    const s1 = await ask(gens, 'snap');
    const u1 = treeUsage(pids);
    const c1 = await sys.sample?.();
    const gu1 = treeUsage(gens.map((x) => x.pid));
    const m1 = machineCpu();
    clearInterval(rssTimer);
    const kPeak = kernelMemory();
    await sentP;

    // Drain: wait until counts stop moving (or the cap).
    let last = -1;
    let still = 0;
    const drainStart = performance.now();
    while ((performance.now() - drainStart) / 1000 < o.drainMaxS) {
      await sleep(1000);
      const s = await ask(gens, 'snap');
      const total = sum(s, 'received');
      if (total === last) {
        if (++still >= 2) break;
      } else still = 0;
      last = total;
    }
    const drainSecs = (performance.now() - drainStart) / 1000;
    const senderStats = await ask([sender], 'stats');
    const c1m = c0m ? await scrapeCounters(sys) : null;
    const finals = await ask(gens, 'final', {}, 60_000);

    const merged = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
    for (const f of finals) merged.add(hdr.decodeFromCompressedBase64(f.hist));
    const mergedHigh = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
    for (const f of finals) if (f.histHigh) mergedHigh.add(hdr.decodeFromCompressedBase64(f.histHigh));
    const p99s = finals.flatMap((f) => f.receiverP99sUs).sort((a, b) => a - b);
    // Stadium answers each msg.send after publishing it; a response still in flight counts as
    // accepted (only RATE_LIMITED and other failures are not).
    const accepted = o.system === 'stadium' ? senderStats[0].sent - senderStats[0].rateLimited - senderStats[0].failed : senderStats[0].sent;
    const fast = sum(finals, 'fast');
    const fastJoined = fast; // every fast receiver joined, or counted as failed above
    const received = sum(finals, 'received');
    const ms = (us) => round(us / 1000, 1);
    const secs = o.durationS;
    const serverCpu = coresBetween(u0, u1);
    Object.assign(result, {
      rate: o.rate,
      bytes: o.bytes,
      windowMs: o.system === 'stadium' ? o.windowMs : null,
      slowFraction: o.slowFraction,
      durationS: o.durationS,
      warmupS: o.warmupS,
      sent: senderStats[0].sent,
      accepted,
      rateLimited: senderStats[0].rateLimited ?? 0,
      senderFailed: senderStats[0].failed ?? 0,
      senderLastError: senderStats[0].lastError || undefined,
      deliveriesPerSec: Math.round((sum(s1, 'received') - sum(s0, 'received')) / secs),
      expectedPerSec: Math.round(o.rate * (fastJoined - (o.system === 'stadium' ? 0 : 0))),
      deliveredRatio: round(received / Math.max(1, accepted * fastJoined), 4),
      drainSecs: round(drainSecs, 1),
      latencySamples: merged.totalCount,
      sampledReceivers: sum(finals, 'sampled'),
      p50ms: ms(merged.getValueAtPercentile(50)),
      p90ms: ms(merged.getValueAtPercentile(90)),
      p99ms: ms(merged.getValueAtPercentile(99)),
      p999ms: ms(merged.getValueAtPercentile(99.9)),
      maxMs: ms(merged.maxValue),
      highSamples: mergedHigh.totalCount,
      highP50ms: ms(mergedHigh.getValueAtPercentile(50)),
      highP99ms: ms(mergedHigh.getValueAtPercentile(99)),
      highMaxMs: ms(mergedHigh.maxValue),
      memberShare: shareOf(
        finals.flatMap((f) => f.fastCounts ?? []),
        accepted,
      ),
      serverCounters: c0m && c1m ? counterDeltas(c0m, c1m) : undefined,
      receiverP99MedianMs: p99s.length ? ms(p99s[Math.floor(p99s.length / 2)]) : null,
      receiverP99WorstMs: p99s.length ? ms(p99s[p99s.length - 1]) : null,
      closedDuringRun: sum(finals, 'closedAfterJoin'),
      serverProcesses: u1.procs,
      serverCores: round(serverCpu.cores, 2),
      serverUserCores: round(serverCpu.user, 2),
      serverSysCores: round(serverCpu.sys, 2),
      generatorCores: round(coresBetween(gu0, gu1).cores, 2),
      machineBusyCores: round(machineBusyCores(m0, m1, NCPU), 2),
      otherCores: round(Math.max(0, machineBusyCores(m0, m1, NCPU) - serverCpu.cores - coresBetween(gu0, gu1).cores), 2),
      serverRssPeakMB: round(rssPeak / 2 ** 20, 1),
      tcpBufferMB: round(kPeak.tcpMemBytes / 2 ** 20, 1),
      receiveErrors: Object.assign({}, ...finals.map((f) => f.errors)),
    });
    if (sys.sample) {
      const roomMessages = o.rate * o.durationS * (accepted / Math.max(1, senderStats[0].sent));
      result.cluster = clusterFigures({ sys, idle0, idle1, c0, c1, roomMessages, finals, accepted, healthAfterJoin });
    }
    result.deliveriesPerServerCore = result.serverCores > 0 ? Math.round(result.deliveriesPerSec / result.serverCores) : null;
    log(
      `   ${result.deliveriesPerSec.toLocaleString('en')} deliveries/s (expected ${result.expectedPerSec.toLocaleString('en')}), ` +
        `delivered ${(result.deliveredRatio * 100).toFixed(2)} %, p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, max ${result.maxMs} ms, ` +
        `High p99 ${result.highP99ms} ms, share min/p50 ${result.memberShare?.min}/${result.memberShare?.p50}, ` +
        `server ${result.serverCores} cores, gens ${result.generatorCores}, rss ${result.serverRssPeakMB} MB`,
    );
    void kernel0;
    return result;
  } finally {
    await killAll();
    sys.cleanup();
  }
}

/** Counters (Stadium's /metrics) the overload runs report, summed over their labels' values by name{label}. */
const COUNTERS =
  /^(stadium_messages_shed_total|stadium_downstream_sampled_total|stadium_slow_consumer_drops_total|stadium_fanout_lag_steps_total|stadium_fanout_merged_batches_total|stadium_slow_consumer_closes_total)(\{[^}]*\})? ([0-9.e+]+)$/;

async function scrapeCounters(sys) {
  try {
    const text = await (await fetch(`http://${sys.host}:${sys.port}/metrics`)).text();
    const out = {};
    for (const line of text.split('\n')) {
      const m = COUNTERS.exec(line);
      if (m) out[`${m[1]}${m[2] ?? ''}`] = (out[`${m[1]}${m[2] ?? ''}`] ?? 0) + Number(m[3]);
    }
    return out;
  } catch {
    return null;
  }
}

function counterDeltas(a, b) {
  const out = {};
  for (const [k, v] of Object.entries(b)) if (v - (a[k] ?? 0) !== 0) out[k] = v - (a[k] ?? 0);
  return out;
}

/** What share of the accepted messages each fast member received: the least, the 1st and 10th percentile, the median. */
function shareOf(counts, accepted) {
  if (counts.length === 0 || accepted <= 0) return null;
  const sorted = [...counts].sort((x, y) => x - y);
  const at = (q) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / accepted, 4);
  return { members: sorted.length, min: round(sorted[0] / accepted, 4), p1: at(0.01), p10: at(0.1), p50: at(0.5) };
}

export function round(x, d) {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/**
 * Scenarios built from single runs: slow consumers (with / without), the capacity search,
 * 1 worker vs N workers, and the whole suite.
 */
import { fanoutRun, round } from './fanout-run.mjs';
import { stadiumCliFeatures } from './systems.mjs';

const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

/** Passing capacity step: p99 ≤ 1 s and ≥ 99 % delivered (and no failed connections). */
export function passes(run) {
  return run.p99ms <= 1000 && run.deliveredRatio >= 0.99 && run.failed === 0;
}

/** (c) the fast receivers' latency with and without 10 % of receivers that stop reading. */
export async function slowPair(o) {
  const without = await fanoutRun({ ...o, slowFraction: 0 });
  const withSlow = await fanoutRun({ ...o, slowFraction: o.slowFraction || 0.1 });
  return {
    scenario: 'slow',
    runs: [without, withSlow],
    p99ChangePct: round(((withSlow.p99ms - without.p99ms) / without.p99ms) * 100, 1),
  };
}

/**
 * Capacity: grow the room at the base rate (members steps) until a step fails, then raise the
 * rate at the largest room that passed (rate steps) until a step fails. The capacity is the
 * highest deliveries/s of a passing step.
 */
export async function capacitySearch(o) {
  const membersSteps = o.membersSteps ?? (o.system === 'stadium' ? [5000, 10_000, 15_000, 19_000] : [1000, 2000, 4000, 7000, 10_000]);
  const rateSteps = o.rateSteps ?? [80, 160, 320, 640];
  const baseRate = o.rate ?? 40;
  const steps = [];
  let best = null;
  const failures = [];
  const step = async (members, rate) => {
    const run = await fanoutRun({ ...o, members, rate, durationS: o.durationS ?? 10, drainMaxS: 12 });
    const ok = passes(run);
    steps.push({ ...run, pass: ok });
    log(`   capacity step ${members} × ${rate}/s: ${ok ? 'pass' : 'FAIL'}`);
    if (ok && (!best || run.deliveriesPerSec > best.deliveriesPerSec)) best = run;
    if (!ok) failures.push({ members, rate });
    return ok;
  };
  let largest = null;
  for (const members of membersSteps) {
    if (!(await step(members, baseRate))) break;
    largest = members;
  }
  if (largest !== null) for (const rate of rateSteps) if (!(await step(largest, rate))) break;
  return {
    scenario: 'capacity',
    system: o.system,
    criterion: 'p99 ≤ 1000 ms and ≥ 99 % delivered',
    capacityPerSec: best?.deliveriesPerSec ?? 0,
    capacityAt: best ? { members: best.members, rate: best.rate, p99ms: best.p99ms, serverCores: best.serverCores } : null,
    firstFailure: failures[0] ?? null,
    failures,
    runs: steps,
  };
}

/** Capacity of Stadium and Socket.IO in one run, and their ratio. */
export async function capacityPair(o) {
  const socketio = await capacitySearch({ ...o, system: 'socketio' });
  const stadium = await capacitySearch({ ...o, system: 'stadium' });
  return { scenario: 'capacity', runs: [stadium, socketio], ratio: round(stadium.capacityPerSec / Math.max(1, socketio.capacityPerSec), 1) };
}

/** (d) the same room on one process and on `workers` processes. */
export async function workersPair(o) {
  const features = stadiumCliFeatures();
  const one = await fanoutRun({ ...o, system: 'stadium', workers: 0 });
  if (!features.workers) {
    return { scenario: 'workers', runs: [one], waiting: 'stadium start has no --workers flag yet' };
  }
  const many = await fanoutRun({ ...o, system: 'stadium', workers: o.workers });
  return {
    scenario: 'workers',
    runs: [one, many],
    speedup: round(many.deliveriesPerSec / one.deliveriesPerSec, 2),
  };
}

/** Everything, each result saved as it completes. */
export async function suite(o, save) {
  const q = o.quick;
  const d = q ? 8 : 12;
  const base = { rate: 40, bytes: 150, windowMs: o.windowMs ?? 250, durationS: d, warmupS: 3 };
  const features = stadiumCliFeatures();
  const fan = [];
  // (a) one room, N subscribers, all systems at the sizes each can take on one process.
  for (const [system, sizes] of [
    ['stadium', [1000, 10_000, 19_000]],
    ['naive', [1000, 10_000]],
    ['socketio', [1000, 10_000]],
  ]) {
    for (const members of sizes) fan.push(await fanoutRun({ ...base, system, members }));
  }
  // Stadium as shipped: adaptive window and automatic per-member downstream cap.
  for (const members of q ? [19_000] : [10_000, 19_000]) fan.push(await fanoutRun({ ...base, system: 'stadium', members, profile: 'defaults' }));
  // Past one process's fd limit: 6 workers, with the window pinned and with the server defaults.
  if (features.workers) {
    for (const members of q ? [50_000] : [50_000, 100_000]) {
      for (const profile of ['fixed', 'defaults']) fan.push(await fanoutRun({ ...base, system: 'stadium', members, workers: 6, profile, drainMaxS: 20 }));
    }
  }
  save('fanout', { scenario: 'fanout', runs: fan });
  // (b) idle connections
  const idle = [];
  for (const [system, members, workers] of [['stadium', 19_000, 0], ['naive', 19_000, 0], ['socketio', 19_000, 0], ...(features.workers && !q ? [['stadium', 100_000, 6]] : [])])
    idle.push(await fanoutRun({ ...base, system, members, workers, idle: true }));
  save('idle', { scenario: 'idle', runs: idle });
  // (c) slow consumers
  save('slow', await slowPair({ ...base, system: 'stadium', members: 10_000, slowFraction: 0.1 }));
  // capacity, Stadium vs Socket.IO
  save('capacity', await capacityPair({ ...base, durationS: 10 }));
  // (d) workers
  save('workers', await workersPair({ ...base, members: 19_000, workers: 2 }));
}

#!/usr/bin/env node
/**
 * Stadium benchmark harness. One command per scenario; every run is bounded in time and kills
 * every process it started (also on error and Ctrl-C). Results go to bench/results/<name>.json.
 *
 *   node bench/run.mjs fanout   --system stadium|socketio|naive --members N [--rate 40] [--window 250]
 *   node bench/run.mjs idle     --system stadium|socketio|naive --members N
 *   node bench/run.mjs slow     --system stadium --members N [--slow 0.1]      (with and without slow consumers)
 *   node bench/run.mjs capacity --system both|stadium|socketio [--members-steps 1000,2000,…] [--rate-steps 80,160,…]
 *   node bench/run.mjs workers  --members N [--workers 6]                        (1 process vs --workers N)
 *   node bench/run.mjs nodes    --members N [--nodes 1,2,3]                      (1, 2, 3 processes over NATS + PostgreSQL)
 *   node bench/run.mjs admission --members 50000 [--workers 6] [--max-seconds 300] (N clients at once, server admission control)
 *   node bench/run.mjs suite    [--quick]                                        (everything, then the summary)
 *
 * Common options: --bytes 150 --duration 15 --warmup 3 --window 250 --out NAME
 *   --profile fixed|defaults   Stadium: window pinned to --window and no downstream cap (fixed,
 *                              the default), or the server's own defaults (adaptive window, cap)
 *   --lag-target MS            Stadium: fanoutLagTargetMs (10⁹: a room never degrades)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { guardProcess } from './lib/procs.mjs';
import { admissionRun } from './lib/admission-run.mjs';
import { fanoutRun } from './lib/fanout-run.mjs';
import { capacityPair, capacitySearch, slowPair, suite, workersPair } from './lib/scenarios.mjs';
import { machineInfo } from './lib/machine.mjs';
import { printNodesTable, printSummary } from './summary.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    system: { type: 'string', default: 'stadium' },
    members: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '40' },
    bytes: { type: 'string', default: '150' },
    window: { type: 'string', default: '250' },
    duration: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    slow: { type: 'string', default: '0.1' },
    workers: { type: 'string', default: '0' },
    nodes: { type: 'string', default: '1,2,3' },
    profile: { type: 'string', default: 'fixed' },
    'lag-target': { type: 'string' },
    'max-seconds': { type: 'string' },
    'members-steps': { type: 'string' },
    'rate-steps': { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    'max-minutes': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const scenario = positionals[0];
if (values.help || !scenario) {
  process.stdout.write(
    (await import('node:fs'))
      .readFileSync(fileURLToPath(import.meta.url), 'utf8')
      .split('*/')[0]
      .replace(/^#!.*\n\/\*\*\n/, '')
      .replace(/^ \* ?/gm, '') + '\n',
  );
  process.exit(scenario ? 0 : 2);
}

const num = (k) => Number(values[k]);
const list = (k) => (values[k] ? values[k].split(',').map(Number) : undefined);
const common = {
  system: values.system,
  members: num('members'),
  rate: num('rate'),
  bytes: num('bytes'),
  windowMs: num('window'),
  durationS: num('duration'),
  warmupS: num('warmup'),
  workers: num('workers'),
  profile: values.profile,
  lagTargetMs: num('lag-target') || undefined,
};
const defaultMinutes = { admission: 10, fanout: 10, idle: 10, slow: 15, capacity: 40, workers: 20, nodes: 15, suite: 75 }[scenario] ?? 10;
guardProcess((Number(values['max-minutes']) || defaultMinutes) * 60_000);

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
function commit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
function save(name, data) {
  const file = `${resultsDir}${name}.json`;
  writeFileSync(file, `${JSON.stringify({ machine: machineInfo(), commit: commit(), command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`, ...data }, null, 2)}\n`);
  process.stderr.write(`wrote bench/results/${name}.json\n`);
}

let out;
switch (scenario) {
  case 'fanout':
    out = { runs: [await fanoutRun(common)] };
    save(values.out ?? `fanout-${common.system}-${common.members}`, out);
    break;
  case 'admission':
    out = { runs: [await admissionRun({ members: common.members, workers: common.workers || 6, maxSeconds: Number(values['max-seconds']) || 300 })] };
    save(values.out ?? `admission-${common.members}`, out);
    break;
  case 'idle':
    out = { runs: [await fanoutRun({ ...common, idle: true })] };
    save(values.out ?? `idle-${common.system}-${common.members}`, out);
    break;
  case 'slow':
    out = await slowPair({ ...common, slowFraction: num('slow') });
    save(values.out ?? `slow-${common.system}-${common.members}`, out);
    break;
  case 'capacity':
    if (common.system === 'both') {
      out = await capacityPair({ ...common, durationS: Number(values.duration) || 10 });
      save(values.out ?? 'capacity', out);
    } else {
      out = await capacitySearch({ ...common, membersSteps: list('members-steps'), rateSteps: list('rate-steps') });
      save(values.out ?? `capacity-${common.system}`, out);
    }
    break;
  case 'workers':
    out = await workersPair({ ...common, workers: num('workers') || 6 });
    save(values.out ?? `workers-${common.members}`, out);
    break;
  case 'nodes': {
    // One cluster per node count; the file is rewritten after each run so a cut-short series
    // keeps what it measured.
    const runs = [];
    for (const nodes of list('nodes')) {
      runs.push(await fanoutRun({ ...common, nodes, quietMaxS: 20 }));
      save(values.out ?? `nodes-${common.members}`, { scenario: 'nodes', runs });
    }
    printNodesTable(runs);
    break;
  }
  case 'suite':
    await suite({ ...common, quick: values.quick }, save);
    printSummary();
    break;
  default:
    process.stderr.write(`unknown scenario ${scenario}\n`);
    process.exit(2);
}
process.exit(0);

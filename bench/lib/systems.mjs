/**
 * Starting each system under test and preparing its sender: Stadium (in-process entry with the
 * run's options, or the CLI's multi-process `start --workers N`), the Socket.IO peer and the
 * naive `ws` peer. Each returns { pid, port, host, extra } and is killed by procs.killAll().
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnTracked, waitForLine } from './procs.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const STADIUM_BIN = here('../../packages/server/bin/stadium.js');
const SERVER_ENTRY = here('../server-entry.mjs');
const PEERS = { socketio: here('../peers/socketio-server.mjs'), naive: here('../peers/naive-ws-server.mjs') };
const HOST = '127.0.0.1';

/** Node flags for every server: GC on demand for idle-memory runs. */
const NODE_FLAGS = ['--expose-gc'];

function stadiumCli(args) {
  return execFileSync(process.execPath, [STADIUM_BIN, ...args], { encoding: 'utf8', timeout: 30_000 }).trim();
}

/** `stadium start --help` text (to see whether --workers and batch-window flags exist yet). */
export function stadiumStartHelp() {
  try {
    return stadiumCli(['start', '--help']);
  } catch (err) {
    return String(err.stdout ?? '');
  }
}

/** Flags of `stadium start` that the harness cares about, as found in `--help`. */
export function stadiumCliFeatures() {
  const help = stadiumStartHelp();
  const batchFlag = help.match(/--(batch-window(?:-ms)?)\b/)?.[1] ?? null;
  return { workers: /--workers\b/.test(help), config: /--config\b/.test(help), batchFlag };
}

/**
 * Stadium's options for a run. Profile `fixed` (the default) pins the batch window to
 * `windowMs` and turns the automatic per-member downstream cap off, so every member gets
 * every message, as with the peers. Profile `defaults` leaves both at the server's defaults
 * (adaptive window, downstream cap), to show what a stock server does with the same load.
 */
/**
 * The load generator opens every member's connection from a few local addresses, so the
 * per-address limits (maxConnectionsPerIp, the handshake rate) are lifted in every profile.
 */
const LOAD_GENERATOR_LIMITS = { maxConnectionsPerIp: 1_000_000_000, handshakesPerIpPerSec: 1_000_000_000, handshakeBurstPerIp: 1_000_000_000 };

export function benchServerOptions(opts) {
  // The load generator opens its receivers as fast as it can and does not retry a refused
  // handshake: admission control (handshakesPerSec) is lifted so it measures fan-out alone.
  // The admission scenario measures admission control itself: only the per-address limits are lifted.
  const admission = opts.serverAdmission ? { ...LOAD_GENERATOR_LIMITS } : { handshakesPerSec: 1_000_000, handshakeBurst: 1_000_000, ...LOAD_GENERATOR_LIMITS };
  // `lagTargetMs`: when a room's fan-out counts as late (fanoutLagTargetMs); a huge value turns degradation off.
  if (opts.lagTargetMs) admission.fanoutLagTargetMs = opts.lagTargetMs;
  if (opts.profile === 'defaults') return admission;
  return { ...admission, batchWindowMs: opts.windowMs, batchWindowMaxMs: opts.windowMs, downstreamCapMinMembers: 1_000_000_000 };
}

/**
 * Start a system. opts: { system, windowMs, workers, highWaterBytes, maxPendingBytes, slowTimeoutMs }
 * Resolves to { pid, host, port, sdkAppId?, userSig?, cleanup(), gcSignal: bool, notes: [] }.
 */
export async function startSystem(opts) {
  const port = await freePort();
  if (opts.system !== 'stadium') {
    const child = spawnTracked(process.execPath, [...NODE_FLAGS, PEERS[opts.system], '--port', String(port), '--host', HOST]);
    await waitForLine(child, /listening (\d+)/);
    return { pid: child.pid, host: HOST, port, gcSignal: true, cleanup() {}, notes: [] };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'stadium-bench-'));
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  const app = JSON.parse(stadiumCli(['app', 'create', '--name', 'bench', '--data', dataDir, '--json']));
  const userSig = stadiumCli(['usersig', '--sdkappid', String(app.SDKAppID), '--key', app.secretKey, '--user', 'sender']);
  const notes = [];
  let child;
  let gcSignal = false;
  if (opts.workers > 0) {
    const features = stadiumCliFeatures();
    const args = [STADIUM_BIN, 'start', '--workers', String(opts.workers), '--port', String(port), '--host', HOST, '--data', dataDir, '--log-level', 'warn'];
    const serverOptions = {
      ...benchServerOptions(opts),
      ...(opts.highWaterBytes ? { socketHighWaterBytes: opts.highWaterBytes } : {}),
      ...(opts.maxPendingBytes ? { maxPendingBytes: opts.maxPendingBytes } : {}),
      ...(opts.slowTimeoutMs ? { slowConsumerTimeoutMs: opts.slowTimeoutMs } : {}),
    };
    if (features.config) {
      const file = join(dataDir, 'bench-config.json');
      writeFileSync(file, JSON.stringify(serverOptions));
      args.push('--config', file);
    } else if (features.batchFlag) args.push(`--${features.batchFlag}`, String(opts.windowMs));
    else notes.push(`stadium start has no batch-window flag: the server default window was used, not ${opts.windowMs} ms`);
    if (!features.workers) notes.push('stadium start has no --workers flag yet: this run waits for it');
    child = spawnTracked(process.execPath, args);
    await waitForLine(child, /running at http:\/\/[^:]+:(\d+)/, 60_000);
  } else {
    const options = {
      port,
      host: HOST,
      dataDir,
      ...benchServerOptions(opts),
      logLevel: 'warn',
      ...(opts.highWaterBytes ? { socketHighWaterBytes: opts.highWaterBytes } : {}),
      ...(opts.maxPendingBytes ? { maxPendingBytes: opts.maxPendingBytes } : {}),
      ...(opts.slowTimeoutMs ? { slowConsumerTimeoutMs: opts.slowTimeoutMs } : {}),
    };
    child = spawnTracked(process.execPath, [...NODE_FLAGS, SERVER_ENTRY, JSON.stringify(options)]);
    await waitForLine(child, /listening (\d+)/);
    gcSignal = true;
  }
  child.stderr.on('data', (d) => {
    const s = String(d);
    if (/error|Error/.test(s)) process.stderr.write(`[stadium] ${s.slice(0, 400)}`);
  });
  return { pid: child.pid, host: HOST, port, sdkAppId: app.SDKAppID, userSig, userId: 'sender', gcSignal, cleanup, notes };
}

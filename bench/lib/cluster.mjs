/**
 * A cluster of Stadium nodes for the `nodes` scenario: one nats-server (with its monitoring
 * port, for /varz), one throwaway PostgreSQL (Debian's binaries, data in a temporary folder,
 * run as the `postgres` user when we are root) and N `stadium start --workers 1` processes on
 * 127.0.0.1, each on its own port, over that bus and that database, as N machines would be.
 * Every process is tracked by procs.mjs and killed after the run; `cleanup()` removes the
 * temporary folders.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rendezvousOwner } from '../../packages/server/dist/groups/rendezvous.js';
import { freePort, spawnTracked, treeUsage, waitForLine } from './procs.mjs';
import { benchServerOptions } from './systems.mjs';
import { ROOM } from './wire.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const STADIUM_BIN = here('../../packages/server/bin/stadium.js');
const HOST = '127.0.0.1';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function natsBinary() {
  const binary = process.env.NATS_SERVER ?? ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));
  if (!binary) throw new Error('nats-server is not installed (Debian: apt-get install nats-server; or set NATS_SERVER)');
  return binary;
}

function postgresBinDir() {
  if (process.env.STADIUM_PG_BIN) return process.env.STADIUM_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`PostgreSQL binaries not found in ${root}/<version>/bin (Debian "postgresql"; or set STADIUM_PG_BIN)`);
  return join(root, versions[0], 'bin');
}

/** uid/gid of the `postgres` user when we are root (PostgreSQL refuses to run as root). */
function postgresUser() {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no "postgres" user to run PostgreSQL as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** nats-server on a free port, monitoring on another; resolves when both answer. */
async function startNats(dir) {
  const port = await freePort();
  const monitorPort = await freePort();
  const child = spawnTracked(natsBinary(), ['-p', String(port), '-a', HOST, '-m', String(monitorPort)]);
  child.stdout.resume();
  child.stderr.resume();
  const varzUrl = `http://${HOST}:${monitorPort}/varz`;
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(varzUrl);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 200) throw new Error('nats-server did not start');
    await sleep(50);
  }
  void dir;
  return { url: `nats://${HOST}:${port}`, pid: child.pid, varzUrl };
}

/** The counters of nats-server's /varz this benchmark reports. */
export async function varz(url) {
  const v = await (await fetch(url)).json();
  return { inMsgs: v.in_msgs, outMsgs: v.out_msgs, inBytes: v.in_bytes, outBytes: v.out_bytes, connections: v.connections, at: performance.now() };
}

/** A throwaway PostgreSQL with one database `stadium`; resolves to its URL. */
async function startPostgres(root) {
  const bin = postgresBinDir();
  const user = postgresUser();
  const dataDir = join(root, 'pg-data');
  const socketDir = join(root, 'pg-socket');
  chmodSync(root, 0o755);
  for (const d of [dataDir, socketDir]) {
    mkdirSync(d, { mode: 0o700 });
    if (user) chownSync(d, user.uid, user.gid);
  }
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' };
  const init = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'stadium', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
    ...(user ?? {}),
    env,
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const args = ['-D', dataDir, '-p', String(port), '-k', socketDir, '-c', `listen_addresses=${HOST}`, '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'];
  const child = spawnTracked(join(bin, 'postgres'), args, { ...(user ?? {}), env });
  child.stdout.resume();
  await new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start:\n${log}`)), 30_000);
    const onData = (d) => {
      log += d;
      if (log.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        child.stderr.off('data', onData);
        child.stderr.resume();
        resolve();
      }
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`PostgreSQL exited with ${code}:\n${log}`)));
  });
  const psql = join(bin, 'psql');
  execFileSync(psql, ['-h', HOST, '-p', String(port), '-U', 'stadium', '-d', 'postgres', '-c', 'create database stadium'], { env, stdio: 'ignore' });
  return { url: `postgres://stadium@${HOST}:${port}/stadium`, pid: child.pid };
}

function stadiumCli(args) {
  return execFileSync(process.execPath, [STADIUM_BIN, ...args], { encoding: 'utf8', timeout: 30_000 }).trim();
}

/**
 * Start the cluster. opts: { nodes, windowMs, profile }. Resolves to a system for fanoutRun:
 * the sender talks to a node other than the room's authority (node 0 when alone); `targets` spreads the receivers over the nodes; `pids` are the
 * nodes' process trees (server CPU), `sample()` / `summarize()` add per-node CPU and NATS
 * counters to the result.
 */
export async function startCluster(opts) {
  const root = mkdtempSync(join(tmpdir(), 'stadium-bench-nodes-'));
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  try {
    const nats = await startNats(root);
    const pg = await startPostgres(root);
    const app = JSON.parse(stadiumCli(['app', 'create', '--name', 'bench', '--db', pg.url, '--data', root, '--json']));
    const userSig = stadiumCli(['usersig', '--sdkappid', String(app.SDKAppID), '--key', app.secretKey, '--user', 'sender']);
    const nodeIds = Array.from({ length: opts.nodes }, (_, i) => `n${i}`);
    const nodes = [];
    for (const nodeId of nodeIds) {
      const port = await freePort();
      const dataDir = join(root, nodeId);
      mkdirSync(dataDir);
      const config = join(dataDir, 'bench-config.json');
      writeFileSync(config, JSON.stringify({ nodeId, ...benchServerOptions(opts) }));
      const args = [STADIUM_BIN, 'start', '--workers', '1', '--port', String(port), '--host', HOST, '--data', dataDir];
      args.push('--db', pg.url, '--bus', nats.url, '--config', config, '--log-level', 'warn');
      const child = spawnTracked(process.execPath, args, { env: { ...process.env, STADIUM_WORKERS: '' } });
      await waitForLine(child, /running at http:\/\/[^:]+:(\d+)/, 60_000);
      child.stderr.on('data', (d) => {
        const s = String(d);
        if (/error|Error/.test(s)) process.stderr.write(`[stadium ${nodeId}] ${s.slice(0, 400)}`);
      });
      nodes.push({ nodeId, pid: child.pid, host: HOST, port });
    }
    // Let live membership settle (hello, then a probe of every peer each second) before the
    // sender creates the room, so every node places it on the same authority.
    await sleep(3000);
    const authority = rendezvousOwner(app.SDKAppID, ROOM, nodeIds);
    // The sender sits on a node that is not the room's authority (when there is one), as
    // most senders of a room spread over N nodes do: its sends cross the bus as requests.
    const sender = nodes.find((n) => n.nodeId !== authority) ?? nodes[0];
    const natsVersion = execFileSync(natsBinary(), ['--version'], { encoding: 'utf8' }).trim();
    const health = () => Promise.all(nodes.map(async (n) => ({ node: n.nodeId, ...(await (await fetch(`http://${HOST}:${n.port}/healthz`)).json()) })));
    const sample = async () => ({ nodes: nodes.map((n) => treeUsage([n.pid])), nats: treeUsage([nats.pid]), pg: treeUsage([pg.pid]), varz: await varz(nats.varzUrl) });
    return {
      pid: sender.pid,
      pids: nodes.map((n) => n.pid),
      host: HOST,
      port: sender.port,
      targets: nodes.map((n) => ({ host: n.host, port: n.port, node: n.nodeId })),
      sdkAppId: app.SDKAppID,
      userSig,
      userId: 'sender',
      gcSignal: false,
      notes: [],
      cluster: { nodes: nodeIds, senderNode: sender.nodeId, authority, natsVersion },
      health,
      sample,
      cleanup,
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

const r = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

/** CPU cores between two treeUsage samples (user, sys, total). */
function cores(a, b) {
  const secs = (b.at - a.at) / 1000;
  const user = (b.utime - a.utime) / 100 / secs;
  const sys = (b.stime - a.stime) / 100 / secs;
  return { cores: r(user + sys, 3), user: r(user, 3), sys: r(sys, 3) };
}

function varzDelta(a, b) {
  return { inMsgs: b.inMsgs - a.inMsgs, outMsgs: b.outMsgs - a.outMsgs, inBytes: b.inBytes - a.inBytes, outBytes: b.outBytes - a.outBytes, secs: (b.at - a.at) / 1000 };
}

/**
 * The cluster's part of a run's result: per node CPU (user + sys from /proc) and deliveries,
 * nats-server and PostgreSQL CPU, and NATS messages and bytes per room message from /varz
 * (in = published to nats-server, out = delivered by it), raw over the measured window and
 * with the idle rate (presence: hellos and probes, measured over 3 s before sending)
 * subtracted.
 */
export function clusterFigures({ sys, idle0, idle1, c0, c1, roomMessages, finals, accepted, healthAfterJoin }) {
  const idle = varzDelta(idle0.varz, idle1.varz);
  const win = varzDelta(c0.varz, c1.varz);
  const per = (k) => ({
    raw: r(win[k] / roomMessages, 2),
    net: r((win[k] - (idle[k] / idle.secs) * win.secs) / roomMessages, 2),
  });
  return {
    ...sys.cluster,
    healthAfterJoin,
    perNode: sys.targets.map((t, i) => ({
      node: t.node,
      port: t.port,
      receivers: finals[i]?.fast ?? null,
      deliveredRatio: finals[i] ? r(finals[i].received / Math.max(1, accepted * finals[i].fast), 4) : null,
      ...cores(c0.nodes[i], c1.nodes[i]),
      rssMB: r(c1.nodes[i].rss / 2 ** 20, 1),
    })),
    natsServer: cores(c0.nats, c1.nats),
    postgres: cores(c0.pg, c1.pg),
    natsWindow: win,
    natsIdlePerSec: {
      inMsgs: r(idle.inMsgs / idle.secs, 1),
      outMsgs: r(idle.outMsgs / idle.secs, 1),
      inBytes: r(idle.inBytes / idle.secs, 0),
      outBytes: r(idle.outBytes / idle.secs, 0),
    },
    roomMessagesInWindow: r(roomMessages, 1),
    natsPerRoomMessage: { inMsgs: per('inMsgs'), outMsgs: per('outMsgs'), inBytes: per('inBytes'), outBytes: per('outBytes') },
  };
}

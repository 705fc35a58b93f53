/**
 * Child processes of a run (spawned, tracked, always killed) and what /proc says about them:
 * RSS and CPU of a process tree, kernel slab and TCP socket memory, machine CPU.
 */
import { spawn, fork } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';

const CLK_TCK = 100;
const children = new Set();

/** Spawn a command in its own process group (so its own children die with it); tracked. */
export function spawnTracked(cmd, args, options = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
  child.group = true;
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Fork a Node module with IPC; it exits when we disconnect. Tracked. */
export function forkTracked(modulePath, args = [], options = {}) {
  const child = fork(modulePath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], ...options });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function signal(child, sig) {
  try {
    if (child.group) process.kill(-child.pid, sig);
    else child.kill(sig);
  } catch {
    /* already gone */
  }
}

/** SIGTERM every tracked child (process groups included), SIGKILL what is left after `graceMs`. */
export async function killAll(graceMs = 3000) {
  const list = [...children];
  for (const c of list) signal(c, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (children.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const c of [...children]) signal(c, 'SIGKILL');
  // group members that outlived their leader
  for (const c of list) if (c.group) signal(c, 'SIGKILL');
}

/** Synchronous last resort (process 'exit'). */
export function killAllNow() {
  for (const c of [...children]) {
    signal(c, 'SIGKILL');
  }
}

let guarded = false;
/** Make sure children die with us: on exit, Ctrl-C, SIGTERM, uncaught errors, and after `maxMs`. */
export function guardProcess(maxMs) {
  if (guarded) return;
  guarded = true;
  process.on('exit', killAllNow);
  const bail = (why, code) => {
    process.stderr.write(`\n${why}: stopping every child process\n`);
    killAll(1500).finally(() => process.exit(code));
  };
  process.on('SIGINT', () => bail('SIGINT', 130));
  process.on('SIGTERM', () => bail('SIGTERM', 143));
  process.on('uncaughtException', (err) => bail(err.stack ?? String(err), 1));
  process.on('unhandledRejection', (err) => bail(err?.stack ?? String(err), 1));
  if (maxMs) setTimeout(() => bail(`run exceeded ${Math.round(maxMs / 1000)} s`, 2), maxMs).unref();
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolve when `child` prints a line matching `re` on stdout (rejects on exit or timeout). */
export function waitForLine(child, re, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no /${re.source}/ within ${timeoutMs} ms; stdout: ${out.slice(-500)} stderr: ${err.slice(-500)}`)), timeoutMs);
    let matched = false;
    child.stdout.on('data', (d) => {
      if (matched) return; // keep draining the pipe so the child never blocks on it
      out += d;
      const m = out.match(re);
      if (m) {
        matched = true;
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.stderr.on('data', (d) => {
      err += d;
      if (err.length > 20_000) err = err.slice(-10_000);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!matched) reject(new Error(`exited with ${code} before ready; stderr: ${err.slice(-1500)}`));
    });
  });
}

// ── /proc ──────────────────────────────────────────────────────────────────

function readStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after comm: [0]=state [1]=ppid … [11]=utime [12]=stime
    return { ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]) };
  } catch {
    return null;
  }
}

function readRssKb(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'latin1').match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** `pid` and all its descendants. */
export function processTree(pid) {
  const byParent = new Map();
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const st = readStat(name);
    if (!st) continue;
    let list = byParent.get(st.ppid);
    if (!list) byParent.set(st.ppid, (list = []));
    list.push(Number(name));
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const c of byParent.get(out[i]) ?? []) out.push(c);
  return out;
}

/** RSS (bytes) and CPU ticks summed over the given process trees. */
export function treeUsage(rootPids) {
  let rss = 0;
  let utime = 0;
  let stime = 0;
  let procs = 0;
  for (const root of rootPids) {
    for (const pid of processTree(root)) {
      const st = readStat(pid);
      if (!st) continue;
      procs++;
      utime += st.utime;
      stime += st.stime;
      rss += readRssKb(pid) * 1024;
    }
  }
  return { rss, utime, stime, procs, at: performance.now() };
}

/** CPU cores used between two `treeUsage` samples. */
export function coresBetween(a, b) {
  const secs = (b.at - a.at) / 1000;
  return {
    cores: (b.utime + b.stime - a.utime - a.stime) / CLK_TCK / secs,
    user: (b.utime - a.utime) / CLK_TCK / secs,
    sys: (b.stime - a.stime) / CLK_TCK / secs,
  };
}

/** Kernel memory: slab (bytes), TCP sockets in use and TCP buffer memory (bytes). */
export function kernelMemory() {
  const mi = readFileSync('/proc/meminfo', 'latin1');
  const kb = (k) => Number(mi.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0) * 1024;
  const ss = readFileSync('/proc/net/sockstat', 'latin1');
  const tcp = ss.match(/TCP: inuse (\d+) orphan (\d+) tw (\d+) alloc (\d+) mem (\d+)/);
  return {
    slab: kb('Slab'),
    memAvailable: kb('MemAvailable'),
    tcpInuse: Number(tcp?.[1] ?? 0),
    tcpAlloc: Number(tcp?.[4] ?? 0),
    tcpMemBytes: Number(tcp?.[5] ?? 0) * 4096,
  };
}

/** Whole-machine CPU counters. */
export function machineCpu() {
  const f = readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  const total = f.reduce((a, b) => a + b, 0);
  return { idle, total };
}

/** Busy cores between two machineCpu samples. */
export function machineBusyCores(a, b, ncpu) {
  const dt = b.total - a.total;
  return dt > 0 ? (1 - (b.idle - a.idle) / dt) * ncpu : 0;
}

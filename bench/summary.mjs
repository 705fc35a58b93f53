#!/usr/bin/env node
/**
 * Print the results in bench/results/ as Markdown tables, with Stadium's ratios against the
 * peers measured in the same suite run. Usage: node bench/summary.mjs
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./results/', import.meta.url));
const load = (name) => (existsSync(`${dir}${name}.json`) ? JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) : null);
const fmt = (n) => (n === null || n === undefined ? '—' : typeof n === 'number' ? n.toLocaleString('en') : String(n));
const label = (r) =>
  `${r.system === 'socketio' ? 'Socket.IO 4.8' : r.system === 'naive' ? 'naive ws' : 'Stadium'}${r.workers ? ` (${r.workers} workers)` : ''}${r.profile === 'defaults' ? ', server defaults (adaptive window, downstream cap 20/s)' : ''}`;
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(1)}×` : '—');

function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(fmt).join(' | ')} |`)].join('\n');
}

export function summaryMarkdown() {
  const out = [];
  const fan = load('fanout');
  if (fan) {
    out.push('### (a) One room, N members, 40 msg/s, 150-byte messages\n');
    out.push(
      table(
        ['System', 'Members', 'Deliveries/s', 'Delivered', 'p50 ms', 'p99 ms', 'max ms', 'Server cores', 'Deliveries per server core-s', 'Server RSS MB', 'Other load (cores)'],
        fan.runs.map((r) => [
          label(r),
          r.members,
          r.deliveriesPerSec,
          `${(r.deliveredRatio * 100).toFixed(2)} %`,
          r.p50ms,
          r.p99ms,
          r.maxMs,
          r.serverCores,
          r.deliveriesPerServerCore,
          r.serverRssPeakMB,
          r.otherCores,
        ]),
      ),
    );
    const by = (sys, n) => fan.runs.find((r) => r.system === sys && r.members === n && !r.workers);
    const rows = [];
    for (const n of [1000, 10_000]) {
      const s = by('stadium', n);
      for (const peer of ['socketio', 'naive']) {
        const p = by(peer, n);
        if (s && p)
          rows.push([
            `${fmt(n)} members, Stadium vs ${label(p)}`,
            ratio(s.deliveriesPerSec, p.deliveriesPerSec),
            ratio(p.p99ms, s.p99ms),
            ratio(p.deliveriesPerServerCore, s.deliveriesPerServerCore) === '—' ? '—' : ratio(s.deliveriesPerServerCore, p.deliveriesPerServerCore),
          ]);
      }
    }
    if (rows.length) {
      out.push('\nRatios (same run, same load):\n');
      out.push(table(['Comparison', 'Deliveries/s', 'p99 (peer ÷ Stadium)', 'Deliveries per server core-s'], rows));
    }
  }
  const idle = load('idle');
  if (idle) {
    out.push('\n### (b) Idle connections: memory per connection\n');
    out.push(
      table(
        ['System', 'Connections', 'Server processes', 'Server RSS MB', 'RSS per connection (B)', 'Kernel slab per connection, both ends (B)', 'Idle server cores'],
        idle.runs.map((r) => [label(r), r.joined, r.serverProcesses, r.serverRssMB, r.rssPerConnBytes, r.kernelSlabPerConnBytes, r.idleServerCores]),
      ),
    );
  }
  const slow = load('slow');
  if (slow) {
    out.push('\n### (c) 10 % slow consumers (paused sockets)\n');
    out.push(
      table(
        ['Run', 'Members', 'Slow', 'Fast receivers: deliveries/s', 'Delivered (fast)', 'p50 ms', 'p99 ms', 'max ms', 'Closed by server', 'Server RSS MB'],
        slow.runs.map((r) => [
          label(r),
          r.members,
          r.slowPaused ?? 0,
          r.deliveriesPerSec,
          `${(r.deliveredRatio * 100).toFixed(2)} %`,
          r.p50ms,
          r.p99ms,
          r.maxMs,
          r.closedDuringRun,
          r.serverRssPeakMB,
        ]),
      ),
    );
    out.push(`\np99 change with slow consumers: ${slow.p99ChangePct} %`);
  }
  const cap = load('capacity');
  if (cap) {
    out.push('\n### Capacity (largest deliveries/s with p99 ≤ 1 s and ≥ 99 % delivered)\n');
    out.push(
      table(
        ['System', 'Capacity (deliveries/s)', 'At', 'First failing step'],
        cap.runs.map((c) => [
          c.system === 'stadium' ? 'Stadium' : 'Socket.IO 4.8',
          c.capacityPerSec,
          c.capacityAt ? `${fmt(c.capacityAt.members)} members × ${c.capacityAt.rate} msg/s, p99 ${c.capacityAt.p99ms} ms` : '—',
          c.firstFailure ? `${fmt(c.firstFailure.members)} × ${c.firstFailure.rate}/s` : 'none (search ended)',
        ]),
      ),
    );
    out.push(`\nStadium ÷ Socket.IO capacity: **${cap.ratio}×**\n`);
    out.push(
      table(
        ['System', 'Members', 'msg/s', 'Deliveries/s', 'Delivered', 'p99 ms', 'Server cores', 'Pass'],
        cap.runs.flatMap((c) =>
          c.runs.map((r) => [label(r), r.members, r.rate, r.deliveriesPerSec, `${(r.deliveredRatio * 100).toFixed(2)} %`, r.p99ms, r.serverCores, r.pass ? 'yes' : 'no']),
        ),
      ),
    );
  }
  const wk = load('workers');
  if (wk) {
    out.push('\n### (d) 1 process vs N workers\n');
    out.push(
      table(
        ['Server', 'Members', 'Deliveries/s', 'p50 ms', 'p99 ms', 'Server cores', 'Server RSS MB'],
        wk.runs.map((r) => [label(r), r.members, r.deliveriesPerSec, r.p50ms, r.p99ms, r.serverCores, r.serverRssPeakMB]),
      ),
    );
    if (wk.speedup) out.push(`\nN workers ÷ 1 process (deliveries/s): ${wk.speedup}×`);
    if (wk.waiting) out.push(`\n${wk.waiting}`);
  }
  return out.join('\n');
}

/** The `nodes` scenario (1, 2, 3 processes over NATS and PostgreSQL) as Markdown. */
export function nodesMarkdown(runs) {
  const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(2)} %`);
  return table(
    [
      'Nodes',
      'Members',
      'Deliveries/s',
      'Delivered',
      'p50 ms',
      'p99 ms',
      'Server cores (sum)',
      'Cores per node (user + sys)',
      'nats-server / PostgreSQL cores',
      'NATS in msgs / bytes per room msg',
      'NATS out msgs / bytes per room msg',
      'Generator cores',
    ],
    runs.map((r) => {
      const c = r.cluster ?? {};
      const n = c.natsPerRoomMessage;
      return [
        r.cluster?.nodes?.length ?? '—',
        r.members,
        r.deliveriesPerSec,
        pct(r.deliveredRatio),
        r.p50ms,
        r.p99ms,
        r.serverCores,
        (c.perNode ?? []).map((p) => `${p.node}${p.node === c.authority ? '*' : ''} ${p.user}+${p.sys}`).join(', '),
        `${c.natsServer?.cores ?? '—'} / ${c.postgres?.cores ?? '—'}`,
        n ? `${n.inMsgs.net} / ${n.inBytes.net}` : '—',
        n ? `${n.outMsgs.net} / ${n.outBytes.net}` : '—',
        r.generatorCores,
      ];
    }),
  );
}

export function printNodesTable(runs) {
  process.stdout.write(`${nodesMarkdown(runs)}\n`);
}

export function printSummary() {
  process.stdout.write(`${summaryMarkdown()}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) printSummary();

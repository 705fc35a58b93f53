#!/usr/bin/env node
/**
 * Render docs/img/benchmarks.png from bench/results/ with chart.js in headless Chromium
 * (playwright-core and the system Chromium). Usage: node bench/chart.mjs [--chromium PATH]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const { values } = parseArgs({ options: { chromium: { type: 'string' } } });
/** The system Chromium: --chromium, $CHROMIUM, or the first `chromium` / `chromium-browser` on PATH. */
function findChromium() {
  if (values.chromium) return values.chromium;
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim().split('\n')[0];
}
const require = createRequire(import.meta.url);
// chart.js does not export its UMD build; find it next to the package's CommonJS entry.
const chartJs = require.resolve('chart.js').replace(/chart\.cjs$/, 'chart.umd.js');
const results = fileURLToPath(new URL('./results/', import.meta.url));
const outDir = fileURLToPath(new URL('../docs/img/', import.meta.url));
const load = (n) => (existsSync(`${results}${n}.json`) ? JSON.parse(readFileSync(`${results}${n}.json`, 'utf8')) : null);

const fan = load('fanout');
const cap = load('capacity');
if (!fan) throw new Error('no bench/results/fanout.json: run `node bench/run.mjs suite` first');

const SYSTEMS = [
  ['stadium', 'Stadium (1 process)', '#1f77b4'],
  ['naive', 'naive ws', '#7f7f7f'],
  ['socketio', 'Socket.IO 4.8', '#d62728'],
];
const sizes = [...new Set(fan.runs.filter((r) => !r.workers).map((r) => r.members))].sort((a, b) => a - b);
const pick = (sys, n, key) => fan.runs.find((r) => r.system === sys && r.members === n && !r.workers)?.[key] ?? null;
const fanoutData = {
  labels: sizes.map((n) => `${n.toLocaleString('en')} members`),
  datasets: SYSTEMS.map(([sys, label, color]) => ({ label, backgroundColor: color, data: sizes.map((n) => pick(sys, n, 'deliveriesPerSec')) })),
};
const latencyData = {
  labels: fanoutData.labels,
  datasets: SYSTEMS.map(([sys, label, color]) => ({ label, backgroundColor: color, data: sizes.map((n) => pick(sys, n, 'p99ms')) })),
};
const capData = cap
  ? {
      labels: cap.runs.map((c) => (c.system === 'stadium' ? 'Stadium (1 process)' : 'Socket.IO 4.8')),
      datasets: [
        {
          label: 'capacity: deliveries/s with p99 ≤ 1 s, ≥ 99 % delivered',
          backgroundColor: cap.runs.map((c) => (c.system === 'stadium' ? '#1f77b4' : '#d62728')),
          data: cap.runs.map((c) => c.capacityPerSec),
        },
      ],
    }
  : null;

const browser = await chromium.launch({
  executablePath: findChromium(),
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 460 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:#fff;font-family:sans-serif">
    <div id="wrap" style="display:flex;gap:12px;padding:12px;width:1476px">
      <div style="width:480px;height:420px"><canvas id="a"></canvas></div>
      <div style="width:480px;height:420px"><canvas id="b"></canvas></div>
      <div style="width:480px;height:420px"><canvas id="c"></canvas></div>
    </div></body></html>`);
  await page.addScriptTag({ path: chartJs });
  await page.evaluate(
    ({ fanoutData, latencyData, capData, machine, capRatio }) => {
      const Chart = window.Chart;
      // the next 1, 2 or 5 × 10^n above the largest bar, so the top bar ends under a labelled tick
      const niceMax = (data) => {
        const m = Math.max(...data.datasets.flatMap((d) => d.data).filter((v) => v > 0));
        const e = 10 ** Math.floor(Math.log10(m));
        return [1, 2, 5, 10].map((k) => k * e).find((v) => v >= m * 1.05) ?? 10 * e;
      };
      const common = (title, logY, yTitle, data) => ({
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: title, font: { size: 14 } }, legend: { position: 'bottom' } },
        scales: {
          y: {
            type: logY ? 'logarithmic' : 'linear',
            ...(logY ? { max: niceMax(data) } : {}),
            title: { display: true, text: yTitle },
            // on log axes label only 1, 2, 5 × 10^n so labels do not overlap
            ticks: logY
              ? {
                  callback: (v) =>
                    [1, 2, 5].includes(Math.round(v / 10 ** Math.floor(Math.log10(v)))) && (v / 10 ** Math.floor(Math.log10(v))) % 1 === 0 ? v.toLocaleString('en') : '',
                }
              : {},
          },
        },
      });
      new Chart(document.getElementById('a'), { type: 'bar', data: fanoutData, options: common('Deliveries/s, one room at 40 msg/s', false, 'deliveries/s') });
      new Chart(document.getElementById('b'), { type: 'bar', data: latencyData, options: common('p99 publish→receive latency (log scale)', true, 'ms', latencyData) });
      if (capData)
        new Chart(document.getElementById('c'), {
          type: 'bar',
          data: capData,
          options: common(`Capacity (${machine})${capRatio ? `: ${capRatio}×` : ''}`, true, 'deliveries/s', capData),
        });
    },
    { fanoutData, latencyData, capData, capRatio: cap?.ratio ?? null, machine: `${fan.machine.nproc} cores, ${fan.machine.cpuModel}, Node ${fan.machine.node}` },
  );
  mkdirSync(outDir, { recursive: true });
  await page.locator('#wrap').screenshot({ path: `${outDir}benchmarks.png` });
  process.stderr.write('wrote docs/img/benchmarks.png\n');
} finally {
  await browser.close();
}

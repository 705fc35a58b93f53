/**
 * The dashboard's numbers: read from the server's Prometheus text at /metrics, summed over
 * labels, and turned into rates between two reads.
 */

/** Sample values by metric name and label text (`name{a="b"}`). */
export type Samples = Map<string, number>;

/** Parse Prometheus exposition text (comments and blank lines skipped). */
export function parseMetrics(text: string): Samples {
  const out: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const value = Number(line.slice(space + 1));
    if (space > 0 && Number.isFinite(value)) out.set(line.slice(0, space), value);
  }
  return out;
}

/** Sum of every sample of `name`, or of those whose labels include `label` (e.g. `priority="High"`). */
export function total(samples: Samples, name: string, label?: string): number {
  let sum = 0;
  for (const [key, value] of samples) {
    const brace = key.indexOf('{');
    const base = brace < 0 ? key : key.slice(0, brace);
    if (base === name && (label === undefined || key.includes(label))) sum += value;
  }
  return sum;
}

/** Per-second rate of a counter between two reads `seconds` apart (0 after a restart). */
export function rate(before: Samples, after: Samples, name: string, seconds: number, label?: string): number {
  const delta = total(after, name, label) - total(before, name, label);
  return seconds > 0 && delta > 0 ? delta / seconds : 0;
}

/** A bucket bound as a number (`+Inf` is Infinity). */
const bound = (le: string): number => (le === '+Inf' ? Infinity : Number(le));

/** Upper bounds (`le`) of a histogram's buckets in `samples`, ascending (+Inf last). */
function bucketBounds(samples: Samples, name: string): string[] {
  const bounds = new Set<string>();
  const prefix = `${name}_bucket{`;
  for (const key of samples.keys()) {
    if (!key.startsWith(prefix)) continue;
    const m = /le="([^"]+)"/.exec(key);
    if (m) bounds.add(m[1]!);
  }
  return [...bounds].sort((a, b) => bound(a) - bound(b));
}

/**
 * A histogram between two reads: how many were observed, their mean and the bucket bound under
 * which fraction `q` of them fell (`Infinity` past the last bound). Undefined when nothing was observed.
 */
export function histogramBetween(before: Samples, after: Samples, name: string, q = 0.95): { count: number; mean: number; quantile: number } | undefined {
  const count = total(after, `${name}_count`) - total(before, `${name}_count`);
  if (count <= 0) return undefined;
  const sum = total(after, `${name}_sum`) - total(before, `${name}_sum`);
  let quantile = Infinity;
  for (const le of bucketBounds(after, name)) {
    const label = `le="${le}"`;
    const inBucket = total(after, `${name}_bucket`, label) - total(before, `${name}_bucket`, label);
    if (inBucket >= q * count) {
      quantile = bound(le);
      break;
    }
  }
  return { count, mean: sum / count, quantile };
}

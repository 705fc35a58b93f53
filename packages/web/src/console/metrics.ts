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

/** The dashboard: this node's numbers from /metrics, re-read every few seconds and turned into rates. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './api.js';
import { histogramBetween, parseMetrics, rate, total, type Samples } from './metrics.js';

/** How often /metrics is read, ms. */
export const DASHBOARD_REFRESH_MS = 3000;
const PRIORITIES = ['High', 'Normal', 'Low', 'Lowest'] as const;

interface Reading {
  at: number;
  samples: Samples;
}

export function Dashboard() {
  const [pair, setPair] = useState<{ before?: Reading; after?: Reading }>({});
  const [error, setError] = useState('');
  const last = useRef<Reading | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const read = (): void => {
      fetch('/metrics')
        .then((res) => res.text())
        .then(
          (body) => {
            if (!live) return;
            const reading = { at: Date.now(), samples: parseMetrics(body) };
            setPair({ before: last.current, after: reading });
            last.current = reading;
            setError('');
          },
          (e: unknown) => live && setError(errorText(e)),
        );
    };
    read();
    const timer = setInterval(read, DASHBOARD_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  const { before, after } = pair;
  const seconds = before && after ? (after.at - before.at) / 1000 : 0;
  const per = (name: string, label?: string): string => (before && after ? rate(before.samples, after.samples, name, seconds, label).toFixed(1) : '…');
  const now = (name: string): string => (after ? String(total(after.samples, name)) : '…');
  const fanout = before && after ? histogramBetween(before.samples, after.samples, 'stadium_fanout_latency_seconds') : undefined;
  const ms = (sec: number): string => (Number.isFinite(sec) ? `${(sec * 1000).toFixed(sec < 0.01 ? 1 : 0)} ms` : 'over 1 s');
  return (
    <section>
      <h1>Dashboard</h1>
      <p class="hint">This node's metrics (/metrics), refreshed every {DASHBOARD_REFRESH_MS / 1000} s.</p>
      {error && <p class="form-error">{error}</p>}
      <div class="tiles">
        <div class="tile">
          <span>Messages/s in</span>
          <strong data-testid="messages-rate">{per('stadium_messages_in_total')}</strong>
        </div>
        <div class="tile">
          <span>Deliveries/s</span>
          <strong>{per('stadium_deliveries_total')}</strong>
        </div>
        <div class="tile">
          <span>Connections</span>
          <strong data-testid="connections">{now('stadium_connections')}</strong>
        </div>
        <div class="tile">
          <span>Rooms with members</span>
          <strong>{now('stadium_rooms')}</strong>
        </div>
      </div>
      <table class="list" aria-label="By priority">
        <thead>
          <tr>
            <th scope="col">Priority</th>
            <th scope="col">In /s</th>
            <th scope="col">Shed /s</th>
            <th scope="col">Sampled /s</th>
            <th scope="col">Shed total</th>
            <th scope="col">Sampled total</th>
          </tr>
        </thead>
        <tbody>
          {PRIORITIES.map((p) => {
            const label = `priority="${p}"`;
            return (
              <tr key={p}>
                <td>{p}</td>
                <td>{per('stadium_messages_in_total', label)}</td>
                <td>{per('stadium_messages_shed_total', label)}</td>
                <td>{per('stadium_downstream_sampled_total', label)}</td>
                <td>{after ? total(after.samples, 'stadium_messages_shed_total', label) : '…'}</td>
                <td>{after ? total(after.samples, 'stadium_downstream_sampled_total', label) : '…'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Fan-out latency</h2>
      <p data-testid="fanout-latency">
        {fanout ? (
          <>
            mean <strong>{ms(fanout.mean)}</strong>, 95 % under <strong>{ms(fanout.quantile)}</strong> ({fanout.count} batches in the last {seconds.toFixed(0)} s)
          </>
        ) : (
          'No batches in the last read.'
        )}
      </p>
      <p class="hint">
        From a room's authority publishing a batch to this node having handed it to its members' connections (<code>stadium_fanout_latency_seconds</code>).
      </p>
    </section>
  );
}

/** An app's callback settings (stadium_admin get_callback_config / set_callback_config). */
import { rest } from './api.js';
import { ActionForm, text } from './action.js';
import { href } from './use-hash.js';
import { usePoll } from './use-poll.js';
import { parseMetrics, total } from './metrics.js';

interface TestResult {
  Ok: number;
  HttpStatus: number;
  LatencyMs: number;
  Detail: string;
}

interface ResultRow {
  command: string;
  ok: number;
  error: number;
  timeout: number;
}

/** How often the callback results refresh, ms. */
const RESULTS_REFRESH_MS = 5000;

/** Requests by command and outcome, from this node's /metrics. */
async function callbackResults(): Promise<ResultRow[]> {
  const samples = parseMetrics(await (await fetch('/metrics')).text());
  const commands = new Set<string>();
  for (const key of samples.keys()) {
    const m = /^stadium_callback_requests_total\{.*command="([^"]+)"/.exec(key);
    if (m) commands.add(m[1]!);
  }
  return [...commands].map((command) => {
    const of = (outcome: string): number => total(samples, 'stadium_callback_requests_total', `command="${command}",outcome="${outcome}"`);
    return { command, ok: of('ok'), error: of('error'), timeout: of('timeout') };
  });
}

interface CallbackConfig {
  CallbackUrl: string | null;
  Commands: string[];
  TimeoutMs: number;
  FailPolicy: string;
}

export function CallbacksPage(props: { sdkAppId: number }) {
  const { sdkAppId } = props;
  const config = usePoll(() => rest<CallbackConfig>(sdkAppId, 'stadium_admin/get_callback_config', {}), 0, [sdkAppId]);
  const results = usePoll(callbackResults, RESULTS_REFRESH_MS, []);
  const c = config.data;
  return (
    <section>
      <p class="crumbs">
        <a href={href('apps')}>Apps</a> / <a href={href('apps', sdkAppId)}>{sdkAppId}</a> / callbacks
      </p>
      <h1>Callbacks</h1>
      {config.error && <p class="form-error">{config.error}</p>}
      {c && (
        <ActionForm
          label="Callback settings"
          submit="Save"
          onSubmit={async (form) => {
            const url = text(form, 'url');
            const commands = text(form, 'commands')
              .split(/[\s,]+/)
              .filter((s) => s !== '');
            await rest(sdkAppId, 'stadium_admin/set_callback_config', {
              CallbackUrl: url === '' ? null : url,
              Commands: commands,
              TimeoutMs: Number(text(form, 'timeout')),
              FailPolicy: text(form, 'policy'),
            });
            config.reload();
            return 'Saved; running nodes apply it within a few seconds.';
          }}
        >
          <label class="field">
            <span>Callback URL (empty: none)</span>
            <input name="url" type="url" value={c.CallbackUrl ?? ''} />
          </label>
          <label class="field">
            <span>Commands (comma or space separated)</span>
            <textarea name="commands" rows={3} value={c.Commands.join(', ')} />
          </label>
          <label class="field">
            <span>Timeout (ms)</span>
            <input name="timeout" type="number" min={100} max={30000} value={String(c.TimeoutMs)} />
          </label>
          <label class="field">
            <span>When the before-send callback fails</span>
            <select name="policy" value={c.FailPolicy}>
              <option value="allow">allow (deliver)</option>
              <option value="reject">reject</option>
            </select>
          </label>
        </ActionForm>
      )}
      <ActionForm
        label="Test callback"
        submit="Send test callback"
        onSubmit={async () => {
          const r = await rest<TestResult>(sdkAppId, 'stadium_admin/send_test_callback', {});
          const line = `HTTP ${r.HttpStatus || 'none'} in ${r.LatencyMs} ms`;
          if (!r.Ok) throw new Error(`Test callback failed: ${r.Detail} (${line}).`);
          return `Test callback answered: ${line}.`;
        }}
      >
        <p class="hint">Sends one signed request with CallbackCommand Stadium.TestCallback to the callback URL.</p>
      </ActionForm>
      <h2>Callback results on this node</h2>
      {results.error && <p class="form-error">{results.error}</p>}
      <table class="list" aria-label="Callback results">
        <thead>
          <tr>
            <th scope="col">Command</th>
            <th scope="col">ok</th>
            <th scope="col">error</th>
            <th scope="col">timeout</th>
          </tr>
        </thead>
        <tbody>
          {(results.data ?? []).map((row) => (
            <tr key={row.command}>
              <td>{row.command}</td>
              <td>{row.ok}</td>
              <td>{row.error}</td>
              <td>{row.timeout}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">Totals since this node started (stadium_callback_requests_total of /metrics), refreshed every {RESULTS_REFRESH_MS / 1000} s.</p>
    </section>
  );
}

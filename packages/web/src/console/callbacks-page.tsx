/** An app's callback settings (stadium_admin get_callback_config / set_callback_config). */
import { rest } from './api.js';
import { ActionForm, text } from './action.js';
import { href } from './use-hash.js';
import { usePoll } from './use-poll.js';

interface CallbackConfig {
  CallbackUrl: string | null;
  Commands: string[];
  TimeoutMs: number;
  FailPolicy: string;
}

export function CallbacksPage(props: { sdkAppId: number }) {
  const { sdkAppId } = props;
  const config = usePoll(() => rest<CallbackConfig>(sdkAppId, 'stadium_admin/get_callback_config', {}), 0, [sdkAppId]);
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
          key={JSON.stringify(c)}
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
      <section class="planned" aria-label="Test callback">
        <h2>Send test callback</h2>
        <p class="hint">
          Not in the console yet: the signed test request needs a stadium_admin command of its own, which is not built. The last callback results per command are on the dashboard
          (stadium_callback_requests_total by outcome).
        </p>
      </section>
    </section>
  );
}

/** Apps: the list, creating one (at most 300 per deployment) and deleting one with its name typed as confirmation. */
import { consoleApi, type AppSummary } from './api.js';
import { ActionForm, Field, text } from './action.js';
import { href } from './use-hash.js';
import { usePoll } from './use-poll.js';

/** Most apps a deployment holds (F12). */
const MAX_APPS = 300;

export function AppsPage() {
  const { data, error, reload } = usePoll(() => consoleApi<{ apps: AppSummary[] }>('apps'), 0, []);
  const apps = data?.apps ?? [];
  return (
    <section>
      <h1>Apps</h1>
      {error && <p class="form-error">{error}</p>}
      <table class="list">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">SDKAppID</th>
            <th scope="col">Created</th>
            <th scope="col">Development login</th>
          </tr>
        </thead>
        <tbody>
          {apps.map((a) => (
            <tr key={a.SDKAppID}>
              <td>
                <a href={href('apps', a.SDKAppID)}>{a.name}</a>
              </td>
              <td>{a.SDKAppID}</td>
              <td>{new Date(a.createdAt).toLocaleString()}</td>
              <td>{a.devLogin ? 'on (development only)' : 'off'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">
        {apps.length} of at most {MAX_APPS} apps.
      </p>
      <ActionForm
        label="Create an app"
        submit="Create app"
        onSubmit={async (form) => {
          const app = await consoleApi<AppSummary>('apps/create', { name: text(form, 'name') });
          reload();
          return `Created app ${app.SDKAppID} ("${app.name}").`;
        }}
      >
        <Field label="Name" name="name" required />
      </ActionForm>
    </section>
  );
}

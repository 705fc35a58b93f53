/** The sign-in form of the operator account. */
import { useState } from 'preact/hooks';
import { consoleApi, errorText } from './api.js';

export function SignIn(props: { onSignedIn: (operator: string, csrfToken: string) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <main class="sign-in">
      <h1>Stadium console</h1>
      <form
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          setBusy(true);
          consoleApi<{ operator: string; csrfToken: string }>('sign-in', { name: data.get('name'), password: data.get('password') })
            .then(
              (s) => props.onSignedIn(s.operator, s.csrfToken),
              (err: unknown) => setError(errorText(err)),
            )
            .finally(() => setBusy(false));
        }}
      >
        <label class="field">
          <span>Operator</span>
          <input name="name" autocomplete="username" value="operator" required />
        </label>
        <label class="field">
          <span>Password</span>
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <p class="hint">The first `stadium start` printed the password once; `npx stadium console password` sets a new one.</p>
      </form>
    </main>
  );
}

/** The nickname form that logs a guest in. */
import { useState } from 'preact/hooks';
import { MAX_NICK_CHARS } from './identity.js';

export function LoginForm({ onLogin, busy, error }: { onLogin: (nick: string) => void; busy: boolean; error: string }) {
  const [nick, setNick] = useState('');
  return (
    <form
      class="login-form"
      onSubmit={(e) => {
        e.preventDefault();
        const value = nick.trim();
        if (value) onLogin(value);
      }}
    >
      <label for="nick">Nickname</label>
      <input id="nick" name="nick" autocomplete="nickname" maxLength={MAX_NICK_CHARS} value={nick} onInput={(e) => setNick(e.currentTarget.value)} required />
      <button type="submit" disabled={busy || nick.trim() === ''}>
        {busy ? 'Logging in…' : 'Log in'}
      </button>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** The console: sign-in gate, navigation and the pages by hash route. */
import { useEffect, useState } from 'preact/hooks';
import { consoleApi, ConsoleError, errorText, forgetSigs, setCsrf } from './api.js';
import { AppPage } from './app-page.js';
import { AppsPage } from './apps-page.js';
import { CallbacksPage } from './callbacks-page.js';
import { Dashboard } from './dashboard.js';
import { RoomPage } from './room-page.js';
import { SignIn } from './sign-in.js';
import { href, useHashRoute } from './use-hash.js';
import { WordsPage } from './words-page.js';

function Page(props: { route: string[] }) {
  const [section, id, sub, roomId] = props.route;
  if (section === 'dashboard') return <Dashboard />;
  if (section === 'apps' && id !== undefined) {
    const sdkAppId = Number(id);
    if (sub === 'rooms' && roomId !== undefined) return <RoomPage sdkAppId={sdkAppId} groupId={roomId} />;
    if (sub === 'words') return <WordsPage sdkAppId={sdkAppId} />;
    if (sub === 'callbacks') return <CallbacksPage sdkAppId={sdkAppId} />;
    return <AppPage sdkAppId={sdkAppId} />;
  }
  return <AppsPage />;
}

export function ConsoleApp() {
  const [operator, setOperator] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState('');
  const route = useHashRoute();
  useEffect(() => {
    consoleApi<{ operator: string; csrfToken: string }>('session').then(
      (s) => {
        setCsrf(s.csrfToken);
        setOperator(s.operator);
      },
      (e: unknown) => {
        if (!(e instanceof ConsoleError && e.reason === 'CONSOLE_SESSION_REQUIRED')) setError(errorText(e));
        setOperator(null);
      },
    );
  }, []);
  if (operator === undefined) return <p class="loading">Loading…</p>;
  if (operator === null)
    return (
      <>
        {error && <p class="form-error">{error}</p>}
        <SignIn
          onSignedIn={(name, csrf) => {
            setCsrf(csrf);
            setOperator(name);
          }}
        />
      </>
    );
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={href('apps')}>
          Stadium console
        </a>
        <nav aria-label="Sections">
          <a href={href('apps')}>Apps</a>
          <a href={href('dashboard')}>Dashboard</a>
        </nav>
        <span class="who">{operator}</span>
        <button
          type="button"
          onClick={() => {
            void consoleApi('sign-out', {}).finally(() => {
              forgetSigs();
              setOperator(null);
            });
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        <Page route={route} />
      </main>
    </div>
  );
}

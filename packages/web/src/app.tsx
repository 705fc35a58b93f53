/**
 * The live page: `/live/` is the landing page (rooms of the development app, create one) and
 * `/live/?group=<groupID>` a room. Query parameters: `group`, `app` (SDKAppID; default the
 * development app), `video` (a video URL that overrides the room's).
 */
import { useEffect, useState } from 'preact/hooks';
import { devApp } from './dev-api.js';
import { Landing } from './landing.js';
import { RoomPage } from './room-page.js';
import { errorText, globalTim } from './sdk.js';

export function App() {
  const params = new URLSearchParams(location.search);
  const group = params.get('group') ?? '';
  const appParam = Number(params.get('app') ?? '');
  const [sdkAppId, setSdkAppId] = useState<number>(Number.isSafeInteger(appParam) && appParam > 0 ? appParam : 0);
  const [error, setError] = useState('');
  const TIM = globalTim();

  useEffect(() => {
    if (sdkAppId !== 0) return;
    devApp()
      .then((a) => setSdkAppId(a.SDKAppID))
      .catch((e: unknown) => setError(`No development app: ${errorText(e)} Open the page with ?app=<SDKAppID>.`));
  }, [sdkAppId]);

  if (!TIM) return <p class="page-error">The SDK (/sdk/stadium.js) did not load; run "npm run build" and reload.</p>;
  if (error) return <p class="page-error">{error}</p>;
  if (sdkAppId === 0) return <p class="page-loading">Loading…</p>;
  if (group) return <RoomPage TIM={TIM} sdkAppId={sdkAppId} groupID={group} videoParam={params.get('video') ?? ''} />;
  return <Landing TIM={TIM} sdkAppId={sdkAppId} />;
}

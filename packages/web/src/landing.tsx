/**
 * The landing page: the live rooms of the development app (from /live/api/rooms) and a form
 * that creates one with the SDK's createGroup, as the logged-in viewer, then opens it.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { listRooms, type RoomSummary } from './dev-api.js';
import { loadIdentity, MAX_NICK_CHARS, saveIdentity, userIdFor } from './identity.js';
import { logIn } from './login.js';
import { errorText, safeUrl, timFor, type TimStatic } from './sdk.js';

function roomHref(groupID: string, video: string): string {
  const q = new URLSearchParams({ group: groupID });
  if (video) q.set('video', video);
  return `/live/?${q.toString()}`;
}

export function Landing({ TIM, sdkAppId }: { TIM: TimStatic; sdkAppId: number }) {
  const tim = useMemo(() => timFor(TIM, sdkAppId), [TIM, sdkAppId]);
  const saved = useMemo(() => loadIdentity(), []);
  const [rooms, setRooms] = useState<RoomSummary[] | null>(null);
  const [listError, setListError] = useState('');
  const [nick, setNick] = useState(saved?.nick ?? '');
  const [name, setName] = useState('');
  const [video, setVideo] = useState('');
  const [busy, setBusy] = useState(false);
  const [createError, setCreateError] = useState('');

  useEffect(() => {
    listRooms(sdkAppId).then(
      (r) => setRooms(r.rooms),
      (e: unknown) => setListError(errorText(e)),
    );
  }, [sdkAppId]);

  const create = async (): Promise<void> => {
    setBusy(true);
    setCreateError('');
    try {
      const identity = saved && saved.nick === nick.trim() ? saved : { nick: nick.trim(), userID: userIdFor(nick.trim()) };
      await logIn(tim, sdkAppId, identity);
      saveIdentity(identity);
      const { group } = (await tim.createGroup({ name: name.trim(), type: TIM.TYPES.GRP_AVCHATROOM })).data;
      location.href = roomHref(group.groupID, safeUrl(video.trim()));
    } catch (e) {
      setCreateError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <div class="landing">
      <header class="landing-header">
        <h1>Stadium live</h1>
        <p>Live rooms of app {sdkAppId}. Open one in two tabs and chat.</p>
      </header>
      <main class="landing-main">
        <section aria-labelledby="rooms-title">
          <h2 id="rooms-title">Live rooms</h2>
          {listError && (
            <p class="form-error" role="alert">
              {listError}
            </p>
          )}
          {rooms === null && !listError && <p>Loading…</p>}
          {rooms?.length === 0 && <p>No rooms yet: create the first one.</p>}
          {rooms && rooms.length > 0 && (
            <ul class="room-list">
              {rooms.map((r) => (
                <li key={r.groupID}>
                  <a href={roomHref(r.groupID, '')}>
                    <span class="room-name">{r.name}</span>
                    <span class="room-meta">{r.memberCount} online</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="create-title">
          <h2 id="create-title">Create a room</h2>
          <form
            class="create-form"
            onSubmit={(e) => {
              e.preventDefault();
              void create();
            }}
          >
            <label for="create-nick">Your nickname</label>
            <input id="create-nick" maxLength={MAX_NICK_CHARS} value={nick} onInput={(e) => setNick(e.currentTarget.value)} required />
            <label for="create-name">Room name</label>
            <input id="create-name" maxLength={30} value={name} onInput={(e) => setName(e.currentTarget.value)} required />
            <label for="create-video">Video URL (optional)</label>
            <input id="create-video" type="url" placeholder="https://…/stream.mp4" value={video} onInput={(e) => setVideo(e.currentTarget.value)} />
            <button type="submit" disabled={busy || !nick.trim() || !name.trim()}>
              {busy ? 'Creating…' : 'Create and open'}
            </button>
            {createError && (
              <p class="form-error" role="alert">
                {createError}
              </p>
            )}
          </form>
        </section>
      </main>
    </div>
  );
}

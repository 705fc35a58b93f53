/** One app: its keys, its rooms (create, list with online counts, dismiss), links to word lists and callbacks, and deleting it. */
import { useRef, useState } from 'preact/hooks';
import { consoleApi, rest } from './api.js';
import { ActionForm, Field, text } from './action.js';
import { listRooms, roomRates, ROOMS_LISTED, type RoomRow } from './rooms.js';
import { href } from './use-hash.js';
import { usePoll } from './use-poll.js';

interface AppDetail {
  SDKAppID: number;
  name: string;
  secretKey: string;
  adminUserID: string;
  devLogin: boolean;
}

/** How often the room list refreshes, ms. */
const ROOMS_REFRESH_MS = 5000;

export function AppPage(props: { sdkAppId: number }) {
  const { sdkAppId } = props;
  const app = usePoll(() => consoleApi<AppDetail>(`app?sdkappid=${sdkAppId}`), 0, [sdkAppId]);
  const rooms = usePoll(() => listRooms(sdkAppId), ROOMS_REFRESH_MS, [sdkAppId]);
  const [showKey, setShowKey] = useState(false);
  const detail = app.data;
  // The read before the current one, for per-room rates.
  const reads = useRef<{ before?: { at: number; rooms: Map<string, RoomRow> }; current?: { at: number; rooms: Map<string, RoomRow> } }>({});
  if (rooms.data && reads.current.current?.at !== rooms.data.at) {
    reads.current = { before: reads.current.current, current: { at: rooms.data.at, rooms: new Map(rooms.data.rooms.map((r) => [r.GroupId, r])) } };
  }
  const before = reads.current.before;
  const seconds = before && rooms.data ? (rooms.data.at - before.at) / 1000 : 0;
  const fixed = (n: number): string => n.toFixed(1);
  return (
    <section>
      <p class="crumbs">
        <a href={href('apps')}>Apps</a> / {detail?.name ?? sdkAppId}
      </p>
      <h1>{detail?.name ?? `App ${sdkAppId}`}</h1>
      {app.error && <p class="form-error">{app.error}</p>}
      {detail && (
        <dl class="keys">
          <dt>SDKAppID</dt>
          <dd>{detail.SDKAppID}</dd>
          <dt>Admin user ID</dt>
          <dd>{detail.adminUserID}</dd>
          <dt>Secret key</dt>
          <dd>
            {showKey ? <code data-testid="secret-key">{detail.secretKey}</code> : '••••••••'}{' '}
            <button type="button" onClick={() => setShowKey(!showKey)}>
              {showKey ? 'Hide key' : 'Show key'}
            </button>
          </dd>
        </dl>
      )}
      <nav class="subnav" aria-label="App settings">
        <a href={href('apps', sdkAppId, 'words')}>Word lists</a>
        <a href={href('apps', sdkAppId, 'callbacks')}>Callbacks</a>
      </nav>

      <h2>Live rooms</h2>
      {rooms.error && <p class="form-error">{rooms.error}</p>}
      <table class="list" aria-label="Live rooms">
        <thead>
          <tr>
            <th scope="col">Room</th>
            <th scope="col">Group ID</th>
            <th scope="col">Owner</th>
            <th scope="col">Online</th>
            <th scope="col">Mute-all</th>
            <th scope="col">Messages/s</th>
            <th scope="col">Drops/s</th>
            <th scope="col">Published · shed · sampled</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {(rooms.data?.rooms ?? []).map((r) => {
            const rates = roomRates(before?.rooms.get(r.GroupId), r, seconds);
            const stats = r.MsgStats;
            return (
              <tr key={r.GroupId}>
                <td>
                  <a href={href('apps', sdkAppId, 'rooms', r.GroupId)}>{r.Name || r.GroupId}</a>
                </td>
                <td>
                  <code>{r.GroupId}</code>
                </td>
                <td>{r.Owner_Account}</td>
                <td data-testid="online">{r.MemberNum}</td>
                <td>{r.MuteAllMember}</td>
                <td data-testid="room-rate">{rates ? fixed(rates.published) : '…'}</td>
                <td>{rates ? fixed(rates.shed + rates.sampled) : '…'}</td>
                <td data-testid="room-totals">{stats ? `${stats.Published} · ${stats.Shed} · ${stats.Sampled}` : '…'}</td>
                <td>
                  <button
                    type="button"
                    class="danger"
                    onClick={() => {
                      if (!confirm(`Dismiss room ${r.GroupId}? Every member is told and the room is deleted.`)) return;
                      void rest(sdkAppId, 'group_open_http_svc/destroy_group', { GroupId: r.GroupId }).then(rooms.reload, rooms.reload);
                    }}
                  >
                    Dismiss
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rooms.data && (
        <p class="hint">
          {rooms.data.total} rooms{rooms.data.total > ROOMS_LISTED ? `; the newest ${ROOMS_LISTED} are shown` : ''}. Online counts and message figures refresh every{' '}
          {ROOMS_REFRESH_MS / 1000} s. Messages/s counts the room's published messages; Shed/s its drops (shed by the room's rate limit, or sampled away by its downstream cap),
          counted at the room's authority since it took the room (<code>get_group_info</code> field <code>MsgStats</code>).
        </p>
      )}
      <ActionForm
        label="Create a live room"
        submit="Create room"
        onSubmit={async (form) => {
          const id = text(form, 'groupId');
          const answer = await rest<{ GroupId: string }>(sdkAppId, 'group_open_http_svc/create_group', {
            Type: 'AVChatRoom',
            Name: text(form, 'name'),
            ...(text(form, 'owner') ? { Owner_Account: text(form, 'owner') } : {}),
            ...(id ? { GroupId: id } : {}),
          });
          rooms.reload();
          return `Created room ${answer.GroupId}.`;
        }}
      >
        <Field label="Name" name="name" required />
        <Field label="Owner" name="owner" placeholder={detail?.adminUserID ?? 'administrator'} />
        <Field label="Custom ID (optional)" name="groupId" placeholder="made by the server: @TGS#…" />
      </ActionForm>

      <ActionForm
        label="Delete this app"
        submit="Delete app and all its data"
        danger
        onSubmit={async (form) => {
          await consoleApi('apps/delete', { SDKAppID: sdkAppId, confirm: text(form, 'confirm') });
          location.hash = href('apps');
          return 'Deleted.';
        }}
      >
        <Field label={`Type the app's name (${detail?.name ?? ''}) to confirm`} name="confirm" required />
      </ActionForm>
    </section>
  );
}

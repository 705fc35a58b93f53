/**
 * One live room, all through the REST API: its profile and online count, a system notice,
 * mute / unmute, kick with ban / unban, admins, mute-all, slow mode, counters and attributes,
 * and the panels of room-panels.tsx: review queue, live tail, pins, history, online members.
 */
import { rest } from './api.js';
import { ActionForm, Field, text } from './action.js';
import { roomInfo } from './rooms.js';
import { href } from './use-hash.js';
import { usePoll } from './use-poll.js';
import { History, LiveTail, Members, Pins, ReviewQueue } from './room-panels.js';
import { useState } from 'preact/hooks';

/** How often the room's numbers refresh, ms. */
const REFRESH_MS = 3000;
const G = 'group_open_http_svc';

interface Moderation {
  muted: Array<{ Member_Account: string; MutedUntil: number }>;
  banned: Array<{ Member_Account: string; BannedUntil: number }>;
  counters: Array<{ Key: string; Value: number }>;
  attributes: Array<{ key: string; value: string }>;
}

async function moderation(sdkAppId: number, groupId: string): Promise<Moderation> {
  const [muted, banned, counters, attributes] = await Promise.all([
    rest<{ MutedAccountList: Moderation['muted'] }>(sdkAppId, `${G}/get_group_muted_account`, { GroupId: groupId }),
    rest<{ BannedAccountList: Moderation['banned'] }>(sdkAppId, `${G}/get_group_ban_member`, { GroupId: groupId, Limit: 100, Offset: 0 }),
    rest<{ GroupCounter: Moderation['counters'] }>(sdkAppId, `${G}/get_group_counter`, { GroupId: groupId }),
    rest<{ GroupAttrAry: Moderation['attributes'] }>(sdkAppId, 'group_open_attr_http_svc/get_group_attr', { GroupId: groupId }),
  ]);
  return { muted: muted.MutedAccountList, banned: banned.BannedAccountList, counters: counters.GroupCounter, attributes: attributes.GroupAttrAry };
}

const until = (sec: number): string => new Date(sec * 1000).toLocaleString();

export function RoomPage(props: { sdkAppId: number; groupId: string }) {
  const { sdkAppId, groupId } = props;
  const info = usePoll(() => roomInfo(sdkAppId, groupId), REFRESH_MS, [sdkAppId, groupId]);
  const mod = usePoll(() => moderation(sdkAppId, groupId), REFRESH_MS, [sdkAppId, groupId]);
  const room = info.data;
  const [pinVersion, setPinVersion] = useState(0);
  const [historyVersion, setHistoryVersion] = useState(0);
  const after = (message: string) => (): string => {
    info.reload();
    mod.reload();
    return message;
  };
  return (
    <section class="room">
      <p class="crumbs">
        <a href={href('apps')}>Apps</a> / <a href={href('apps', sdkAppId)}>{sdkAppId}</a> / {groupId}
      </p>
      <h1>{room?.Name || groupId}</h1>
      {info.error && <p class="form-error">{info.error}</p>}
      {info.data === undefined && !info.error ? <p class="loading">Loading…</p> : null}
      {room && (
        <dl class="keys">
          <dt>Group ID</dt>
          <dd>
            <code>{room.GroupId}</code> · <a href={`/live/?group=${encodeURIComponent(room.GroupId)}`}>open the live page</a>
          </dd>
          <dt>Owner</dt>
          <dd>{room.Owner_Account}</dd>
          <dt>Online now</dt>
          <dd data-testid="room-online">{room.MemberNum}</dd>
          <dt>Mute-all</dt>
          <dd data-testid="mute-all">{room.MuteAllMember}</dd>
          <dt>Slow mode</dt>
          <dd data-testid="slow-mode">{room.SlowModeSec ? `one message per ${room.SlowModeSec} s per member` : 'off'}</dd>
          <dt>Admins</dt>
          <dd data-testid="admins">{room.Admin_Account && room.Admin_Account.length > 0 ? room.Admin_Account.join(', ') : 'none'}</dd>
          <dt>Messages</dt>
          <dd data-testid="msg-stats">{room.MsgStats ? `${room.MsgStats.Published} published · ${room.MsgStats.Shed} shed · ${room.MsgStats.Sampled} sampled` : '…'}</dd>
        </dl>
      )}
      <div class="grid">
        <ActionForm
          label="System notice"
          submit="Send notice"
          onSubmit={async (form) => {
            await rest(sdkAppId, `${G}/send_group_system_notification`, { GroupId: groupId, Content: text(form, 'content') });
            return 'Notice sent to every online member.';
          }}
        >
          <Field label="Notice" name="content" required />
        </ActionForm>

        <ActionForm
          label="Mute a user"
          submit="Mute"
          onSubmit={async (form) => {
            const user = text(form, 'user');
            const seconds = Number(text(form, 'seconds'));
            await rest(sdkAppId, `${G}/forbid_send_msg`, { GroupId: groupId, Members_Account: [user], MuteTime: seconds });
            return after(seconds > 0 ? `Muted ${user} for ${seconds} s.` : `Unmuted ${user}.`)();
          }}
        >
          <Field label="User ID" name="user" required />
          <Field label="Seconds (0 unmutes)" name="seconds" type="number" min={0} value="600" required />
        </ActionForm>

        <ActionForm
          label="Kick and ban a user"
          submit="Kick and ban"
          danger
          onSubmit={async (form) => {
            const user = text(form, 'user');
            const seconds = Number(text(form, 'seconds'));
            await rest(sdkAppId, `${G}/ban_group_member`, { GroupId: groupId, Members_Account: [user], Duration: seconds, Description: text(form, 'reason') });
            return after(`Kicked ${user}; banned for ${seconds} s.`)();
          }}
        >
          <Field label="User ID" name="user" required />
          <Field label="Ban seconds" name="seconds" type="number" min={1} value="3600" required />
          <Field label="Reason" name="reason" />
        </ActionForm>

        <ActionForm
          label="Mute-all"
          submit={room?.MuteAllMember === 'On' ? 'Turn mute-all off' : 'Turn mute-all on'}
          onSubmit={async () => {
            const next = room?.MuteAllMember === 'On' ? 'Off' : 'On';
            await rest(sdkAppId, `${G}/modify_group_base_info`, { GroupId: groupId, MuteAllMember: next });
            return after(`Mute-all is ${next}.`)();
          }}
        />

        <ActionForm
          label="Admins"
          submit="Apply role"
          onSubmit={async (form) => {
            const user = text(form, 'user');
            const role = text(form, 'role') || 'Admin';
            await rest(sdkAppId, 'stadium_admin/set_group_member_role', { GroupId: groupId, Member_Account: user, Role: role });
            return after(role === 'Admin' ? `${user} is an admin.` : `${user} is no longer an admin.`)();
          }}
        >
          <Field label="User ID" name="user" required />
          <label class="field">
            <span>Role</span>
            <select name="role">
              <option value="Admin">Admin (set)</option>
              <option value="Member">Member (unset admin)</option>
            </select>
          </label>
        </ActionForm>

        <ActionForm
          label="Slow mode"
          submit="Set slow mode"
          onSubmit={async (form) => {
            const answer = await rest<{ SlowModeSec: number }>(sdkAppId, 'stadium_admin/set_room_settings', { GroupId: groupId, SlowModeSec: Number(text(form, 'seconds')) });
            return answer.SlowModeSec > 0 ? `Slow mode: one message per ${answer.SlowModeSec} s per member.` : 'Slow mode is off.';
          }}
        >
          <Field label="Seconds between messages (0: off)" name="seconds" type="number" min={0} max={3600} value="0" required />
        </ActionForm>

        <ActionForm
          label="Counter"
          submit="Apply"
          onSubmit={async (form) => {
            const key = text(form, 'key');
            const mode = text(form, 'mode') || 'Set';
            await rest(sdkAppId, `${G}/update_group_counter`, { GroupId: groupId, Mode: mode, GroupCounter: [{ Key: key, Value: Number(text(form, 'value')) }] });
            return after(`Counter ${key} updated.`)();
          }}
        >
          <Field label="Key" name="key" required value="likes" />
          <label class="field">
            <span>Mode</span>
            <select name="mode">
              <option>Set</option>
              <option>Increase</option>
              <option>Decrease</option>
            </select>
          </label>
          <Field label="Value" name="value" type="number" required />
        </ActionForm>

        <ActionForm
          label="Attribute"
          submit="Set attribute"
          onSubmit={async (form) => {
            const key = text(form, 'key');
            await rest(sdkAppId, `${G}/modify_group_attr`, { GroupId: groupId, GroupAttr: [{ key, value: text(form, 'value') }] });
            return after(`Attribute ${key} set.`)();
          }}
        >
          <Field label="Key" name="key" required />
          <Field label="Value" name="value" required />
        </ActionForm>
      </div>

      {mod.error && <p class="form-error">{mod.error}</p>}
      {mod.data && (
        <div class="grid">
          <section aria-label="Muted users">
            <h2>Muted</h2>
            <ul class="plain">
              {mod.data.muted.length === 0 && <li class="hint">Nobody.</li>}
              {mod.data.muted.map((m) => (
                <li key={m.Member_Account}>
                  {m.Member_Account} until {until(m.MutedUntil)}{' '}
                  <button
                    type="button"
                    onClick={() => void rest(sdkAppId, `${G}/forbid_send_msg`, { GroupId: groupId, Members_Account: [m.Member_Account], MuteTime: 0 }).then(mod.reload, mod.reload)}
                  >
                    Unmute
                  </button>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label="Banned users">
            <h2>Banned</h2>
            <ul class="plain">
              {mod.data.banned.length === 0 && <li class="hint">Nobody.</li>}
              {mod.data.banned.map((b) => (
                <li key={b.Member_Account}>
                  {b.Member_Account} until {until(b.BannedUntil)}{' '}
                  <button
                    type="button"
                    onClick={() => void rest(sdkAppId, `${G}/unban_group_member`, { GroupId: groupId, Members_Account: [b.Member_Account] }).then(mod.reload, mod.reload)}
                  >
                    Unban
                  </button>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label="Counters">
            <h2>Counters</h2>
            <ul class="plain">
              {mod.data.counters.length === 0 && <li class="hint">None.</li>}
              {mod.data.counters.map((c) => (
                <li key={c.Key}>
                  {c.Key}: <strong>{c.Value}</strong>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label="Attributes">
            <h2>Attributes</h2>
            <ul class="plain">
              {mod.data.attributes.length === 0 && <li class="hint">None.</li>}
              {mod.data.attributes.map((a) => (
                <li key={a.key}>
                  {a.key} = {a.value}
                </li>
              ))}
            </ul>
          </section>
        </div>
      )}

      <div class="grid">
        <ReviewQueue sdkAppId={sdkAppId} groupId={groupId} />
        <LiveTail sdkAppId={sdkAppId} groupId={groupId} version={historyVersion} onPinned={() => setPinVersion((v) => v + 1)} />
        <Pins sdkAppId={sdkAppId} groupId={groupId} version={pinVersion} />
        <History sdkAppId={sdkAppId} groupId={groupId} onChange={() => setHistoryVersion((v) => v + 1)} />
        <Members sdkAppId={sdkAppId} groupId={groupId} />
      </div>
    </section>
  );
}

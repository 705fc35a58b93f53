/**
 * The room page's live panels, all through the REST API (docs/console.md): the review queue
 * with approve / deny, pins, history settings with a record download, the online member list
 * (paged, newest first) and a live tail read from the room's kept messages.
 * Text is rendered as text (Preact escapes it), never as HTML.
 */
import { useEffect, useState } from 'preact/hooks';
import { errorText, rest, restLines } from './api.js';
import { ActionForm, Field, text } from './action.js';
import { usePoll } from './use-poll.js';

/** How often the review queue, pins and member list refresh, ms. */
const PANEL_REFRESH_MS = 3000;
/** How often the live tail asks for new messages, ms (export_group_record allows 10 calls/s per app). */
const TAIL_REFRESH_MS = 1500;
/** Messages the live tail keeps (the oldest go first) and reads back when it opens. */
export const TAIL_MAX = 100;
/** Longest text a line of the tail or the queue shows, characters. */
const MAX_TEXT = 200;
const A = 'stadium_admin';

const time = (sec: number): string => new Date(sec * 1000).toLocaleTimeString();
const cut = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

/** What a message shows: its text, a custom message's description or data, or its type. */
function shown(type: string, content: Record<string, unknown> | undefined): string {
  if (content && typeof content.text === 'string') return cut(content.text);
  if (content && typeof content.description === 'string' && content.description !== '') return cut(content.description);
  if (content && typeof content.data === 'string' && content.data !== '') return cut(content.data);
  return `(${type})`;
}

/** A small outcome line under a panel's buttons. */
function Outcome(props: { outcome: { ok: boolean; text: string } | null }) {
  const o = props.outcome;
  if (!o) return null;
  return (
    <p class={o.ok ? 'ok' : 'form-error'} role={o.ok ? 'status' : 'alert'}>
      {o.text}
    </p>
  );
}

function useOutcome(): [{ ok: boolean; text: string } | null, (p: Promise<string>) => void] {
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  return [
    outcome,
    (p) =>
      void p.then(
        (t) => setOutcome({ ok: true, text: t }),
        (e: unknown) => setOutcome({ ok: false, text: errorText(e) }),
      ),
  ];
}

interface Held {
  HoldId: string;
  From_Account: string;
  MsgType: string;
  MsgContent: Record<string, unknown>;
  HeldTime: number;
  ExpireTime: number;
}

/** Held messages (get_review_queue) with approve / deny (review_message). */
export function ReviewQueue(props: { sdkAppId: number; groupId: string }) {
  const { sdkAppId, groupId } = props;
  const queue = usePoll(() => rest<{ HeldMsgList: Held[] }>(sdkAppId, `${A}/get_review_queue`, { GroupId: groupId }), PANEL_REFRESH_MS, [sdkAppId, groupId]);
  const [outcome, report] = useOutcome();
  const decide = (h: Held, action: 'Approve' | 'Deny') =>
    report(
      rest<{ MsgSeq: number }>(sdkAppId, `${A}/review_message`, { GroupId: groupId, HoldId: h.HoldId, Action: action }).then((a) => {
        queue.reload();
        return action === 'Approve' ? `Approved ${h.From_Account}'s message: published as #${a.MsgSeq}.` : `Denied ${h.From_Account}'s message.`;
      }),
    );
  const held = queue.data?.HeldMsgList ?? [];
  return (
    <section aria-label="Review queue" class="wide">
      <h2>Review queue</h2>
      <p class="hint">Messages held by a word list with action review, oldest first, refreshed every {PANEL_REFRESH_MS / 1000} s.</p>
      {queue.error && <p class="form-error">{queue.error}</p>}
      <ul class="plain">
        {queue.data && held.length === 0 && <li class="hint">Nothing held.</li>}
        {held.map((h) => (
          <li key={h.HoldId} class="held">
            <strong>{h.From_Account}</strong> <span class="msg-text">{shown(h.MsgType, h.MsgContent)}</span>{' '}
            <span class="hint">
              held {time(h.HeldTime)}, expires {time(h.ExpireTime)}
            </span>{' '}
            <button type="button" onClick={() => decide(h, 'Approve')}>
              Approve
            </button>{' '}
            <button type="button" class="danger" onClick={() => decide(h, 'Deny')}>
              Deny
            </button>
          </li>
        ))}
      </ul>
      <Outcome outcome={outcome} />
    </section>
  );
}

interface PinEntry {
  MsgSeq: number;
  From_Account: string;
  NickName?: string;
  MsgType: string;
  MsgContent: Record<string, unknown>;
  PinnedBy: string;
  ExpireTime: number;
}

/** The room's pins (get_pinned_group_messages), pin by MsgSeq and unpin; a new `version` reloads them. */
export function Pins(props: { sdkAppId: number; groupId: string; version: number }) {
  const { sdkAppId, groupId } = props;
  const pins = usePoll(() => rest<{ PinnedMsgList: PinEntry[] }>(sdkAppId, `${A}/get_pinned_group_messages`, { GroupId: groupId }), PANEL_REFRESH_MS, [sdkAppId, groupId]);
  useEffect(() => pins.reload(), [props.version]);
  const [outcome, report] = useOutcome();
  const list = pins.data?.PinnedMsgList ?? [];
  return (
    <section aria-label="Pins">
      <h2>Pins</h2>
      {pins.error && <p class="form-error">{pins.error}</p>}
      <ul class="plain">
        {pins.data && list.length === 0 && <li class="hint">No pinned messages.</li>}
        {list.map((p) => (
          <li key={p.MsgSeq}>
            #{p.MsgSeq} <strong>{p.NickName || p.From_Account}</strong> <span class="msg-text">{shown(p.MsgType, p.MsgContent)}</span>{' '}
            <span class="hint">{p.ExpireTime > 0 ? `until ${time(p.ExpireTime)}` : `by ${p.PinnedBy}`}</span>{' '}
            <button
              type="button"
              onClick={() =>
                report(
                  rest(sdkAppId, `${A}/unpin_group_message`, { GroupId: groupId, MsgSeq: p.MsgSeq }).then(() => {
                    pins.reload();
                    return `Unpinned #${p.MsgSeq}.`;
                  }),
                )
              }
            >
              Unpin
            </button>
          </li>
        ))}
      </ul>
      <Outcome outcome={outcome} />
      <ActionForm
        label="Pin a message"
        submit="Pin"
        onSubmit={async (form) => {
          const seq = Number(text(form, 'seq'));
          const duration = Number(text(form, 'duration'));
          await pinMessage(sdkAppId, groupId, seq, duration > 0 ? duration : undefined);
          pins.reload();
          return `Pinned #${seq}.`;
        }}
      >
        <Field label="MsgSeq (from the live tail)" name="seq" type="number" min={1} required />
        <Field label="Seconds until it lapses (empty: never)" name="duration" type="number" min={1} max={2592000} />
      </ActionForm>
    </section>
  );
}

/** Pin message `seq` (pin_group_message). */
export async function pinMessage(sdkAppId: number, groupId: string, seq: number, duration?: number): Promise<void> {
  await rest(sdkAppId, `${A}/pin_group_message`, { GroupId: groupId, MsgSeq: seq, ...(duration ? { Duration: duration } : {}) });
}

/** HistorySize and KeepRecord (set_group_history; called with no field it reads them) and a download of the record. */
export function History(props: { sdkAppId: number; groupId: string; onChange: () => void }) {
  const { sdkAppId, groupId } = props;
  const current = usePoll(() => rest<{ HistorySize: number; KeepRecord: boolean }>(sdkAppId, `${A}/set_group_history`, { GroupId: groupId }), 0, [sdkAppId, groupId]);
  const [outcome, report] = useOutcome();
  const s = current.data;
  return (
    <section aria-label="History">
      <h2>History</h2>
      {current.error && <p class="form-error">{current.error}</p>}
      {s && (
        <p data-testid="history-now">
          Kept for joiners: <strong>{s.HistorySize}</strong> · whole record: <strong>{s.KeepRecord ? 'kept' : 'not kept'}</strong>
        </p>
      )}
      {s && (
        <ActionForm
          label="History settings"
          submit="Save history settings"
          onSubmit={async (form) => {
            const answer = await rest<{ HistorySize: number; KeepRecord: boolean }>(sdkAppId, `${A}/set_group_history`, {
              GroupId: groupId,
              HistorySize: Number(text(form, 'size')),
              KeepRecord: form.get('keep') === 'on',
            });
            current.reload();
            props.onChange();
            return `History: last ${answer.HistorySize} kept for joiners; whole record ${answer.KeepRecord ? 'kept' : 'not kept'}.`;
          }}
        >
          <Field label="HistorySize (0–1000)" name="size" type="number" min={0} max={1000} value={String(s.HistorySize)} required />
          <label class="field check">
            <input type="checkbox" name="keep" defaultChecked={s.KeepRecord} /> <span>KeepRecord (the whole record, for export)</span>
          </label>
        </ActionForm>
      )}
      <button
        type="button"
        onClick={() =>
          report(
            restLines(sdkAppId, `${A}/export_group_record`, { GroupId: groupId }).then((lines) => {
              const url = URL.createObjectURL(new Blob([lines], { type: 'application/x-ndjson' }));
              const a = document.createElement('a');
              a.href = url;
              a.download = `${groupId}-record.ndjson`;
              a.click();
              setTimeout(() => URL.revokeObjectURL(url), 60_000);
              const n = lines.split('\n').filter((l) => l !== '').length;
              return `Exported ${n} messages (JSON lines).`;
            }),
          )
        }
      >
        Download the record
      </button>
      <Outcome outcome={outcome} />
    </section>
  );
}

interface Member {
  Member_Account: string;
  NickName: string;
  JoinTime: number;
  Role: string;
  MuteUntil: number;
}

/** The online logged-in members (get_members), one page at a time, newest first. */
export function Members(props: { sdkAppId: number; groupId: string }) {
  const { sdkAppId, groupId } = props;
  // Cursors of the pages walked so far: [0] is the first page.
  const [cursors, setCursors] = useState<number[]>([0]);
  const cursor = cursors[cursors.length - 1] ?? 0;
  const page = usePoll(
    () => rest<{ MemberList: Member[]; NextTimestamp: number }>(sdkAppId, 'group_open_avchatroom_http_svc/get_members', { GroupId: groupId, Timestamp: cursor }),
    PANEL_REFRESH_MS,
    [sdkAppId, groupId, cursor],
  );
  const now = Date.now() / 1000;
  const members = page.data?.MemberList ?? [];
  const next = page.data?.NextTimestamp ?? 0;
  return (
    <section aria-label="Online members" class="wide">
      <h2>Online members</h2>
      <p class="hint">Logged-in members online now on every node, newest first (guests are counted, not listed); page {cursors.length}.</p>
      {page.error && <p class="form-error">{page.error}</p>}
      <table class="list" aria-label="Online member list">
        <thead>
          <tr>
            <th>User</th>
            <th>Nick</th>
            <th>Role</th>
            <th>Muted</th>
            <th>Joined</th>
          </tr>
        </thead>
        <tbody>
          {page.data && members.length === 0 && (
            <tr>
              <td colSpan={5} class="hint">
                Nobody logged in.
              </td>
            </tr>
          )}
          {members.map((m) => (
            <tr key={m.Member_Account}>
              <td>{m.Member_Account}</td>
              <td>{m.NickName}</td>
              <td>{m.Role}</td>
              <td>{m.MuteUntil > now ? `until ${time(m.MuteUntil)}` : '—'}</td>
              <td>{time(m.JoinTime)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors([0])}>
          First page
        </button>{' '}
        <button type="button" disabled={next === 0} onClick={() => setCursors([...cursors, next])}>
          Next page
        </button>
      </p>
    </section>
  );
}

interface TailLine {
  seq: number;
  time: number;
  type: string;
  from: string;
  nick?: string;
  priority: string;
  payload: Record<string, unknown>;
}

/**
 * The live tail: the room's newest messages read from its kept messages
 * (export_group_record after the last sequence number seen, every {@link TAIL_REFRESH_MS}).
 * It needs the room's history (HistorySize > 0 or KeepRecord); `version` restarts it.
 */
export function LiveTail(props: { sdkAppId: number; groupId: string; version: number; onPinned: () => void }) {
  const { sdkAppId, groupId } = props;
  const [lines, setLines] = useState<TailLine[]>([]);
  const [error, setError] = useState('');
  const [outcome, report] = useOutcome();
  useEffect(() => {
    let live = true;
    // The last sequence number read (-1: not placed yet); one read at a time, so no line comes twice.
    let after = -1;
    let busy = false;
    setLines([]);
    const poll = async (): Promise<void> => {
      if (after < 0) {
        const info = await rest<{ GroupInfo: Array<{ NextMsgSeq?: number }> }>(sdkAppId, 'group_open_http_svc/get_group_info', {
          GroupIdList: [groupId],
          ResponseFilter: { GroupBaseInfoFilter: ['NextMsgSeq'] },
        });
        after = Math.max(0, (info.GroupInfo[0]?.NextMsgSeq ?? 1) - 1 - TAIL_MAX);
      }
      const text = await restLines(sdkAppId, `${A}/export_group_record`, { GroupId: groupId, AfterSeq: after, Limit: TAIL_MAX });
      const got = text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as TailLine)
        .filter((m) => m.seq > after);
      if (!live || got.length === 0) return;
      after = got[got.length - 1]!.seq;
      setLines((old) => [...old, ...got].slice(-TAIL_MAX));
    };
    const tick = (): void => {
      if (busy) return;
      busy = true;
      void poll()
        .then(
          () => live && setError(''),
          (e: unknown) => live && setError(errorText(e)),
        )
        .finally(() => {
          busy = false;
        });
    };
    tick();
    const timer = setInterval(tick, TAIL_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [sdkAppId, groupId, props.version]);
  return (
    <section aria-label="Live tail" class="wide">
      <h2>Live tail</h2>
      <p class="hint">
        The room's newest {TAIL_MAX} published messages, read from its history every {TAIL_REFRESH_MS / 1000} s. It needs history on (HistorySize above 0, or KeepRecord).
      </p>
      {error && <p class="form-error">{error}</p>}
      <ol class="plain tail" data-testid="live-tail">
        {lines.length === 0 && <li class="hint">No messages yet.</li>}
        {lines.map((m) => (
          <li key={m.seq}>
            <span class="hint">
              #{m.seq} {time(m.time)}
            </span>{' '}
            <strong>{m.nick || m.from}</strong> <span class="msg-text">{shown(m.type, m.payload)}</span>
            {m.priority !== 'Normal' && <span class="hint"> ({m.priority})</span>}{' '}
            <button
              type="button"
              aria-label={`Pin message ${m.seq}`}
              onClick={() =>
                report(
                  pinMessage(sdkAppId, groupId, m.seq).then(() => {
                    props.onPinned();
                    return `Pinned #${m.seq}.`;
                  }),
                )
              }
            >
              Pin
            </button>
          </li>
        ))}
      </ol>
      <Outcome outcome={outcome} />
    </section>
  );
}

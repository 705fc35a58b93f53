/**
 * A test server with a callback receiver configured for its app through the admin REST
 * command (`stadium_admin/set_callback_config`), on a manual clock, plus raw clients that log
 * in and join.
 */
import { ManualClock } from '../../packages/server/src/clock/manual-clock.js';
import { CALLBACK_COMMANDS } from '../../packages/server/src/core/app-callbacks.js';
import type { ServerOptions } from '../../packages/server/src/config/options.js';
import { CallbackReceiver, type CallbackBody } from './callback-receiver.js';
import { RawClient } from './raw-client.js';
import { rest } from './rest.js';
import { startTestStadium, type TestStadium } from './stadium.js';

/** A server, its clock and a receiver for every callback command of its app. */
export interface CallbackFixture {
  t: TestStadium;
  clock: ManualClock;
  receiver: CallbackReceiver;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Start a receiver and a server whose app sends `commands` (default all) to it. */
export async function startCallbackFixture(
  config: { Commands?: string[]; TimeoutMs?: number; FailPolicy?: 'allow' | 'reject' } = {},
  options: Partial<ServerOptions> = {},
): Promise<CallbackFixture> {
  const receiver = await CallbackReceiver.start();
  const clock = new ManualClock(Date.now());
  const t = await startTestStadium({ batchWindowMs: 0, ...options }, { clock });
  const set = await rest(t, 'stadium_admin/set_callback_config', { CallbackUrl: receiver.url, Commands: [...CALLBACK_COMMANDS], ...config });
  if (set.ErrorCode !== 0) throw new Error(`set_callback_config failed: ${set.ErrorInfo}`);
  return {
    t,
    clock,
    receiver,
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await receiver.close();
    },
  };
}

/** A raw client of `userID` (null: a guest) on `platform`, logged in and joined to `groupID`. */
export async function member(t: TestStadium, userID: string | null, groupID: string, platform = 'Web'): Promise<RawClient> {
  const c = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1&platform=${platform}`);
  if (userID !== null) {
    const login = await c.request('login', { userID, userSig: t.sig(userID) });
    if (login.code !== 0) throw new Error(`login failed: ${JSON.stringify(login)}`);
  }
  const join = await c.request('group.join', { groupID });
  if (join.code !== 0) throw new Error(`join failed: ${JSON.stringify(join)}`);
  return c;
}

/** A text message for `msg.send`. */
export function text(id: string, body: string, priority = 'Normal', random = 7): Record<string, unknown> {
  return { id, type: 'TIMTextElem', payload: { text: body }, priority, random };
}

/** A live room made through REST. */
export async function createRoom(t: TestStadium, groupId: string, owner = 'anchor'): Promise<void> {
  const created = await rest(t, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: `Room ${groupId}`, Owner_Account: owner, GroupId: groupId });
  if (created.ErrorCode !== 0) throw new Error(`create_group failed: ${created.ErrorInfo}`);
}

/** The value of one series of a counter or gauge (0 when absent). */
export async function metricValue(
  metric: { get(): Promise<{ values: Array<{ labels: Record<string, unknown>; value: number }> }> },
  labels: Record<string, string> = {},
): Promise<number> {
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
}

/** The `data` of an OK response frame. */
export function dataOf(frame: unknown): CallbackBody {
  return (frame as { data: CallbackBody }).data;
}

/**
 * A fixture (every callback command, appRefreshMs 200) whose callback settings every node of
 * the server applies already: with `--workers 2` each worker reads them within appRefreshMs,
 * so this waits until six consecutive connections (spread over the workers) each got their
 * join callback. Needs no clock, so tests using it run in both projects. The probes join and
 * quit room `probes` as users `probe<N>`.
 */
export async function startSettledCallbackFixture(): Promise<CallbackFixture> {
  const f = await startCallbackFixture({}, { appRefreshMs: 200 });
  await createRoom(f.t, 'probes');
  let streak = 0;
  for (let i = 0; streak < 6 && i < 200; i++) {
    const probe = await member(f.t, `probe${i}`, 'probes');
    const seen = () => f.receiver.of('Group.CallbackAfterNewMemberJoin').some((cb) => cb.body.Operator_Account === `probe${i}`);
    for (let k = 0; k < 20 && !seen(); k++) await new Promise((resolve) => setTimeout(resolve, 10));
    streak = seen() ? streak + 1 : 0;
    await probe.request('group.quit', { groupID: 'probes' });
    await probe.close();
  }
  if (streak < 6) throw new Error('the callback settings did not reach every node');
  return f;
}

/**
 * The after-event callbacks against a real HTTP receiver: joins, exits, dismissal, profile
 * changes, login state, send exceptions; only enabled commands are sent; the after-event
 * queue is bounded (overflow counted) and retries failures with backoff on the injected clock.
 *
 * These tests drive the server's clock by hand, so they run in-process only.
 */
import { describe, expect, it } from 'vitest';
import { RawClient } from './support/raw-client.js';
import { type CallbackReply } from './support/callback-receiver.js';
import { createRoom, member, metricValue, startCallbackFixture, startSettledCallbackFixture, text, type CallbackFixture } from './support/callback-setup.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS } from './support/stadium.js';
import { main } from '../packages/server/src/cli/main.js';
import { testIo } from '../packages/server/src/cli/test-io.js';

/** Wait (without the server's clock moving) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(await check()).toBe(true);
}

describe.skipIf(TEST_WORKERS > 1)('after-event callbacks', () => {
  it('sends joins, exits, profile changes, dismissal and login state with the compatible bodies', async () => {
    await using f = await startCallbackFixture();
    const { t, receiver, clock } = f;
    const at = clock.now();
    await createRoom(t, 'live-e');
    const alice = await member(t, 'alice', 'live-e', 'Android');
    const login = await receiver.next((cb) => cb.command === 'State.StateChange' && cb.body.Info.Action === 'Login');
    expect(login.body).toEqual({ CallbackCommand: 'State.StateChange', EventTime: at, Info: { Action: 'Login', To_Account: 'alice', Reason: 'Register' } });
    expect(login.query.get('OptPlatform')).toBe('Android');
    const join = await receiver.next((cb) => cb.command === 'Group.CallbackAfterNewMemberJoin');
    expect(Object.fromEntries(join.query)).toEqual({
      SdkAppid: String(t.app.sdkAppId),
      CallbackCommand: 'Group.CallbackAfterNewMemberJoin',
      contenttype: 'json',
      ClientIP: '127.0.0.1',
      OptPlatform: 'Android',
    });
    expect(join.body).toEqual({
      CallbackCommand: 'Group.CallbackAfterNewMemberJoin',
      GroupId: 'live-e',
      Type: 'AVChatRoom',
      JoinType: 'Apply',
      Operator_Account: 'alice',
      NewMemberList: [{ Member_Account: 'alice' }],
      EventTime: at,
    });

    // A guest's join is not a member join (no account).
    const guest = await member(t, null, 'live-e');

    expect(await alice.request('group.quit', { groupID: 'live-e' })).toMatchObject({ code: 0 });
    const exit = await receiver.next((cb) => cb.command === 'Group.CallbackAfterMemberExit');
    expect(exit.query.get('OptPlatform')).toBe('Android');
    expect(exit.body).toEqual({
      CallbackCommand: 'Group.CallbackAfterMemberExit',
      GroupId: 'live-e',
      Type: 'AVChatRoom',
      ExitType: 'Quit',
      Operator_Account: 'alice',
      ExitMemberList: [{ Member_Account: 'alice' }],
      EventTime: at,
    });

    // Name and introduction changed; the custom field alone is not reported (as the compatible service).
    expect(await rest(t, 'group_open_http_svc/modify_group_base_info', { GroupId: 'live-e', Name: 'New name', Introduction: 'Hi' })).toMatchObject({ ErrorCode: 0 });
    expect(await rest(t, 'group_open_http_svc/modify_group_base_info', { GroupId: 'live-e', AppDefinedData: [{ Key: 'likes', Value: '5' }] })).toMatchObject({ ErrorCode: 0 });
    const changed = await receiver.next((cb) => cb.command === 'Group.CallbackAfterGroupInfoChanged');
    expect(changed.query.get('OptPlatform')).toBe('RESTAPI');
    expect(changed.body).toEqual({
      CallbackCommand: 'Group.CallbackAfterGroupInfoChanged',
      GroupId: 'live-e',
      Type: 'AVChatRoom',
      Operator_Account: 'administrator',
      Name: 'New name',
      Introduction: 'Hi',
      EventTime: at,
    });

    expect(await rest(t, 'group_open_http_svc/destroy_group', { GroupId: 'live-e' })).toMatchObject({ ErrorCode: 0 });
    const destroyed = await receiver.next((cb) => cb.command === 'Group.CallbackAfterGroupDestroyed');
    expect(destroyed.body).toEqual({
      CallbackCommand: 'Group.CallbackAfterGroupDestroyed',
      GroupId: 'live-e',
      Type: 'AVChatRoom',
      Owner_Account: 'anchor',
      Name: 'New name',
      MemberList: [],
      EventTime: at,
    });

    // Logout, then a dropped connection of a logged-in user.
    expect(await alice.request('logout')).toMatchObject({ code: 0 });
    const logout = await receiver.next((cb) => cb.command === 'State.StateChange' && cb.body.Info.Action === 'Logout');
    expect(logout.body.Info).toEqual({ Action: 'Logout', To_Account: 'alice', Reason: 'Unregister' });
    const bob = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1&platform=Web`);
    await bob.request('login', { userID: 'bob', userSig: t.sig('bob') });
    await bob.close();
    const gone = await receiver.next((cb) => cb.command === 'State.StateChange' && cb.body.Info.To_Account === 'bob' && cb.body.Info.Action === 'Disconnect');
    expect(gone.body.Info).toEqual({ Action: 'Disconnect', To_Account: 'bob', Reason: 'LinkClose' });
    // Missed heartbeats: TimeOut.
    const carol = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1&platform=Web`);
    await carol.request('login', { userID: 'carol', userSig: t.sig('carol') });
    clock.advance(70_000);
    await carol.closed();
    const timedOut = await receiver.next((cb) => cb.command === 'State.StateChange' && cb.body.Info.To_Account === 'carol' && cb.body.Info.Action === 'Disconnect');
    expect(timedOut.body.Info.Reason).toBe('TimeOut');

    await t.server.callbacks!.drained();
    expect(receiver.of('Group.CallbackAfterNewMemberJoin')).toHaveLength(1);
    expect(receiver.of('Group.CallbackAfterMemberExit')).toHaveLength(1);
    expect(receiver.of('Group.CallbackAfterGroupInfoChanged')).toHaveLength(1);
    await alice.close();
    await guest.close();
  });

  it('reports a message refused at the authority as Group.CallbackSendMsgException', async () => {
    await using f = await startCallbackFixture();
    const { t, receiver } = f;
    await createRoom(t, 'live-x');
    const alice = await member(t, 'alice', 'live-x');
    expect(await rest(t, 'group_open_http_svc/modify_group_base_info', { GroupId: 'live-x', MuteAllMember: 'On' })).toMatchObject({ ErrorCode: 0 });
    expect(await alice.request('msg.send', { groupID: 'live-x', message: text('m1', 'hush', 'Normal', 55) })).toMatchObject({ code: 10017 });
    const exception = await receiver.next((cb) => cb.command === 'Group.CallbackSendMsgException');
    expect(exception.body).toMatchObject({
      CallbackCommand: 'Group.CallbackSendMsgException',
      GroupId: 'live-x',
      From_Account: 'alice',
      Random: 55,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hush' } }],
      ErrorCode: 10017,
      ErrorInfo: expect.stringContaining('muted for all'),
    });
    // Refused before the before-send callback: the receiver never saw it as a send.
    expect(receiver.of('Group.CallbackBeforeSendMsg')).toEqual([]);
    await alice.close();
  });

  it('sends only the enabled commands, and none once the URL is removed', async () => {
    await using f = await startCallbackFixture({ Commands: ['Group.CallbackAfterSendMsg'] });
    const { t, receiver } = f;
    await createRoom(t, 'live-o');
    const alice = await member(t, 'alice', 'live-o');
    expect(await alice.request('msg.send', { groupID: 'live-o', message: text('m1', 'one') })).toMatchObject({ code: 0 });
    await receiver.next((cb) => cb.command === 'Group.CallbackAfterSendMsg');
    const config = await rest(t, 'stadium_admin/get_callback_config', {});
    expect(config).toMatchObject({ ErrorCode: 0, CallbackUrl: receiver.url, Commands: ['Group.CallbackAfterSendMsg'], TimeoutMs: 2000, FailPolicy: 'allow' });
    expect(await rest(t, 'stadium_admin/set_callback_config', { CallbackUrl: '' })).toMatchObject({ ErrorCode: 0, CallbackUrl: '' });
    expect(await alice.request('msg.send', { groupID: 'live-o', message: text('m2', 'two') })).toMatchObject({ code: 0 });
    await t.server.callbacks!.drained();
    expect(receiver.received.map((cb) => cb.command)).toEqual(['Group.CallbackAfterSendMsg']);
    // Bad settings are refused and change nothing.
    expect(await rest(t, 'stadium_admin/set_callback_config', { Commands: ['Group.NoSuchCallback'] })).toMatchObject({
      ErrorCode: 10004,
      ErrorInfo: expect.stringMatching(/^Commands\.0/),
    });
    expect(await rest(t, 'stadium_admin/set_callback_config', { TimeoutMs: 50 })).toMatchObject({ ErrorCode: 10004, ErrorInfo: expect.stringMatching(/^TimeoutMs/) });
    expect(await rest(t, 'stadium_admin/set_callback_config', { CallbackUrl: 'ftp://example.com' })).toMatchObject({ ErrorCode: 10004 });
    expect(await rest(t, 'stadium_admin/get_callback_config', {})).toMatchObject({ CallbackUrl: '', Commands: ['Group.CallbackAfterSendMsg'], TimeoutMs: 2000 });
    // Both admin commands are in the OpenAPI document, from the schemas that validate them.
    const doc = (await (await fetch(`${t.url}/v4/openapi.json`)).json()) as { paths: Record<string, { post?: { requestBody?: unknown } }> };
    expect(doc.paths['/v4/stadium_admin/set_callback_config']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/v4/stadium_admin/get_callback_config']?.post).toBeDefined();
    await alice.close();
  });

  it('a change made with `stadium app update` reaches the running server within appRefreshMs', async () => {
    await using f = await startCallbackFixture({ Commands: [] }, { appRefreshMs: 1000 });
    const { t, receiver, clock } = f;
    await createRoom(t, 'live-cli');
    const alice = await member(t, 'alice', 'live-cli');
    expect(await alice.request('msg.send', { groupID: 'live-cli', message: text('c1', 'before', 'Normal', 1) })).toMatchObject({ code: 0 });
    const io = testIo({});
    expect(await main(['app', 'update', String(t.app.sdkAppId), '--data', t.dataDir, '--callbacks', 'Group.CallbackBeforeSendMsg,Group.CallbackAfterSendMsg'], io.io)).toBe(0);
    clock.advance(1000);
    await until(async () => {
      await alice.request('msg.send', { groupID: 'live-cli', message: text(`c${Date.now()}`, 'probe', 'Normal', 2) });
      return receiver.of('Group.CallbackAfterSendMsg').length > 0;
    });
    expect(receiver.of('Group.CallbackBeforeSendMsg').every((cb) => cb.body.Random === 2)).toBe(true);
    await alice.close();
  });

  it('holds at most callbackQueueMax after-events and counts the overflow', async () => {
    await using f = await startCallbackFixture({ Commands: ['Group.CallbackAfterSendMsg'] }, { callbackQueueMax: 3, callbackConcurrency: 1 });
    const { t, receiver } = f;
    await createRoom(t, 'live-q');
    const alice = await member(t, 'alice', 'live-q');
    const releases: Array<() => void> = [];
    receiver.answer = () => new Promise<CallbackReply>((resolve) => releases.push(() => resolve({})));
    for (let i = 1; i <= 6; i++) expect(await alice.request('msg.send', { groupID: 'live-q', message: text(`q${i}`, `n${i}`, 'Normal', i) })).toMatchObject({ code: 0 });
    await receiver.next(() => true);
    const m = t.server.metrics!;
    expect(t.server.callbacks!.queued).toBe(3);
    expect(await metricValue(m.callbackQueue)).toBe(3);
    expect(await metricValue(m.callbackOverflow, { command: 'Group.CallbackAfterSendMsg' })).toBe(3);
    while (receiver.received.length < 3 || releases.length > 0) {
      if (releases.length > 0) releases.shift()!();
      else await receiver.count(() => true, receiver.received.length + 1);
    }
    await t.server.callbacks!.drained();
    expect(receiver.received.map((cb) => cb.body.Random)).toEqual([1, 2, 3]);
    expect(t.server.callbacks!.queued).toBe(0);
    await alice.close();
  });

  it('retries a failed after-event with backoff on the clock, and gives up after the last attempt', async () => {
    await using f = await startCallbackFixture({ Commands: ['Group.CallbackAfterSendMsg'] }, { callbackRetryBaseMs: 1000, callbackMaxAttempts: 3 });
    const { t, receiver, clock } = f;
    await createRoom(t, 'live-r');
    const alice = await member(t, 'alice', 'live-r');
    // Random 1 fails twice then succeeds; Random 2 always fails.
    receiver.answer = (cb) => (cb.body.Random === 2 || receiver.received.filter((x) => x.body.Random === 1).length <= 2 ? { status: 503 } : {});
    await alice.request('msg.send', { groupID: 'live-r', message: text('r1', 'one', 'Normal', 1) });
    await alice.request('msg.send', { groupID: 'live-r', message: text('r2', 'two', 'Normal', 2) });
    const attempts = (random: number): number => receiver.received.filter((cb) => cb.body.Random === random).length;
    await receiver.count(() => true, 2);
    await t.server.callbacks!.drained();
    clock.advance(999);
    await t.server.callbacks!.drained();
    expect([attempts(1), attempts(2)]).toEqual([1, 1]);
    clock.advance(1);
    await receiver.count(() => true, 4);
    await t.server.callbacks!.drained();
    clock.advance(2000);
    await receiver.count(() => true, 6);
    await t.server.callbacks!.drained();
    expect([attempts(1), attempts(2)]).toEqual([3, 3]);
    clock.advance(60_000);
    await t.server.callbacks!.drained();
    expect(receiver.received).toHaveLength(6);
    const m = t.server.metrics!;
    expect(await metricValue(m.callbackRetries, { command: 'Group.CallbackAfterSendMsg' })).toBe(4);
    expect(await metricValue(m.callbackGivenUp, { command: 'Group.CallbackAfterSendMsg' })).toBe(1);
    expect(await metricValue(m.callbackFailures, { command: 'Group.CallbackAfterSendMsg' })).toBe(5);
    expect(t.server.callbacks!.queued).toBe(0);
    await alice.close();
  });
});

describe('member exits on any node', () => {
  // Needs no clock: runs in both projects.
  const exitOf = (f: CallbackFixture, userId: string) =>
    f.receiver.next((cb) => cb.command === 'Group.CallbackAfterMemberExit' && cb.body.ExitMemberList[0].Member_Account === userId);

  it('a ban (REST or SDK) is an exit of type Kicked naming the operator; a dropped connection is an exit with Disconnect', async () => {
    await using f = await startSettledCallbackFixture();
    await createRoom(f.t, 'exits');
    const { t, receiver } = f;
    const [troll, spammer, viewer] = [await member(t, 'troll', 'exits'), await member(t, 'spammer', 'exits', 'iOS'), await member(t, 'viewer', 'exits', 'Android')];
    const anchor = await member(t, 'anchor', 'exits', 'Windows');

    expect(await rest(t, 'group_open_http_svc/ban_group_member', { GroupId: 'exits', Members_Account: ['troll'], Duration: 60 })).toMatchObject({ ErrorCode: 0 });
    const byRest = await exitOf(f, 'troll');
    expect(byRest.body).toMatchObject({
      GroupId: 'exits',
      Type: 'AVChatRoom',
      ExitType: 'Kicked',
      Operator_Account: 'administrator',
      ExitMemberList: [{ Member_Account: 'troll' }],
    });
    expect(byRest.query.get('OptPlatform')).toBe('RESTAPI');

    expect(await anchor.request('group.ban', { groupID: 'exits', userIDList: ['spammer'], duration: 60 })).toMatchObject({ code: 0 });
    const bySdk = await exitOf(f, 'spammer');
    expect(bySdk.body).toMatchObject({ ExitType: 'Kicked', Operator_Account: 'anchor', ExitMemberList: [{ Member_Account: 'spammer' }] });
    expect(bySdk.query.get('OptPlatform')).toBe('Windows');

    // The viewer's connection ends without a quit: an exit (Quit, see docs/callbacks.md) and State.StateChange Disconnect.
    await viewer.close();
    const dropped = await exitOf(f, 'viewer');
    expect(dropped.body).toMatchObject({ ExitType: 'Quit', Operator_Account: 'viewer', ExitMemberList: [{ Member_Account: 'viewer' }] });
    expect(dropped.query.get('OptPlatform')).toBe('Android');
    const disconnect = await receiver.next((cb) => cb.command === 'State.StateChange' && cb.body.Info.To_Account === 'viewer' && cb.body.Info.Action === 'Disconnect');
    expect(disconnect.body.Info).toEqual({ Action: 'Disconnect', To_Account: 'viewer', Reason: 'LinkClose' });
    await Promise.all([troll.close(), spammer.close(), anchor.close()]);
  });
});

/**
 * The `group_open_http_svc/…` commands a backend uses besides create / destroy / online count
 * (those are in rest-api.test.ts), over real HTTP against a real server, observed by real SDK
 * clients: the same room state, tips and notices as the SDK sees them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import TIM, { type Client, type Message } from '@stadium/sdk';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { collectMessages, nextEvent, waitForMessage } from './support/events.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
});

/** An SDK instance, logged in as `userID` unless it is null (a guest). */
async function member(t: TestStadium, userID: string | null): Promise<Client> {
  const client = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
  client.setLogLevel(4);
  clients.push(client);
  if (userID !== null) await client.login({ userID, userSig: t.sig(userID) });
  return client;
}

async function createRoom(t: TestStadium, GroupId: string, extra: Record<string, unknown> = {}): Promise<void> {
  expect(await rest(t, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: GroupId, Owner_Account: 'anchor', GroupId, ...extra })).toMatchObject({ ErrorCode: 0 });
}

const text = (Text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text } }];

describe('group_open_http_svc', () => {
  it('get_group_info answers each room with its own code and honours the filters', async () => {
    await using t = await startTestStadium();
    await createRoom(t, 'info-1', {
      Introduction: 'intro',
      AppDefinedData: [
        { Key: 'theme', Value: 'dark' },
        { Key: 'lang', Value: 'en' },
      ],
    });
    const viewer = await member(t, null);
    await viewer.joinGroup({ groupID: 'info-1' });
    const all = await rest(t, 'group_open_http_svc/get_group_info', { GroupIdList: ['info-1', 'missing'] });
    expect(all).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    const [found, missing] = all.GroupInfo as Array<Record<string, unknown>>;
    expect(found).toMatchObject({
      GroupId: 'info-1',
      ErrorCode: 0,
      Type: 'AVChatRoom',
      Name: 'info-1',
      Introduction: 'intro',
      Owner_Account: 'anchor',
      MemberNum: 1,
      Appid: t.app.sdkAppId,
      MuteAllMember: 'Off',
    });
    expect(found!.AppDefinedData).toEqual([
      { Key: 'theme', Value: 'dark' },
      { Key: 'lang', Value: 'en' },
    ]);
    expect(missing).toMatchObject({ GroupId: 'missing', ErrorCode: 10010 });
    const filtered = await rest(t, 'group_open_http_svc/get_group_info', {
      GroupIdList: ['info-1'],
      ResponseFilter: { GroupBaseInfoFilter: ['Name', 'MemberNum'], AppDefinedDataFilter_Group: ['lang'] },
    });
    expect(filtered.GroupInfo).toEqual([{ GroupId: 'info-1', ErrorCode: 0, ErrorInfo: '', Name: 'info-1', MemberNum: 1, AppDefinedData: [{ Key: 'lang', Value: 'en' }] }]);
    expect((await rest(t, 'group_open_http_svc/get_group_info', { GroupIdList: [] })).ErrorInfo).toMatch(/^GroupIdList: must NOT have fewer than 1 items/);
  });

  it("get_group_info answers Stadium's own fields: slow mode, history, admins and the room's message figures", async () => {
    await using t = await startTestStadium();
    await createRoom(t, 'figures-1');
    expect(await rest(t, 'stadium_admin/set_room_settings', { GroupId: 'figures-1', SlowModeSec: 7 })).toMatchObject({ ErrorCode: 0 });
    expect(await rest(t, 'stadium_admin/set_group_history', { GroupId: 'figures-1', HistorySize: 20 })).toMatchObject({ ErrorCode: 0 });
    expect(await rest(t, 'stadium_admin/set_group_member_role', { GroupId: 'figures-1', Member_Account: 'mod1', Role: 'Admin' })).toMatchObject({ ErrorCode: 0 });
    // 60 messages at once: the room admits 40/s, so some are shed; every answer is counted once.
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        rest(t, 'group_open_http_svc/send_group_msg', { GroupId: 'figures-1', From_Account: 'admin-bot', Random: 7000 + i, MsgBody: text(`m${i}`) }),
      ),
    );
    const ok = answers.filter((a) => a.ErrorCode === 0).length;
    const shed = answers.filter((a) => a.ErrorCode === 10023).length;
    expect(ok + shed).toBe(60);
    expect(shed).toBeGreaterThan(0);
    const info = await rest(t, 'group_open_http_svc/get_group_info', {
      GroupIdList: ['figures-1'],
      ResponseFilter: { GroupBaseInfoFilter: ['SlowModeSec', 'HistorySize', 'KeepRecord', 'Admin_Account', 'MsgStats'] },
    });
    expect(info.GroupInfo).toEqual([
      {
        GroupId: 'figures-1',
        ErrorCode: 0,
        ErrorInfo: '',
        SlowModeSec: 7,
        HistorySize: 20,
        KeepRecord: false,
        Admin_Account: ['mod1'],
        MsgStats: { Published: ok, Shed: shed, Sampled: 0 },
      },
    ]);
  });

  // The list's rate is 1/s per app on each node: paging needs the clock to move, which only an in-process server allows.
  it.skipIf(TEST_WORKERS > 1)('get_appid_group_list pages the app rooms at 1 call per second', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({}, { clock });
    for (const id of ['l-1', 'l-2', 'l-3']) {
      await createRoom(t, id);
      clock.advance(1);
    }
    const first = await rest(t, 'group_open_http_svc/get_appid_group_list', { Limit: 2 });
    expect(first).toMatchObject({ ActionStatus: 'OK', TotalCount: 3, GroupIdList: [{ GroupId: 'l-1' }, { GroupId: 'l-2' }] });
    expect(await rest(t, 'group_open_http_svc/get_appid_group_list', { Limit: 2, Next: first.Next })).toMatchObject({ ErrorCode: 60007 });
    clock.advance(1000);
    expect(await rest(t, 'group_open_http_svc/get_appid_group_list', { Limit: 2, Next: first.Next })).toMatchObject({ ErrorCode: 0, GroupIdList: [{ GroupId: 'l-3' }], Next: 0 });
    clock.advance(1000);
    expect(await rest(t, 'group_open_http_svc/get_appid_group_list', { GroupType: 'Public' })).toMatchObject({ ErrorCode: 0, TotalCount: 0, GroupIdList: [] });
  });

  it('modify_group_base_info changes the profile as the SDK sees it, tips members, and mutes all', async () => {
    await using t = await startTestStadium();
    await createRoom(t, 'mod-1', {
      AppDefinedData: [
        { Key: 'likes', Value: '0' },
        { Key: 'old', Value: 'x' },
      ],
    });
    const viewer = await member(t, 'viewer');
    await viewer.joinGroup({ groupID: 'mod-1' });
    const inbox = collectMessages(viewer);
    const changes = {
      GroupId: 'mod-1',
      Name: 'Renamed',
      Notification: 'Sale at 8',
      FaceUrl: 'https://example.com/r.png',
      AppDefinedData: [
        { Key: 'likes', Value: '1204' },
        { Key: 'old', Value: '' },
      ],
    };
    expect(await rest(t, 'group_open_http_svc/modify_group_base_info', changes)).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    const tip = await waitForMessage(viewer, inbox, (m) => m.type === TIM.TYPES.MSG_GRP_TIP && m.payload.operationType === TIM.TYPES.GRP_TIP_GRP_PROFILE_UPDATED);
    expect(tip.payload.newGroupProfile).toMatchObject({ name: 'Renamed', notification: 'Sale at 8', avatar: 'https://example.com/r.png' });
    const { group } = (await viewer.getGroupProfile({ groupID: 'mod-1' })).data;
    expect(group).toMatchObject({ name: 'Renamed', notification: 'Sale at 8', avatar: 'https://example.com/r.png', groupCustomField: [{ key: 'likes', value: '1204' }] });

    // Mute-all: members may not speak; the legacy field name lifts it.
    expect(await rest(t, 'group_open_http_svc/modify_group_base_info', { GroupId: 'mod-1', MuteAllMember: 'On' })).toMatchObject({ ErrorCode: 0 });
    const say = (s: string): Promise<unknown> => viewer.sendMessage(viewer.createTextMessage({ to: 'mod-1', conversationType: TIM.TYPES.CONV_GROUP, payload: { text: s } }));
    await expect(say('muted?')).rejects.toMatchObject({ code: 10017 });
    expect(await rest(t, 'group_open_http_svc/modify_group_base_info', { GroupId: 'mod-1', ShutUpAllMember: 'Off' })).toMatchObject({ ErrorCode: 0 });
    await expect(say('free')).resolves.toMatchObject({ code: 0 });

    // Refusals change nothing.
    expect(await rest(t, 'group_open_http_svc/modify_group_base_info', { GroupId: 'mod-1', Name: 'x'.repeat(31) })).toMatchObject({ ErrorCode: 10004 });
    expect((await rest(t, 'group_open_http_svc/modify_group_base_info', { GroupId: 'mod-1', MuteAllMember: 'Yes' })).ErrorInfo).toMatch(/^MuteAllMember: /);
    expect(await rest(t, 'group_open_http_svc/modify_group_base_info', { GroupId: 'nope', Name: 'n' })).toMatchObject({ ErrorCode: 10010 });
    expect((await viewer.getGroupProfile({ groupID: 'mod-1' })).data.group.name).toBe('Renamed');
  });

  it('send_group_msg delivers as From_Account with its profile, answers MsgSeq / MsgTime and de-duplicates Random', async () => {
    await using t = await startTestStadium();
    await createRoom(t, 'msg-1');
    expect(await rest(t, 'profile/portrait_set', { From_Account: 'anchor', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'Anchor' }] })).toMatchObject({ ErrorCode: 0 });
    const [viewer, guest] = [await member(t, 'viewer'), await member(t, null)];
    for (const c of [viewer, guest]) await c.joinGroup({ groupID: 'msg-1' });
    const inboxes = [viewer, guest].map(collectMessages);
    const body = {
      GroupId: 'msg-1',
      From_Account: 'anchor',
      Random: 77,
      MsgPriority: 'High',
      MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'gift', Desc: 'rocket', Ext: '1' } }],
      CloudCustomData: 'cc',
    };
    const sent = await rest(t, 'group_open_http_svc/send_group_msg', body);
    expect(sent).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, MsgDropReason: '' });
    expect(typeof sent.MsgSeq).toBe('number');
    for (const [i, c] of [viewer, guest].entries()) {
      const got = await waitForMessage(c, inboxes[i]!, (m) => m.type === TIM.TYPES.MSG_CUSTOM);
      expect(got).toMatchObject({
        from: 'anchor',
        nick: 'Anchor',
        priority: 'High',
        sequence: sent.MsgSeq,
        time: sent.MsgTime,
        payload: { data: 'gift', description: 'rocket', extension: '1' },
        cloudCustomData: 'cc',
      });
    }
    // The same sender and Random again is the same message: same answer, no second delivery.
    expect(await rest(t, 'group_open_http_svc/send_group_msg', body)).toMatchObject({ ErrorCode: 0, MsgSeq: sent.MsgSeq });
    const next = await rest(t, 'group_open_http_svc/send_group_msg', { GroupId: 'msg-1', Random: 78, MsgBody: text('after') });
    expect(next.MsgSeq as number).toBeGreaterThan(sent.MsgSeq as number);
    const after = await waitForMessage(viewer, inboxes[0]!, (m: Message) => m.type === TIM.TYPES.MSG_TEXT);
    expect(after).toMatchObject({ from: t.app.adminUserId, payload: { text: 'after' } });
    expect(inboxes[0]!.filter((m) => m.type === TIM.TYPES.MSG_CUSTOM)).toHaveLength(1);
    // Bad bodies.
    expect(await rest(t, 'group_open_http_svc/send_group_msg', { GroupId: 'msg-1', Random: 1, MsgBody: [{ MsgType: 'TIMImageElem', MsgContent: {} }] })).toMatchObject({
      ErrorCode: 10004,
    });
    expect((await rest(t, 'group_open_http_svc/send_group_msg', { GroupId: 'msg-1', Random: 1, MsgBody: [...text('a'), ...text('b')] })).ErrorInfo).toMatch(
      /^MsgBody: must NOT have more than 1 items/,
    );
    expect((await rest(t, 'group_open_http_svc/send_group_msg', { GroupId: 'msg-1', Random: 1, MsgPriority: 'Urgent', MsgBody: text('a') })).ErrorInfo).toMatch(/^MsgPriority: /);
    expect(await rest(t, 'group_open_http_svc/send_group_msg', { GroupId: 'nope', Random: 1, MsgBody: text('a') })).toMatchObject({ ErrorCode: 10010 });
  });

  it('send_group_system_notification reaches every online member, guests included, or only ToMembers_Account', async () => {
    await using t = await startTestStadium();
    await createRoom(t, 'note-1');
    const [viewer, other, guest] = [await member(t, 'viewer'), await member(t, 'other'), await member(t, null)];
    for (const c of [viewer, other, guest]) await c.joinGroup({ groupID: 'note-1' });
    const inboxes = [viewer, other, guest].map(collectMessages);
    const isNotice = (m: Message): boolean => m.type === TIM.TYPES.MSG_GRP_SYS_NOTICE;
    expect(await rest(t, 'group_open_http_svc/send_group_system_notification', { GroupId: 'note-1', Content: 'to all' })).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    for (const [i, c] of [viewer, other, guest].entries()) {
      const notice = await waitForMessage(c, inboxes[i]!, isNotice);
      expect(notice).toMatchObject({ conversationType: TIM.TYPES.CONV_SYSTEM, payload: { operationType: 255, userDefinedField: 'to all' } });
    }
    expect(await rest(t, 'group_open_http_svc/send_group_system_notification', { GroupId: 'note-1', Content: 'just you', ToMembers_Account: ['viewer'] })).toMatchObject({
      ErrorCode: 0,
    });
    await waitForMessage(viewer, inboxes[0]!, (m) => isNotice(m) && m.payload.userDefinedField === 'just you');
    // A marker to everyone shows the others got nothing in between.
    await rest(t, 'group_open_http_svc/send_group_system_notification', { GroupId: 'note-1', Content: 'marker' });
    for (const [i, c] of [other, guest].entries()) await waitForMessage(c, inboxes[i + 1]!, (m) => isNotice(m) && m.payload.userDefinedField === 'marker');
    for (const inbox of inboxes.slice(1)) expect(inbox.filter(isNotice).map((m) => m.payload.userDefinedField)).toEqual(['to all', 'marker']);
    expect((await rest(t, 'group_open_http_svc/send_group_system_notification', { GroupId: 'note-1' })).ErrorInfo).toMatch(/^Content: is required/);
  });

  it('send_broadcast_msg reaches every live room of the app, each in its own sequence', async () => {
    await using t = await startTestStadium();
    for (const id of ['b-1', 'b-2']) await createRoom(t, id);
    const [v1, v2] = [await member(t, 'v1'), await member(t, 'v2')];
    await v1.joinGroup({ groupID: 'b-1' });
    await v2.joinGroup({ groupID: 'b-2' });
    const inboxes = [v1, v2].map(collectMessages);
    const answer = await rest(t, 'group_open_http_svc/send_broadcast_msg', { Random: 5, MsgBody: text('maintenance') });
    expect(answer).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, MsgSeq: 0, GroupCount: 2, FailedGroupIdList: [] });
    for (const [i, c] of [v1, v2].entries()) {
      const got = await waitForMessage(c, inboxes[i]!, (m) => m.type === TIM.TYPES.MSG_TEXT);
      expect(got).toMatchObject({ to: i === 0 ? 'b-1' : 'b-2', payload: { text: 'maintenance' }, from: t.app.adminUserId });
    }
    // 1 call per second per app (on each node: a second worker has its own bucket).
    if (TEST_WORKERS === 1) expect(await rest(t, 'group_open_http_svc/send_broadcast_msg', { Random: 6, MsgBody: text('again') })).toMatchObject({ ErrorCode: 60007 });
  });

  it('get / update / delete_group_counter change the counters members see', async () => {
    await using t = await startTestStadium({ counterPushMs: 20 });
    await createRoom(t, 'c-1');
    const viewer = await member(t, 'viewer');
    await viewer.joinGroup({ groupID: 'c-1' });
    const pushed = nextEvent<{ key: string; value: number }>(viewer, TIM.EVENT.GROUP_COUNTER_UPDATED, (d) => d.key === 'likes' && d.value === 15);
    expect(
      await rest(t, 'group_open_http_svc/update_group_counter', {
        GroupId: 'c-1',
        GroupCounter: [
          { Key: 'likes', Value: 10 },
          { Key: 'gifts', Value: 1 },
        ],
      }),
    ).toMatchObject({
      ErrorCode: 0,
      GroupCounter: [
        { Key: 'likes', Value: 10 },
        { Key: 'gifts', Value: 1 },
      ],
    });
    expect(await rest(t, 'group_open_http_svc/update_group_counter', { GroupId: 'c-1', Mode: 'Increase', GroupCounter: [{ Key: 'likes', Value: 7 }] })).toMatchObject({
      GroupCounter: [{ Key: 'likes', Value: 17 }],
    });
    expect(await rest(t, 'group_open_http_svc/update_group_counter', { GroupId: 'c-1', Mode: 'Decrease', GroupCounter: [{ Key: 'likes', Value: 2 }] })).toMatchObject({
      GroupCounter: [{ Key: 'likes', Value: 15 }],
    });
    await pushed;
    expect((await viewer.getGroupCounters({ groupID: 'c-1' })).data.counters).toEqual({ likes: 15, gifts: 1 });
    expect(await rest(t, 'group_open_http_svc/get_group_counter', { GroupId: 'c-1', GroupCounterKeys: ['likes'] })).toMatchObject({
      ErrorCode: 0,
      GroupCounter: [{ Key: 'likes', Value: 15 }],
    });
    expect(await rest(t, 'group_open_http_svc/delete_group_counter', { GroupId: 'c-1', GroupCounterKeys: ['gifts'] })).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(await rest(t, 'group_open_http_svc/get_group_counter', { GroupId: 'c-1' })).toMatchObject({ GroupCounter: [{ Key: 'likes', Value: 15 }] });
    expect(await rest(t, 'group_open_http_svc/delete_group_counter', { GroupId: 'c-1' })).toMatchObject({ ErrorCode: 0 });
    expect(await rest(t, 'group_open_http_svc/get_group_counter', { GroupId: 'c-1' })).toMatchObject({ GroupCounter: [] });
    expect((await rest(t, 'group_open_http_svc/update_group_counter', { GroupId: 'c-1', Mode: 'Multiply', GroupCounter: [{ Key: 'x', Value: 1 }] })).ErrorInfo).toMatch(/^Mode: /);
    expect(await rest(t, 'group_open_http_svc/update_group_counter', { GroupId: 'c-1', GroupCounter: [{ Key: 'x', Value: 1.5 }] })).toMatchObject({ ErrorCode: 10004 });
  });
});

/**
 * Room moderation with the real SDK against a real server: the owner appoints admins, owner and
 * admins mute members for a time (the mute lifts by itself on the injected clock, and survives
 * reconnect and restart with a real SQLite file), and remove members with a ban that blocks
 * their rejoin until it ends. Every refusal carries the compatible code.
 */
import { describe, expect, it } from 'vitest';
import TIM, { type Client, type Message } from '@stadium/sdk';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { collectMessages, nextEvent, waitForMessage } from './support/events.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

/** A logged-in SDK instance (its own connection). */
async function user(t: TestStadium, userID: string, nick = ''): Promise<Client> {
  const c = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
  c.setLogLevel(4);
  const ready = nextEvent(c, TIM.EVENT.SDK_READY);
  await c.login({ userID, userSig: t.sig(userID) });
  await ready;
  if (nick) await c.updateMyProfile({ nick, avatar: `https://example.com/${userID}.png` });
  return c;
}

async function send(c: Client, groupID: string, text: string): Promise<unknown> {
  return c.sendMessage(c.createTextMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text } }));
}

const code = async (p: Promise<unknown>): Promise<number> =>
  p.then(
    () => 0,
    (e: { code: number }) => e.code,
  );

describe.skipIf(TEST_WORKERS > 1)('moderation with the SDK', () => {
  it('owner sets and unsets admins; admins mute members; the mute lifts by itself', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ maxAdminsPerRoom: 1, batchWindowMs: 0 }, { clock });
    const host = await user(t, 'host');
    const mod = await user(t, 'mod', 'Moddy');
    const fan = await user(t, 'fan');
    const other = await user(t, 'other');
    const { group } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data;
    const groupID = group.groupID;
    for (const c of [host, mod, fan, other]) await c.joinGroup({ groupID });
    const fanInbox = collectMessages(fan);

    // Only the owner sets admins; the SDK checks the role value and self before asking.
    expect(await code(other.setGroupMemberRole({ groupID, userID: 'mod', role: TIM.TYPES.GRP_MBR_ROLE_ADMIN }))).toBe(2681);
    expect(await code(host.setGroupMemberRole({ groupID, userID: 'mod', role: 'Owner' }))).toBe(2683);
    expect(await code(host.setGroupMemberRole({ groupID, userID: 'host', role: TIM.TYPES.GRP_MBR_ROLE_ADMIN }))).toBe(2684);
    const set = await host.setGroupMemberRole({ groupID, userID: 'mod', role: TIM.TYPES.GRP_MBR_ROLE_ADMIN });
    expect(set.data.member).toEqual({ userID: 'mod', role: 'Admin', muteUntil: 0 });
    const setTip = await waitForMessage(fan, fanInbox, (m) => m.type === TIM.TYPES.MSG_GRP_TIP && (m.payload as { operationType: number }).operationType === 4);
    expect(setTip.payload).toMatchObject({ operatorID: 'host', userIDList: ['mod'], memberList: [{ userID: 'mod', nick: 'Moddy', avatar: 'https://example.com/mod.png' }] });
    // The room's admin limit (maxAdminsPerRoom: 1).
    expect(await code(host.setGroupMemberRole({ groupID, userID: 'other', role: TIM.TYPES.GRP_MBR_ROLE_ADMIN }))).toBe(19016);
    // An admin is not the owner: it may not appoint admins.
    expect(await code(mod.setGroupMemberRole({ groupID, userID: 'other', role: TIM.TYPES.GRP_MBR_ROLE_ADMIN }))).toBe(2681);

    // Mutes: members may not, nobody mutes themself or someone of their rank or above.
    expect(await code(other.setGroupMemberMuteTime({ groupID, userID: 'fan', muteTime: 30 }))).toBe(10007);
    expect(await code(mod.setGroupMemberMuteTime({ groupID, userID: 'mod', muteTime: 30 }))).toBe(2685);
    expect(await code(mod.setGroupMemberMuteTime({ groupID, userID: 'host', muteTime: 30 }))).toBe(10007);
    const muted = await mod.setGroupMemberMuteTime({ groupID, userID: 'fan', muteTime: 30 });
    expect(muted.data.member).toEqual({ userID: 'fan', role: 'Member', muteUntil: Math.ceil(clock.now() / 1000) + 30 });
    const muteTip = await waitForMessage(fan, fanInbox, (m) => m.type === TIM.TYPES.MSG_GRP_TIP && (m.payload as { operationType: number }).operationType === 7);
    expect(muteTip.payload).toMatchObject({ operatorID: 'mod', userIDList: ['fan'], memberList: [{ userID: 'fan', muteTime: 30 }] });

    const refused = await send(fan, groupID, 'hello?').then(
      () => null,
      (e: { code: number; message: string }) => e,
    );
    expect(refused).toMatchObject({ code: 10017 });
    expect(refused!.message).toContain('30 more seconds');
    await expect(send(other, groupID, 'I may speak')).resolves.toMatchObject({ code: 0 });
    clock.advance(20_000);
    expect(((await send(fan, groupID, 'now?').catch((e: Error) => e)) as Error).message).toContain('10 more seconds');
    // Lifts by itself: no unmute call.
    clock.advance(10_000);
    await expect(send(fan, groupID, 'back')).resolves.toMatchObject({ code: 0 });

    // Unset: the admin is a member again and may no longer mute.
    await host.setGroupMemberRole({ groupID, userID: 'mod', role: TIM.TYPES.GRP_MBR_ROLE_MEMBER });
    const cancelTip = await waitForMessage(fan, fanInbox, (m) => m.type === TIM.TYPES.MSG_GRP_TIP && (m.payload as { operationType: number }).operationType === 5);
    expect(cancelTip.payload).toMatchObject({ userIDList: ['mod'], memberList: [{ userID: 'mod', nick: 'Moddy' }] });
    expect(await code(mod.setGroupMemberMuteTime({ groupID, userID: 'fan', muteTime: 30 }))).toBe(10007);
    // The owner mutes, then lifts the mute with 0.
    await host.setGroupMemberMuteTime({ groupID, userID: 'fan', muteTime: 60 });
    expect(await code(send(fan, groupID, 'x'))).toBe(10017);
    await host.setGroupMemberMuteTime({ groupID, userID: 'fan', muteTime: 0 });
    await expect(send(fan, groupID, 'free')).resolves.toMatchObject({ code: 0 });
    for (const c of [host, mod, fan, other]) await c.destroy();
  });

  it('a mute set over REST survives reconnect and a server restart, and REST lists it until it ends', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ batchWindowMs: 0 }, { clock });
    expect(await rest(t, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: 'r', Owner_Account: 'host', GroupId: 'mute-room' })).toMatchObject({ ErrorCode: 0 });
    const start = Math.ceil(clock.now() / 1000);
    expect(await rest(t, 'group_open_http_svc/forbid_send_msg', { GroupId: 'mute-room', Members_Account: ['fan', 'ghost'], MuteTime: 50 })).toMatchObject({
      ActionStatus: 'OK',
    });
    // The legacy field name, and for ever.
    expect(await rest(t, 'group_open_http_svc/forbid_send_msg', { GroupId: 'mute-room', Members_Account: ['troll'], ShutUpTime: 0xffffffff })).toMatchObject({ ErrorCode: 0 });
    expect(await rest(t, 'group_open_http_svc/get_group_muted_account', { GroupId: 'mute-room' })).toMatchObject({
      GroupId: 'mute-room',
      MutedAccountList: [
        { Member_Account: 'fan', MutedUntil: start + 50 },
        { Member_Account: 'ghost', MutedUntil: start + 50 },
        { Member_Account: 'troll', MutedUntil: 0xffffffff },
      ],
    });
    expect(await rest(t, 'group_open_http_svc/get_group_shutted_uin', { GroupId: 'mute-room' })).toMatchObject({
      ShuttedUinList: [{ Member_Account: 'fan', ShuttedUntil: start + 50 }, { Member_Account: 'ghost' }, { Member_Account: 'troll' }],
    });
    // MuteTime 0 unmutes.
    await rest(t, 'group_open_http_svc/forbid_send_msg', { GroupId: 'mute-room', Members_Account: ['ghost'], MuteTime: 0 });
    expect(await rest(t, 'group_open_http_svc/get_group_muted_account', { GroupId: 'mute-room' })).toMatchObject({
      MutedAccountList: [{ Member_Account: 'fan' }, { Member_Account: 'troll' }],
    });
    // Bad input: named field, nothing changed.
    expect(await rest(t, 'group_open_http_svc/forbid_send_msg', { GroupId: 'mute-room', Members_Account: ['fan'], MuteTime: -1 })).toMatchObject({ ErrorCode: 10004 });
    expect(await rest(t, 'group_open_http_svc/forbid_send_msg', { GroupId: 'mute-room', Members_Account: ['fan'] })).toMatchObject({ ErrorCode: 10004 });
    const many = Array.from({ length: 501 }, (_, i) => `u${i}`);
    expect(await rest(t, 'group_open_http_svc/forbid_send_msg', { GroupId: 'mute-room', Members_Account: many, MuteTime: 5 })).toMatchObject({ ErrorCode: 10005 });
    expect(await rest(t, 'group_open_http_svc/forbid_send_msg', { GroupId: 'nope', Members_Account: ['fan'], MuteTime: 5 })).toMatchObject({ ErrorCode: 10010 });

    let fan = await user(t, 'fan');
    await fan.joinGroup({ groupID: 'mute-room' });
    expect(await code(send(fan, 'mute-room', 'a'))).toBe(10017);
    // Reconnect (a new session), still muted.
    await fan.destroy();
    fan = await user(t, 'fan');
    await fan.joinGroup({ groupID: 'mute-room' });
    expect(await code(send(fan, 'mute-room', 'b'))).toBe(10017);
    await fan.destroy();

    // Restart: the mute was stored.
    await t.restart();
    fan = await user(t, 'fan');
    await fan.joinGroup({ groupID: 'mute-room' });
    expect(await code(send(fan, 'mute-room', 'c'))).toBe(10017);
    clock.advance(50_000);
    await expect(send(fan, 'mute-room', 'd')).resolves.toMatchObject({ code: 0 });
    expect(await rest(t, 'group_open_http_svc/get_group_muted_account', { GroupId: 'mute-room' })).toMatchObject({
      MutedAccountList: [{ Member_Account: 'troll', MutedUntil: 0xffffffff }],
    });
    await fan.destroy();
  });

  it('deleteGroupMember bans: the member leaves on every connection, is told, cannot rejoin until the ban ends; REST lists and lifts bans', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ batchWindowMs: 0 }, { clock });
    const host = await user(t, 'host');
    const mod = await user(t, 'mod');
    const fan = await user(t, 'fan');
    const fanPhone = await user(t, 'fan');
    const { group } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data;
    const groupID = group.groupID;
    await host.setGroupMemberRole({ groupID, userID: 'mod', role: TIM.TYPES.GRP_MBR_ROLE_ADMIN });
    const roles = [];
    for (const c of [host, mod, fan, fanPhone]) roles.push((await c.joinGroup({ groupID })).data.group.selfInfo?.role);
    // The role as the room's authority knows it.
    expect(roles).toEqual(['Owner', 'Admin', 'Member', 'Member']);
    expect((await host.getGroupOnlineMemberCount(groupID)).data.memberCount).toBe(4);
    const hostInbox = collectMessages(host);

    expect(await code(mod.deleteGroupMember({ groupID, userIDList: ['fan'], duration: 0 }))).toBe(2686);
    expect(await code(fan.deleteGroupMember({ groupID, userIDList: ['mod'], duration: 60 }))).toBe(10007);
    expect(await code(mod.deleteGroupMember({ groupID, userIDList: ['host'], duration: 60 }))).toBe(10007);

    const noticed = [fan, fanPhone].map((c) =>
      nextEvent<Message[]>(c, TIM.EVENT.MESSAGE_RECEIVED, (ms) =>
        ms.some((m) => m.type === TIM.TYPES.MSG_GRP_SYS_NOTICE && (m.payload as { operationType: number }).operationType === 21),
      ),
    );
    const banned = await mod.deleteGroupMember({ groupID, userIDList: ['fan'], duration: 60, reason: 'spam' });
    expect(banned.data.userIDList).toEqual(['fan']);
    for (const batch of await Promise.all(noticed)) {
      expect(batch.find((m) => m.type === TIM.TYPES.MSG_GRP_SYS_NOTICE)!.payload).toMatchObject({ operationType: 21, operatorID: 'mod', handleMessage: 'spam' });
    }
    const banTip = await waitForMessage(host, hostInbox, (m) => m.type === TIM.TYPES.MSG_GRP_TIP && (m.payload as { operationType: number }).operationType === 10);
    expect(banTip.payload).toMatchObject({ operatorID: 'mod', userIDList: ['fan'] });
    // Both of the member's connections left: the SDK dropped the room, and the server counts 2.
    expect(await code(send(fan, groupID, 'x'))).toBe(2101);
    expect(await code(send(fanPhone, groupID, 'x'))).toBe(2101);
    expect((await host.getGroupOnlineMemberCount(groupID)).data.memberCount).toBe(2);
    // No rejoin while banned.
    expect(await code(fan.joinGroup({ groupID }))).toBe(10007);
    expect(await rest(t, 'group_open_http_svc/get_group_ban_member', { GroupId: groupID, Offset: 0 })).toMatchObject({
      BannedAccountList: [{ Member_Account: 'fan', BannedUntil: Math.ceil(clock.now() / 1000) + 60 }],
      NextOffset: 0,
    });

    // The ban ends by itself.
    clock.advance(60_000);
    await expect(fan.joinGroup({ groupID })).resolves.toMatchObject({ data: { status: 'JoinedSuccess' } });
    expect(await rest(t, 'group_open_http_svc/get_group_ban_member', { GroupId: groupID, Offset: 0 })).toMatchObject({ BannedAccountList: [], NextOffset: 0 });

    // REST ban and unban, with tips.
    expect(await rest(t, 'group_open_http_svc/ban_group_member', { GroupId: groupID, Members_Account: ['fan'], Duration: 3600 })).toMatchObject({ ErrorCode: 0 });
    expect(await code(fanPhone.joinGroup({ groupID }))).toBe(10007);
    expect(await rest(t, 'group_open_http_svc/unban_group_member', { GroupId: groupID, Members_Account: ['fan'] })).toMatchObject({ ErrorCode: 0 });
    const unbanTip = await waitForMessage(host, hostInbox, (m) => m.type === TIM.TYPES.MSG_GRP_TIP && (m.payload as { operationType: number }).operationType === 11);
    expect(unbanTip.payload).toMatchObject({ operatorID: t.app.adminUserId, userIDList: ['fan'] });
    await expect(fanPhone.joinGroup({ groupID })).resolves.toMatchObject({ data: { status: 'JoinedSuccess' } });
    // Bounds: at most 20 per ban.
    const many = Array.from({ length: 21 }, (_, i) => `u${i}`);
    expect(await rest(t, 'group_open_http_svc/ban_group_member', { GroupId: groupID, Members_Account: many, Duration: 60 })).toMatchObject({ ErrorCode: 10005 });
    expect(await rest(t, 'group_open_http_svc/ban_group_member', { GroupId: groupID, Members_Account: ['x'], Duration: 0 })).toMatchObject({ ErrorCode: 10004 });
    for (const c of [host, mod, fan, fanPhone]) await c.destroy();
  });

  it('slow mode: a member waits the interval between messages, with the seconds left; owner and admins are exempt', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ batchWindowMs: 0 }, { clock });
    const host = await user(t, 'host');
    const mod = await user(t, 'mod');
    const fan = await user(t, 'fan');
    const other = await user(t, 'other');
    const { group } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data;
    const groupID = group.groupID;
    await host.setGroupMemberRole({ groupID, userID: 'mod', role: TIM.TYPES.GRP_MBR_ROLE_ADMIN });
    for (const c of [host, mod, fan, other]) await c.joinGroup({ groupID });
    expect(await code(host.updateRoomSettings({ groupID, slowModeSec: 3601 }))).toBe(10004);
    expect(await code(fan.updateRoomSettings({ groupID, slowModeSec: 10 }))).toBe(10007);
    expect((await host.updateRoomSettings({ groupID, slowModeSec: 10 })).data.settings).toMatchObject({ slowModeSec: 10 });

    await expect(send(fan, groupID, 'one')).resolves.toMatchObject({ code: 0 });
    clock.advance(4_000);
    const refused = (await send(fan, groupID, 'two').catch((e: unknown) => e)) as { code: number; message: string };
    expect(refused.code).toBe(19018);
    expect(refused.message).toContain('wait 6 more seconds');
    // Per member: another member is not held up; owner and admins never wait.
    await expect(send(other, groupID, 'mine')).resolves.toMatchObject({ code: 0 });
    for (let i = 0; i < 3; i++) {
      await expect(send(host, groupID, `h${i}`)).resolves.toMatchObject({ code: 0 });
      await expect(send(mod, groupID, `m${i}`)).resolves.toMatchObject({ code: 0 });
    }
    // A refused send does not restart the wait.
    clock.advance(6_000);
    await expect(send(fan, groupID, 'three')).resolves.toMatchObject({ code: 0 });
    // Off again.
    await host.updateRoomSettings({ groupID, slowModeSec: 0 });
    await expect(send(fan, groupID, 'four')).resolves.toMatchObject({ code: 0 });
    for (const c of [host, mod, fan, other]) await c.destroy();
  });
});

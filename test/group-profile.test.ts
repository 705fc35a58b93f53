/**
 * The SDK's updateGroupProfile against a real server: owner and admins change the room's
 * profile, every member gets the group-profile-updated tip with `newGroupProfile`, mute-all
 * silences members but not admins, members and guests are refused, bad input changes nothing,
 * and REST modify_group_base_info is the same operation.
 */
import { describe, expect, it } from 'vitest';
import TIM, { type Client, type Message } from '@stadium/sdk';
import { collectMessages, waitForMessage, loggedInClient } from './support/events.js';
import { rest } from './support/rest.js';
import { startTestStadium, type TestStadium } from './support/stadium.js';

const user = (t: TestStadium, userID: string): Promise<Client> => loggedInClient(t, userID);

const code = async (p: Promise<unknown>): Promise<number> =>
  p.then(
    () => 0,
    (e: { code: number }) => e.code,
  );

type Tip = { operationType: number; operatorID: string; newGroupProfile: Record<string, unknown> };
const isProfileTip = (m: Message, match: (p: Tip) => boolean = () => true): boolean =>
  m.type === TIM.TYPES.MSG_GRP_TIP && (m.payload as Tip).operationType === TIM.TYPES.GRP_TIP_GRP_PROFILE_UPDATED && match(m.payload as Tip);

async function send(c: Client, groupID: string, text: string): Promise<unknown> {
  return c.sendMessage(c.createTextMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text } }));
}

describe('updateGroupProfile', () => {
  it('owner and admins change the profile; members get the tip with newGroupProfile; others are refused', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    const host = await user(t, 'host');
    const mod = await user(t, 'mod');
    const fan = await user(t, 'fan');
    const viewer = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
    viewer.setLogLevel(4);
    const { groupID } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data.group;
    for (const c of [host, mod, fan, viewer]) await c.joinGroup({ groupID });
    await host.setGroupMemberRole({ groupID, userID: 'mod', role: TIM.TYPES.GRP_MBR_ROLE_ADMIN });
    const fanInbox = collectMessages(fan);
    const viewerInbox = collectMessages(viewer);

    const changed = await host.updateGroupProfile({
      groupID,
      name: 'Launch night',
      introduction: 'All about the launch',
      notification: 'Starts at 8',
      avatar: 'https://example.com/r.png',
      groupCustomField: [{ key: 'topic', value: 'launch' }],
    });
    expect(changed.data.group).toMatchObject({
      name: 'Launch night',
      introduction: 'All about the launch',
      notification: 'Starts at 8',
      avatar: 'https://example.com/r.png',
      groupCustomField: [{ key: 'topic', value: 'launch' }],
    });
    const tip = await waitForMessage(fan, fanInbox, (m) => isProfileTip(m, (p) => p.newGroupProfile.name === 'Launch night'));
    expect(tip.payload).toMatchObject({
      operatorID: 'host',
      newGroupProfile: {
        name: 'Launch night',
        introduction: 'All about the launch',
        notification: 'Starts at 8',
        avatar: 'https://example.com/r.png',
        groupCustomField: [{ key: 'topic', value: 'launch' }],
      },
    });
    // Guests in the room see it too.
    await waitForMessage(viewer, viewerInbox, (m) => isProfileTip(m, (p) => p.newGroupProfile.name === 'Launch night'));

    // An admin may; an empty value deletes a custom field.
    await mod.updateGroupProfile({ groupID, notification: 'Moved to 9', groupCustomField: [{ key: 'topic', value: '' }] });
    const modTip = await waitForMessage(fan, fanInbox, (m) => isProfileTip(m, (p) => p.operatorID === 'mod'));
    expect(modTip.payload).toMatchObject({ newGroupProfile: { notification: 'Moved to 9', groupCustomField: [{ key: 'topic', value: '' }] } });
    expect((await fan.getGroupProfile({ groupID })).data.group).toMatchObject({ name: 'Launch night', notification: 'Moved to 9', groupCustomField: [] });

    // Members may not (10007), guests must log in (2999); bad input is refused and changes nothing.
    expect(await code(fan.updateGroupProfile({ groupID, name: 'Mine now' }))).toBe(10007);
    expect(await code(viewer.updateGroupProfile({ groupID, name: 'Mine now' }))).toBe(2999);
    expect(await code(host.updateGroupProfile({ groupID, name: 42 as unknown as string }))).toBe(10004);
    expect(await code(host.updateGroupProfile({ groupID, name: '' }))).toBe(10004);
    expect(await code(host.updateGroupProfile({ groupID, name: 'x'.repeat(101) }))).toBe(10004);
    expect(await code(host.updateGroupProfile({ groupID, muteAllMembers: 'On' as unknown as boolean }))).toBe(10004);
    expect(await code(host.updateGroupProfile({ groupID, joinOption: 'NeedPermission' }))).toBe(10004);
    expect(await code(host.updateGroupProfile({ groupID, groupCustomField: [{ key: '', value: 'v' }] }))).toBe(10004);
    expect(await code(host.updateGroupProfile({ groupID: 'no-such-room', name: 'x' }))).toBe(10010);
    expect((await fan.getGroupProfile({ groupID })).data.group).toMatchObject({ name: 'Launch night', notification: 'Moved to 9', muteAllMembers: false });
  });

  it('muteAllMembers silences members but not admins, until lifted; REST modify_group_base_info is the same operation', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    const host = await user(t, 'host');
    const mod = await user(t, 'mod');
    const fan = await user(t, 'fan');
    const { groupID } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data.group;
    for (const c of [host, mod, fan]) await c.joinGroup({ groupID });
    await host.setGroupMemberRole({ groupID, userID: 'mod', role: TIM.TYPES.GRP_MBR_ROLE_ADMIN });
    const fanInbox = collectMessages(fan);

    expect((await mod.updateGroupProfile({ groupID, muteAllMembers: true })).data.group.muteAllMembers).toBe(true);
    const tip = await waitForMessage(fan, fanInbox, (m) => isProfileTip(m, (p) => p.newGroupProfile.muteAllMembers === true));
    expect(tip.payload).toMatchObject({ operatorID: 'mod' });
    expect(await code(send(fan, groupID, 'hello?'))).toBe(10017);
    await expect(send(mod, groupID, 'admins may speak')).resolves.toMatchObject({ code: 0 });

    // REST lifts it: the same operation, the same tip.
    expect(await rest(t, 'group_open_http_svc/modify_group_base_info', { GroupId: groupID, MuteAllMember: 'Off', Name: 'By REST' })).toMatchObject({ ErrorCode: 0 });
    await waitForMessage(fan, fanInbox, (m) => isProfileTip(m, (p) => p.newGroupProfile.muteAllMembers === false && p.newGroupProfile.name === 'By REST'));
    await expect(send(fan, groupID, 'back')).resolves.toMatchObject({ code: 0 });
    expect((await fan.getGroupProfile({ groupID })).data.group).toMatchObject({ name: 'By REST', muteAllMembers: false });
  });
});

/**
 * The seed's walkthrough (F12–F19), step by step, with the real SDK against a real server:
 * create, set log level, listen, log in, set the profile, join, send with priority, a second
 * member receiving with nick and avatar, a guest receiving and failing to send, then the
 * live-room rules (no recall, owner cannot quit, dismissal reaches everyone).
 */
import { describe, expect, it } from 'vitest';
import TIM, { type Client, type Message } from '@stadium/sdk';
import { collectMessages, nextEvent, waitForMessage } from './support/events.js';
import { startTestStadium, type TestStadium } from './support/stadium.js';

describe('walkthrough', () => {
  it('works as the seed describes it', async () => {
    await using t = await startTestStadium();
    const options = { SDKAppID: t.app.sdkAppId, server: t.url };

    // F15: TIM.create returns the instance, and the same one again for the same SDKAppID.
    const host = TIM.create(options);
    expect(TIM.create(options)).toBe(host);
    const viewer = TIM.createInstance(options);
    const guest = TIM.createInstance(options);
    expect(viewer).not.toBe(host);
    host.setLogLevel(0);
    for (const c of [host, viewer, guest]) c.setLogLevel(4);

    // F15: calls that need login fail before SDK_READY.
    await expect(host.getMyProfile()).rejects.toMatchObject({ code: 2999 });

    // F16: login returns a promise; SDK_READY follows.
    const ready = nextEvent(host, TIM.EVENT.SDK_READY);
    const login = await host.login({ userID: 'host', userSig: t.sig('host') });
    expect(login.code).toBe(0);
    await ready;
    await expect(host.login({ userID: 'host', userSig: t.sig('host') })).resolves.toMatchObject({ data: { repeatLogin: true } });

    // F17: profile, persisted.
    await host.updateMyProfile({ nick: 'Host', avatar: 'https://example.com/host.png' });
    expect((await host.getMyProfile()).data).toMatchObject({ userID: 'host', nick: 'Host', avatar: 'https://example.com/host.png' });

    // F13 / F18: create a live room, join it (status and data.group), join again.
    const created = await host.createGroup({ name: 'Launch day', type: TIM.TYPES.GRP_AVCHATROOM });
    const groupID = created.data.group.groupID;
    expect(groupID).toMatch(/^@TGS#a[A-Z0-9]{9}$/);
    const joined = await host.joinGroup({ groupID, type: TIM.TYPES.GRP_AVCHATROOM });
    expect(joined.data.status).toBe(TIM.TYPES.JOIN_STATUS_SUCCESS);
    expect(joined.data.group).toMatchObject({ groupID, name: 'Launch day', type: 'AVChatRoom', ownerID: 'host' });
    expect((await host.joinGroup({ groupID })).data.status).toBe(TIM.TYPES.JOIN_STATUS_ALREADY_IN_GROUP);

    // A second member with a profile; the host sees the join tip with nick and avatar.
    const hostInbox = collectMessages(host);
    await viewer.login({ userID: 'viewer', userSig: t.sig('viewer') });
    await viewer.updateMyProfile({ nick: 'Vi', avatar: 'https://example.com/vi.png' });
    const viewerInbox = collectMessages(viewer);
    await viewer.joinGroup({ groupID });
    const tip = await waitForMessage(host, hostInbox, (m) => m.type === TIM.TYPES.MSG_GRP_TIP && m.from === 'viewer');
    expect(tip.payload).toMatchObject({ operationType: TIM.TYPES.GRP_TIP_MBR_JOIN, userIDList: ['viewer'] });
    expect(tip).toMatchObject({ nick: 'Vi', avatar: 'https://example.com/vi.png' });

    // F3: a guest joins without login and receives.
    const guestInbox = collectMessages(guest);
    expect((await guest.joinGroup({ groupID, type: TIM.TYPES.GRP_AVCHATROOM })).data.status).toBe('JoinedSuccess');
    expect((await host.getGroupOnlineMemberCount(groupID)).data.memberCount).toBe(3);

    // F19: createTextMessage + sendMessage with priority.
    const message = host.createTextMessage({
      to: groupID,
      conversationType: TIM.TYPES.CONV_GROUP,
      priority: TIM.TYPES.MSG_PRIORITY_HIGH,
      payload: { text: 'Welcome!' },
    });
    const sent = await host.sendMessage(message);
    expect(sent.data.message).toMatchObject({ status: 'success', flow: 'out' });

    const received = await waitForMessage(viewer, viewerInbox, (m) => m.ID === message.ID);
    expect(received).toMatchObject({
      type: TIM.TYPES.MSG_TEXT,
      payload: { text: 'Welcome!' },
      conversationID: `GROUP${groupID}`,
      conversationType: TIM.TYPES.CONV_GROUP,
      to: groupID,
      from: 'host',
      flow: 'in',
      priority: 'High',
      nick: 'Host',
      avatar: 'https://example.com/host.png',
      sequence: sent.data.message.sequence,
    });
    expect(typeof received.time).toBe('number');
    await waitForMessage(guest, guestInbox, (m) => m.ID === message.ID);
    expect(hostInbox.some((m) => m.ID === message.ID)).toBe(false); // no echo to the sender

    // F5 / F7: a gift as a custom message.
    const gift = viewer.createCustomMessage({
      to: groupID,
      conversationType: TIM.TYPES.CONV_GROUP,
      priority: TIM.TYPES.MSG_PRIORITY_HIGH,
      payload: { data: JSON.stringify({ gift: 'rocket', count: 1 }), description: 'gift', extension: '' },
    });
    await viewer.sendMessage(gift);
    const giftSeen = await waitForMessage(guest, guestInbox, (m) => m.ID === gift.ID);
    expect(giftSeen.payload).toMatchObject({ data: '{"gift":"rocket","count":1}', description: 'gift', extension: '' });

    // F3: a guest's send fails clearly.
    const guestMessage = guest.createTextMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text: 'hi' } });
    await expect(guest.sendMessage(guestMessage)).rejects.toMatchObject({ code: 2999 });

    // F9: no recall in a live room.
    await expect(host.revokeMessage(sent.data.message)).rejects.toMatchObject({ code: 10035 });

    // Sending to a room not joined fails clearly.
    const outsider = TIM.createInstance(options);
    outsider.setLogLevel(4);
    await outsider.login({ userID: 'outsider', userSig: t.sig('outsider') });
    await expect(outsider.sendMessage(outsider.createTextMessage({ to: groupID, conversationType: 'GROUP', payload: { text: 'x' } }))).rejects.toMatchObject({ code: 2101 });

    // F10: the owner cannot quit; dismissal reaches every member, the guest too.
    await expect(host.quitGroup(groupID)).rejects.toMatchObject({ code: 10009 });
    await expect(viewer.dismissGroup(groupID)).rejects.toMatchObject({ code: 10007 });
    await host.dismissGroup(groupID);
    for (const [client, inbox] of [
      [viewer, viewerInbox],
      [guest, guestInbox],
    ] as const) {
      const notice: Message = await waitForMessage(client, inbox, (m) => m.type === TIM.TYPES.MSG_GRP_SYS_NOTICE);
      expect(notice).toMatchObject({ conversationType: TIM.TYPES.CONV_SYSTEM, payload: { operationType: 5 } });
    }
    await expect(viewer.joinGroup({ groupID })).rejects.toMatchObject({ code: 10010 });

    for (const c of [host, viewer, guest, outsider]) await c.destroy();
  });

  it('keeps profiles across server restarts and lets members quit with a tip', async () => {
    await using t = await startTestStadium();
    const [a, b] = await loggedIn(t, ['a', 'b']);
    await b.updateMyProfile({ nick: 'Bee' });
    await Promise.all([a.destroy(), b.destroy()]);
    await t.restart();
    const [a2, b2] = await loggedIn(t, ['a', 'b']);
    expect((await a2.getUserProfile({ userIDList: ['b', 'nobody'] })).data.map((p) => p.nick)).toEqual(['Bee', '']);
    expect((await b2.getMyProfile()).data.nick).toBe('Bee');
    const { groupID } = (await a2.createGroup({ name: 'r', type: 'AVChatRoom' })).data.group;
    await a2.joinGroup({ groupID });
    const inbox = collectMessages(a2);
    await b2.joinGroup({ groupID });
    await b2.quitGroup(groupID);
    const quit = await waitForMessage(a2, inbox, (m) => m.type === TIM.TYPES.MSG_GRP_TIP && (m.payload as { operationType: number }).operationType === 2);
    expect(quit).toMatchObject({ from: 'b', nick: 'Bee' });
    await expect(b2.quitGroup(groupID)).rejects.toMatchObject({ code: 2623 });
    await Promise.all([a2.destroy(), b2.destroy()]);
  });

  it('switches join and quit tips off per room', async () => {
    await using t = await startTestStadium();
    const [a, b] = await loggedIn(t, ['a', 'b']);
    const { groupID } = (await a.createGroup({ name: 'quiet', type: 'AVChatRoom', settings: { memberTips: false } })).data.group;
    await a.joinGroup({ groupID });
    const inbox = collectMessages(a);
    await b.joinGroup({ groupID });
    await b.sendMessage(b.createTextMessage({ to: groupID, conversationType: 'GROUP', payload: { text: 'after join' } }));
    await waitForMessage(a, inbox, (m) => m.type === TIM.TYPES.MSG_TEXT);
    expect(inbox.filter((m) => m.type === TIM.TYPES.MSG_GRP_TIP)).toHaveLength(0);
    await Promise.all([a.destroy(), b.destroy()]);
  });
});

/** Independent SDK instances logged in as `userIds`, quiet. */
async function loggedIn(t: TestStadium, userIds: [string, string]): Promise<[Client, Client]> {
  const make = async (userID: string): Promise<Client> => {
    const client = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
    client.setLogLevel(4);
    await client.login({ userID, userSig: t.sig(userID) });
    return client;
  };
  return Promise.all([make(userIds[0]), make(userIds[1])]);
}

/**
 * Pinned messages with the real SDK, raw WebSocket clients and REST against a real server:
 * owners and admins pin (members may not), every member (guests too) gets
 * PINNED_GROUP_MESSAGE_UPDATED, joiners get the pins in the join answer, at most 3 pins
 * (10070), only a message of the room (10071), REST is the same operation, and a pin with a
 * duration lapses by itself on the injected clock and the pins survive a restart (SQLite file).
 */
import { describe, expect, it } from 'vitest';
import { ERRORS, type PinnedMessage } from '@stadium/protocol';
import TIM, { type Client, type Message } from '@stadium/sdk';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { PERMISSIONS, type Operation, type RoomRole } from '../packages/server/src/core/permissions.js';
import { nextEvent, loggedInClient } from './support/events.js';
import { RawClient } from './support/raw-client.js';
import { startTcpProxy } from './support/tcp-proxy.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

type Updated = { groupID: string; messageList: Message[]; operationType: 1 | 2 };
const pinsChanged = (c: Client, match: (d: Updated) => boolean = () => true): Promise<Updated> => nextEvent<Updated>(c, TIM.EVENT.PINNED_GROUP_MESSAGE_UPDATED, match);

const code = async (p: Promise<unknown>): Promise<number> =>
  p.then(
    () => 0,
    (e: { code: number }) => e.code,
  );

function guest(t: TestStadium): Client {
  const c = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
  c.setLogLevel(4);
  return c;
}

/** `from` sends `text` to the room; resolves with the Message `to` received (the sent one when `to` is the sender). */
async function said(from: Client, to: Client, groupID: string, text: string): Promise<Message> {
  if (from === to) return (await from.sendMessage(from.createTextMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text } }))).data.message;
  const got = nextEvent<Message[]>(to, TIM.EVENT.MESSAGE_RECEIVED, (list) => list.some((m) => (m.payload as { text?: string }).text === text));
  await from.sendMessage(from.createTextMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text } }));
  return (await got).find((m) => (m.payload as { text?: string }).text === text)!;
}

const texts = (list: Message[]): string[] => list.map((m) => (m.payload as { text: string }).text);

/** What the permission table says a role gets: success, or the refusal's code. */
function expected(op: Operation, role: RoomRole): number {
  const rule = PERMISSIONS[op];
  if (rule.roles.includes(role)) return 0;
  return ERRORS[role === 'guest' ? 'NOT_LOGGED_IN' : (rule.refusal ?? 'NO_PERMISSION')].code;
}

describe('pinned messages', () => {
  it('every role gets what the permission table says, joined or not', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    const connect = async (userId: string | null): Promise<RawClient> => {
      const c = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
      if (userId !== null) expect((await c.request('login', { userID: userId, userSig: t.sig(userId) })).code).toBe(0);
      return c;
    };
    const clients: Record<RoomRole, RawClient> = {
      appAdmin: await connect(t.app.adminUserId),
      owner: await connect('owner'),
      admin: await connect('admin'),
      member: await connect('member'),
      guest: await connect(null),
    };
    const room = async (): Promise<{ groupID: string; seq: number }> => {
      const created = (await clients.owner.request('group.create', { name: 'walk', type: 'AVChatRoom' })) as { data: { group: { groupID: string } } };
      const groupID = created.data.group.groupID;
      expect((await clients.owner.request('group.role', { groupID, userID: 'admin', role: 'Admin' })).code).toBe(0);
      await clients.owner.request('group.join', { groupID });
      const sent = (await clients.owner.request('msg.send', {
        groupID,
        message: { id: `owner-${groupID}`, type: 'TIMTextElem', payload: { text: 'pin' }, priority: 'Normal', random: 1 },
      })) as { code: number; data: { seq: number } };
      expect(sent.code).toBe(0);
      return { groupID, seq: sent.data.seq };
    };
    const unjoined = await room();
    const joined = await room();
    const bodies = ({ groupID, seq }: { groupID: string; seq: number }): Array<[Operation, Record<string, unknown>]> => [
      ['pins.read', { groupID, op: 'list' }],
      // Pinning a pinned message again succeeds, so every allowed role gets 0.
      ['pins.write', { groupID, op: 'pin', seq }],
    ];
    // Not joined: the joined rule refuses members and admins (10007); owner and app admin are exempt; guests are refused for the login first.
    for (const [op, body] of bodies(unjoined)) {
      for (const [role, client] of Object.entries(clients) as Array<[RoomRole, RawClient]>) {
        const allowed = expected(op, role);
        const want = allowed === 0 && role !== 'owner' && role !== 'appAdmin' ? ERRORS.NOT_GROUP_MEMBER.code : allowed;
        expect(await client.request('group.pins', body), `${op} ${role} not joined`).toMatchObject({ code: want });
      }
    }
    for (const c of Object.values(clients)) await c.request('group.join', { groupID: joined.groupID });
    for (const [op, body] of bodies(joined)) {
      for (const [role, client] of Object.entries(clients) as Array<[RoomRole, RawClient]>) {
        expect(await client.request('group.pins', body), `${op} ${role}`).toMatchObject({ code: expected(op, role) });
      }
    }
    for (const c of Object.values(clients)) await c.close();
  });

  it('owner and admins pin, members may not; every member and guest is told; joiners get the pins; at most 3', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    const host = await loggedInClient(t, 'host');
    const mod = await loggedInClient(t, 'mod');
    const fan = await loggedInClient(t, 'fan');
    const viewer = guest(t);
    const { groupID } = (await host.createGroup({ name: 'pins', type: TIM.TYPES.GRP_AVCHATROOM })).data.group;
    for (const c of [host, mod, fan, viewer]) await c.joinGroup({ groupID });
    await host.setGroupMemberRole({ groupID, userID: 'mod', role: TIM.TYPES.GRP_MBR_ROLE_ADMIN });

    const hello = await said(fan, mod, groupID, 'hello <img src=x onerror=alert(1)>');
    // A member may not pin, not even their own message; a guest must log in first (SDK: 2999).
    const own = await said(fan, fan, groupID, 'pin me');
    expect(await code(fan.pinGroupMessage({ groupID, message: own, isPinned: true }))).toBe(ERRORS.NO_PERMISSION.code);
    expect(await code(viewer.pinGroupMessage({ groupID, message: own, isPinned: true }))).toBe(2999);

    const viewerSaw = pinsChanged(viewer);
    const fanSaw = pinsChanged(fan);
    expect(await mod.pinGroupMessage({ groupID, message: hello, isPinned: true })).toEqual({ code: 0, data: {} });
    const seen = await viewerSaw;
    expect(seen.groupID).toBe(groupID);
    expect(seen.operationType).toBe(1);
    expect(seen.messageList).toHaveLength(1);
    expect(seen.messageList[0]).toMatchObject({ from: 'fan', sequence: hello.sequence, time: hello.time, payload: { text: 'hello <img src=x onerror=alert(1)>' } });
    expect((await fanSaw).messageList.map((m) => m.sequence)).toEqual([hello.sequence]);
    expect(texts((await viewer.getPinnedGroupMessageList(groupID)).data.messageList)).toEqual(['hello <img src=x onerror=alert(1)>']);

    // A joiner gets the pins in the join answer (on the wire: pinnedMessages).
    const raw = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    const joined = (await raw.request('group.join', { groupID })) as { code: number; data: { pinnedMessages: PinnedMessage[] } };
    expect(joined.code).toBe(0);
    expect(joined.data.pinnedMessages).toMatchObject([{ message: { seq: hello.sequence, from: 'fan', type: 'TIMTextElem' }, pinnedBy: 'mod', expireAt: 0 }]);
    // A pin only names a message of the room by its sequence number: one the room never had is refused.
    expect(await raw.request('group.pins', { groupID, op: 'pin', seq: 999 })).toMatchObject({ code: ERRORS.NOT_LOGGED_IN.code });
    expect(await raw.request('group.pins', { groupID, op: 'list' })).toMatchObject({ code: 0, data: { pinnedMessages: [{ pinnedBy: 'mod' }] } });
    await raw.close();

    // Up to 3: the fourth is refused and changes nothing.
    const more = [await said(fan, host, groupID, 'two'), await said(fan, host, groupID, 'three'), await said(fan, host, groupID, 'four')];
    await host.pinGroupMessage({ groupID, message: more[0]!, isPinned: true });
    await host.pinGroupMessage({ groupID, message: more[1]!, isPinned: true });
    expect(await code(host.pinGroupMessage({ groupID, message: more[2]!, isPinned: true }))).toBe(ERRORS.PIN_LIMIT.code);
    expect(texts((await fan.getPinnedGroupMessageList(groupID)).data.messageList)).toEqual(['hello <img src=x onerror=alert(1)>', 'two', 'three']);

    // Unpin: every member is told (operationType 2) with the pins left.
    const unpinned = pinsChanged(viewer, (d) => d.operationType === 2);
    await mod.pinGroupMessage({ groupID, message: hello, isPinned: false });
    expect(texts((await unpinned).messageList)).toEqual(['two', 'three']);
    expect(await code(mod.pinGroupMessage({ groupID, message: hello, isPinned: false }))).toBe(ERRORS.PIN_MESSAGE_NOT_FOUND.code);
    // The admin loses the role, and with it the right to pin.
    await host.setGroupMemberRole({ groupID, userID: 'mod', role: TIM.TYPES.GRP_MBR_ROLE_MEMBER });
    expect(await code(mod.pinGroupMessage({ groupID, message: hello, isPinned: true }))).toBe(ERRORS.NO_PERMISSION.code);
    for (const c of [host, mod, fan, viewer]) await c.destroy();
  });

  it('REST pin, list and unpin are the same operation; members get each change', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    expect(await rest(t, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: 'r', Owner_Account: 'host', GroupId: 'pin-room' })).toMatchObject({ ErrorCode: 0 });
    const fan = await loggedInClient(t, 'fan');
    await fan.joinGroup({ groupID: 'pin-room' });
    const message = await said(fan, fan, 'pin-room', 'from REST');

    let next = pinsChanged(fan);
    expect(await rest(t, 'stadium_admin/pin_group_message', { GroupId: 'pin-room', MsgSeq: message.sequence, Duration: 600 })).toMatchObject({
      ErrorCode: 0,
      PinnedMsgList: [{ MsgSeq: message.sequence, From_Account: 'fan', MsgType: 'TIMTextElem', MsgContent: { text: 'from REST' }, PinnedBy: t.app.adminUserId }],
    });
    expect(texts((await next).messageList)).toEqual(['from REST']);
    const listed = (await rest(t, 'stadium_admin/get_pinned_group_messages', { GroupId: 'pin-room' })) as unknown as {
      PinnedMsgList: Array<{ PinTime: number; ExpireTime: number }>;
    };
    expect(listed.PinnedMsgList).toHaveLength(1);
    expect(listed.PinnedMsgList[0]!.ExpireTime - listed.PinnedMsgList[0]!.PinTime).toBe(600);
    expect(await rest(t, 'stadium_admin/pin_group_message', { GroupId: 'pin-room', MsgSeq: 9999 })).toMatchObject({ ErrorCode: ERRORS.PIN_MESSAGE_NOT_FOUND.code });
    expect(await rest(t, 'stadium_admin/pin_group_message', { GroupId: 'pin-room', MsgSeq: 0 })).toMatchObject({ ErrorCode: 10004 });
    expect(await rest(t, 'stadium_admin/pin_group_message', { GroupId: 'nope', MsgSeq: 1 })).toMatchObject({ ErrorCode: 10010 });
    next = pinsChanged(fan, (d) => d.operationType === 2);
    expect(await rest(t, 'stadium_admin/unpin_group_message', { GroupId: 'pin-room', MsgSeq: message.sequence })).toMatchObject({ ErrorCode: 0, PinnedMsgList: [] });
    expect((await next).messageList).toEqual([]);
    expect(await rest(t, 'stadium_admin/unpin_group_message', { GroupId: 'pin-room', MsgSeq: message.sequence })).toMatchObject({ ErrorCode: ERRORS.PIN_MESSAGE_NOT_FOUND.code });
    await fan.destroy();
  });

  it.skipIf(TEST_WORKERS > 1)('a pin with a duration lapses by itself on the injected clock and members are told; pins survive a restart', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ batchWindowMs: 0 }, { clock });
    const host = await loggedInClient(t, 'host');
    const fan = await loggedInClient(t, 'fan');
    const { groupID } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data.group;
    await host.joinGroup({ groupID });
    await fan.joinGroup({ groupID });
    const brief = await said(fan, host, groupID, 'for a minute');
    const lasting = await said(fan, host, groupID, 'for good');
    await host.pinGroupMessage({ groupID, message: brief, isPinned: true, duration: 60 });
    await host.pinGroupMessage({ groupID, message: lasting, isPinned: true });
    const lapsed = pinsChanged(fan, (d) => d.operationType === 2);
    clock.advance(59_000);
    expect(texts((await fan.getPinnedGroupMessageList(groupID)).data.messageList)).toEqual(['for a minute', 'for good']);
    clock.advance(1000);
    expect(texts((await lapsed).messageList)).toEqual(['for good']);
    await host.destroy();
    await fan.destroy();

    await t.restart();
    const raw = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    const joined = (await raw.request('group.join', { groupID })) as { data: { pinnedMessages: PinnedMessage[] } };
    expect(joined.data.pinnedMessages).toMatchObject([{ message: { seq: lasting.sequence, payload: { text: 'for good' } }, pinnedBy: 'host', expireAt: 0 }]);
    await raw.close();
  });
});

describe('pins changed while a member was disconnected', () => {
  it('are told on the rejoin after the reconnect, as PINNED_GROUP_MESSAGE_UPDATED with the pins now', async () => {
    await using t = await startTestStadium();
    await using proxy = await startTcpProxy(t.url);
    const host = await loggedInClient(t, 'host');
    const viewer = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: proxy.url, reconnectBaseMs: 20, reconnectMaxMs: 200 });
    viewer.setLogLevel(4);
    try {
      const { groupID } = (await host.createGroup({ name: 'pins away', type: 'AVChatRoom', settings: { memberTips: false } })).data.group;
      await host.joinGroup({ groupID });
      await viewer.login({ userID: 'viewer', userSig: t.sig('viewer') });
      await viewer.joinGroup({ groupID });
      const first = await said(host, viewer, groupID, 'first');
      const second = await said(host, viewer, groupID, 'second');
      const pinnedFirst = nextEvent<{ operationType: number }>(viewer, TIM.EVENT.PINNED_GROUP_MESSAGE_UPDATED);
      await host.pinGroupMessage({ groupID, message: first, isPinned: true });
      expect(await pinnedFirst).toMatchObject({ operationType: 1 });
      const events: Array<{ groupID: string; messageList: Message[]; operationType: number }> = [];
      viewer.on(TIM.EVENT.PINNED_GROUP_MESSAGE_UPDATED, (e: { data: { groupID: string; messageList: Message[]; operationType: number } }) => events.push(e.data));

      proxy.refuse = true;
      const down = nextEvent<{ state: string }>(viewer, TIM.EVENT.NET_STATE_CHANGE, (d) => d.state === TIM.TYPES.NET_STATE_DISCONNECTED);
      proxy.cut();
      await down;
      await host.pinGroupMessage({ groupID, message: second, isPinned: true });
      const told = nextEvent<{ messageList: Message[]; operationType: number }>(viewer, TIM.EVENT.PINNED_GROUP_MESSAGE_UPDATED);
      proxy.refuse = false;
      const pins = await told;
      expect(pins.operationType).toBe(1);
      expect(texts(pins.messageList)).toEqual(['first', 'second']);
      expect(events).toHaveLength(1);

      // Unchanged pins across a second drop: nothing to tell.
      const downAgain = nextEvent<{ state: string }>(viewer, TIM.EVENT.NET_STATE_CHANGE, (d) => d.state === TIM.TYPES.NET_STATE_DISCONNECTED);
      proxy.cut();
      await downAgain;
      await nextEvent<{ state: string }>(viewer, TIM.EVENT.NET_STATE_CHANGE, (d) => d.state === TIM.TYPES.NET_STATE_CONNECTED);
      expect(await viewer.getPinnedGroupMessageList(groupID)).toMatchObject({ data: { messageList: [{ sequence: first.sequence }, { sequence: second.sequence }] } });
      expect(events).toHaveLength(1);
    } finally {
      await viewer.destroy();
      await host.destroy();
    }
  });
});

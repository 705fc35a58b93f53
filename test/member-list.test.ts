/**
 * `getGroupMemberList` with the real SDK against a real server, in one process and across the
 * workers of `stadium start --workers 2` (connections land on both workers): every online
 * logged-in member in one list, newest first, paged by `offset`, with the nick and avatar of
 * its profile, its role and its mute; guests are counted but not listed; a member who leaves
 * (quits or disconnects) disappears; a timed mute shows and, on the manual clock, lifts.
 */
import { describe, expect, it } from 'vitest';
import TIM, { type Client } from '@stadium/sdk';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { loggedInClient } from './support/events.js';
import { RawClient } from './support/raw-client.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS, startTestStadium } from './support/stadium.js';

describe('online member list with the SDK', () => {
  it('lists online members on every worker newest first, paged, with profile, role and mute', async () => {
    const clock = new ManualClock(Date.now());
    // No heartbeat sweep while the test moves the manual clock past a mute.
    await using t = await startTestStadium({ batchWindowMs: 0, heartbeatTimeoutMs: 3_600_000 }, { clock });
    const users = ['host', 'u1', 'u2', 'u3', 'u4', 'u5'];
    const clients = new Map<string, Client>();
    for (const userID of users) {
      const c = await loggedInClient(t, userID);
      await c.updateMyProfile({ nick: `Nick ${userID}`, avatar: `https://example.com/${userID}.png` });
      clients.set(userID, c);
    }
    const host = clients.get('host')!;
    const { group } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data;
    const groupID = group.groupID;
    for (const userID of users) {
      await clients.get(userID)!.joinGroup({ groupID });
      clock.advance(1000);
    }
    const guest = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
    guest.setLogLevel(4);
    await guest.joinGroup({ groupID, type: TIM.TYPES.GRP_AVCHATROOM });
    expect((await host.getGroupOnlineMemberCount(groupID)).data.memberCount).toBe(users.length + 1);

    const newestFirst = [...users].reverse();
    const { data } = await clients.get('u1')!.getGroupMemberList({ groupID, count: 100, offset: 0 });
    expect(data.offset).toBe(0);
    expect(data.memberList.map((m) => m.userID)).toEqual(newestFirst);
    expect(data.memberList[0]).toEqual({ userID: 'u5', nick: 'Nick u5', avatar: 'https://example.com/u5.png', joinTime: expect.any(Number), role: 'Member', muteUntil: 0 });
    expect(data.memberList.at(-1)).toMatchObject({ userID: 'host', role: 'Owner' });

    // Pages of four: the second picks up where the first ended, nobody twice.
    const first = (await host.getGroupMemberList({ groupID, count: 4 })).data;
    expect(first.memberList.map((m) => m.userID)).toEqual(newestFirst.slice(0, 4));
    expect(first.offset).not.toBe(0);
    const second = (await host.getGroupMemberList({ groupID, count: 4, offset: first.offset })).data;
    expect(second.memberList.map((m) => m.userID)).toEqual(newestFirst.slice(4));
    expect(second.offset).toBe(0);

    // REST: the compatible live-room list, paged by Timestamp / NextTimestamp.
    const r1 = await rest(t, 'group_open_avchatroom_http_svc/get_members', { GroupId: groupID, Timestamp: 0 });
    expect(r1).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, NextTimestamp: 0 });
    expect((r1.MemberList as Array<{ Member_Account: string }>).map((m) => m.Member_Account)).toEqual(newestFirst);
    expect((r1.MemberList as unknown[])[0]).toEqual({
      Member_Account: 'u5',
      JoinTime: data.memberList[0]!.joinTime,
      NickName: 'Nick u5',
      Avatar: 'https://example.com/u5.png',
      Role: 'Member',
      MuteUntil: 0,
    });
    // get_group_member_info with the compatible fields: Limit, Next, Offset, MemberInfoFilter.
    const g1 = await rest(t, 'group_open_http_svc/get_group_member_info', { GroupId: groupID, Limit: 4, MemberInfoFilter: ['Role', 'MuteUntil'] });
    expect(g1).toMatchObject({ ActionStatus: 'OK', MemberNum: users.length + 1 });
    expect(g1.MemberList).toEqual(newestFirst.slice(0, 4).map((id) => ({ Member_Account: id, Role: 'Member', MuteUntil: 0 })));
    const g2 = await rest(t, 'group_open_http_svc/get_group_member_info', { GroupId: groupID, Limit: 4, Next: g1.Next });
    expect((g2.MemberList as Array<{ Member_Account: string; Role: string }>).map((m) => [m.Member_Account, m.Role])).toEqual([
      ['u1', 'Member'],
      ['host', 'Owner'],
    ]);
    expect(g2.Next).toBe('');
    const g3 = await rest(t, 'group_open_http_svc/get_group_member_info', { GroupId: groupID, Limit: 2, Offset: 3 });
    expect((g3.MemberList as Array<{ Member_Account: string }>).map((m) => m.Member_Account)).toEqual(newestFirst.slice(3, 5));
    expect(await rest(t, 'group_open_http_svc/get_group_member_info', { GroupId: groupID, Offset: 10_001 })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10004 });
    expect(await rest(t, 'group_open_avchatroom_http_svc/get_members', { GroupId: 'no-such-room' })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10010 });

    // A timed mute shows with its end; on the manual clock it lifts by itself.
    await host.setGroupMemberMuteTime({ groupID, userID: 'u2', muteTime: 60 });
    const muted = (await host.getGroupMemberList({ groupID })).data.memberList.find((m) => m.userID === 'u2')!;
    const nowSec = Math.ceil((TEST_WORKERS > 1 ? Date.now() : clock.now()) / 1000);
    expect(muted.muteUntil).toBeGreaterThanOrEqual(nowSec + 58);
    expect(muted.muteUntil).toBeLessThanOrEqual(nowSec + 61);
    if (TEST_WORKERS === 1) {
      clock.advance(61_000);
      expect((await host.getGroupMemberList({ groupID })).data.memberList.find((m) => m.userID === 'u2')!.muteUntil).toBe(0);
    }

    // Connections on different nodes (workers) show in the one list.
    const raws: RawClient[] = [];
    const nodesSeen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const raw = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
      const hello = raw.frames.find((f) => f.t === 'hello');
      if (hello?.t === 'hello') nodesSeen.add(hello.node);
      expect((await raw.request('login', { userID: `raw${i}`, userSig: t.sig(`raw${i}`) })).code).toBe(0);
      expect((await raw.request('group.join', { groupID })).code).toBe(0);
      raws.push(raw);
    }
    expect(nodesSeen.size).toBe(Math.min(TEST_WORKERS, 4));
    const withRaw = (await host.getGroupMemberList({ groupID })).data.memberList.map((m) => m.userID);
    expect(withRaw.slice(0, 4)).toEqual(['raw3', 'raw2', 'raw1', 'raw0']);
    await Promise.all(raws.map((r) => r.close()));
    await expect.poll(async () => (await host.getGroupOnlineMemberCount(groupID)).data.memberCount, { timeout: 5000 }).toBe(users.length + 1);

    // Leaving: a quit and a disconnect both take the member off the list.
    await clients.get('u3')!.quitGroup(groupID);
    await clients.get('u4')!.destroy();
    // The count drops once the node removed the member (from its list first, then the count).
    await expect.poll(async () => (await host.getGroupOnlineMemberCount(groupID)).data.memberCount, { timeout: 5000 }).toBe(users.length - 1);
    expect((await host.getGroupMemberList({ groupID })).data.memberList.map((m) => m.userID)).toEqual(['u5', 'u2', 'u1', 'host']);

    // Guests may not list (the SDK refuses before asking; the server too, see the multi-node test); a logged-in user must have joined.
    await expect(guest.getGroupMemberList({ groupID })).rejects.toMatchObject({ code: 2999 });
    const outsider = await loggedInClient(t, 'outsider');
    await expect(outsider.getGroupMemberList({ groupID })).rejects.toMatchObject({ code: 10007 });
    await expect(host.getGroupMemberList({ groupID, count: -1 })).rejects.toMatchObject({ code: 10004 });
    for (const c of [guest, outsider, ...clients.values()]) await c.destroy();
  });
});

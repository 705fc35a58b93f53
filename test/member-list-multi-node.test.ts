/**
 * The online member list across three nodes in one process (one LocalBus per node on a shared
 * hub, one store): members connected to different nodes come back in one list, newest first,
 * paged by offset without repeats; a user connected on two nodes is listed once; guests are
 * not listed; a member who leaves or is banned disappears; role and mute come from the room's
 * authority.
 */
import { describe, expect, it } from 'vitest';
import type { OnlineMemberInfo } from '@stadium/protocol';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { startNodes } from './support/nodes.js';
import { RawClient } from './support/raw-client.js';

const NODES = ['n0', 'n1', 'n2'];

type Page = { code: number; data: { memberList: OnlineMemberInfo[]; offset: number } };

describe('online member list over three nodes', () => {
  it('merges the nodes newest first, pages without repeats and follows leaves, roles and mutes', async () => {
    const clock = new ManualClock(Date.now());
    await using nodes = await startNodes(NODES, clock);
    const { app, sig, servers } = nodes;
    const urls = servers.map((s) => s.url);
    const connect = async (node: number, userId: string | null): Promise<RawClient> => {
      const c = await RawClient.connect(urls[node]!, `sdkappid=${app.sdkAppId}&v=1`);
      if (userId !== null) {
        expect((await c.request('login', { userID: userId, userSig: sig(userId) })).code).toBe(0);
        expect((await c.request('profile.update', { nick: `Nick ${userId}`, avatar: `https://example.com/${userId}.png` })).code).toBe(0);
      }
      return c;
    };
    const host = await connect(0, 'host');
    const created = (await host.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    const join = async (c: RawClient): Promise<void> => {
      expect((await c.request('group.join', { groupID })).code).toBe(0);
      clock.advance(1000);
    };
    await join(host);
    // Joins in this order, spread over the nodes; "twice" joins on n2 and, last, again on n1.
    const order = ['a', 'b', 'twice', 'c', 'd'];
    const clients = new Map<string, RawClient>();
    for (const [i, userId] of order.entries()) {
      const c = await connect(i % 3, userId);
      clients.set(userId, c);
      await join(c);
    }
    const twiceAgain = await connect(1, 'twice');
    await join(twiceAgain);
    const guest = await connect(1, null);
    await join(guest);
    expect(await guest.request('group.members', { groupID })).toMatchObject({ code: 2024, name: 'NOT_LOGGED_IN' });
    const outsider = await connect(2, 'outsider');
    expect(await outsider.request('group.members', { groupID })).toMatchObject({ code: 10007, name: 'NOT_GROUP_MEMBER' });

    const all = (await clients.get('a')!.request('group.members', { groupID })) as Page;
    expect(all.code).toBe(0);
    expect(all.data.offset).toBe(0);
    expect(all.data.memberList.map((m) => m.userID)).toEqual(['d', 'c', 'twice', 'b', 'a', 'host']);
    expect(all.data.memberList[0]).toEqual({ userID: 'd', nick: 'Nick d', avatar: 'https://example.com/d.png', joinTime: expect.any(Number), role: 'Member', muteUntil: 0 });
    expect(all.data.memberList.find((m) => m.userID === 'host')!.role).toBe('Owner');
    const times = all.data.memberList.map((m) => m.joinTime);
    expect([...times].sort((x, y) => y - x)).toEqual(times);

    // Pages of two: every member once, in the same order.
    const walked: string[] = [];
    let offset = 0;
    let pages = 0;
    do {
      const page = (await host.request('group.members', { groupID, count: 2, offset })) as Page;
      expect(page.code).toBe(0);
      walked.push(...page.data.memberList.map((m) => m.userID));
      offset = page.data.offset;
      pages++;
    } while (offset !== 0 && pages < 10);
    expect(walked).toEqual(['d', 'c', 'twice', 'b', 'a', 'host']);

    // Role and a timed mute, set at the authority, show in the list.
    expect((await host.request('group.role', { groupID, userID: 'b', role: 'Admin' })).code).toBe(0);
    expect((await host.request('group.mute', { groupID, userID: 'c', muteTime: 60 })).code).toBe(0);
    const moderated = (await host.request('group.members', { groupID })) as Page;
    expect(moderated.data.memberList.find((m) => m.userID === 'b')).toMatchObject({ role: 'Admin', muteUntil: 0 });
    expect(moderated.data.memberList.find((m) => m.userID === 'c')).toMatchObject({ role: 'Member', muteUntil: Math.ceil(clock.now() / 1000) + 60 });

    // Leaving: a quit disappears at once; "twice" stays while one of its connections does, now
    // at the place of the join still in the room.
    expect((await clients.get('c')!.request('group.quit', { groupID })).code).toBe(0);
    expect((await clients.get('twice')!.request('group.quit', { groupID })).code).toBe(0);
    const after = (await host.request('group.members', { groupID })) as Page;
    expect(after.data.memberList.map((m) => m.userID)).toEqual(['twice', 'd', 'b', 'a', 'host']);
    expect((await twiceAgain.request('group.quit', { groupID })).code).toBe(0);
    const last = (await host.request('group.members', { groupID })) as Page;
    expect(last.data.memberList.map((m) => m.userID)).toEqual(['d', 'b', 'a', 'host']);

    // A ban removes the member on its node at once, and so from the list.
    expect((await host.request('group.ban', { groupID, userIDList: ['a'], duration: 60 })).code).toBe(0);
    const banned = (await host.request('group.members', { groupID })) as Page;
    expect(banned.data.memberList.map((m) => m.userID)).toEqual(['d', 'b', 'host']);

    // Bad input has a clear code.
    expect(await host.request('group.members', { groupID, count: 0 })).toMatchObject({ code: 10004, name: 'INVALID_PARAMETER' });
    expect(await host.request('group.members', { groupID, offset: -1 })).toMatchObject({ code: 10004, name: 'INVALID_PARAMETER' });
    await Promise.all([host, guest, outsider, twiceAgain, ...clients.values()].map((c) => c.close()));
  });
});

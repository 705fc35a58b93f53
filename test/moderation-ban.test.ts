/**
 * A ban on a real server with real time, so it also runs against a multi-process node (the
 * `cluster` project): the banned user's connections, wherever they landed, are told and
 * removed, the rejoin is refused on any connection, and an unban lets them back at once.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@stadium/protocol';
import { RawClient } from './support/raw-client.js';
import { rest } from './support/rest.js';
import { startTestStadium } from './support/stadium.js';

const banNotice = (f: ServerFrame): boolean =>
  f.t === 'msgs' && f.m.some((m) => m.type === 'TIMGroupSystemNoticeElem' && (m.payload as { operationType: number }).operationType === 21);

describe('ban over REST', () => {
  it('removes the user on every connection, keeps them out, and an unban lets them back', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    const connect = async (userId: string | null): Promise<RawClient> => {
      const c = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
      if (userId !== null) expect((await c.request('login', { userID: userId, userSig: t.sig(userId) })).code).toBe(0);
      return c;
    };
    expect(await rest(t, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: 'r', Owner_Account: 'host', GroupId: 'ban-room' })).toMatchObject({ ErrorCode: 0 });
    const fans = await Promise.all(Array.from({ length: 4 }, () => connect('fan')));
    const viewer = await connect(null);
    for (const c of [...fans, viewer]) expect((await c.request('group.join', { groupID: 'ban-room' })).code).toBe(0);
    expect(await rest(t, 'group_open_http_svc/get_online_member_num', { GroupId: 'ban-room' })).toMatchObject({ OnlineMemberNum: 5 });

    expect(await rest(t, 'group_open_http_svc/ban_group_member', { GroupId: 'ban-room', Members_Account: ['fan'], Duration: 3600, Description: 'spam' })).toMatchObject({
      ErrorCode: 0,
    });
    for (const fan of fans) await fan.next(banNotice);
    await viewer.next((f) => f.t === 'msgs' && f.m.some((m) => m.type === 'TIMGroupTipElem' && (m.payload as { operationType: number }).operationType === 10));
    expect(viewer.frames.some(banNotice)).toBe(false);
    await expect.poll(async () => (await rest(t, 'group_open_http_svc/get_online_member_num', { GroupId: 'ban-room' })).OnlineMemberNum).toBe(1);
    for (const fan of fans) expect(await fan.request('group.join', { groupID: 'ban-room' })).toMatchObject({ code: 10007, name: 'BANNED_FROM_GROUP' });

    expect(await rest(t, 'group_open_http_svc/unban_group_member', { GroupId: 'ban-room', Members_Account: ['fan'] })).toMatchObject({ ErrorCode: 0 });
    expect(await rest(t, 'group_open_http_svc/get_group_ban_member', { GroupId: 'ban-room', Offset: 0 })).toMatchObject({ BannedAccountList: [], NextOffset: 0 });
    for (const fan of fans) expect(await fan.request('group.join', { groupID: 'ban-room' })).toMatchObject({ code: 0, data: { status: 'JoinedSuccess' } });
    await Promise.all([...fans, viewer].map((c) => c.close()));
  });
});

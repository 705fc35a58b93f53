/**
 * Walks every cell of the moderation rows of the permission table (core/permissions.ts, shown
 * in docs/permissions.md) against a real server: each role tries each operation over the
 * WebSocket (and the app admin over REST), and gets exactly what the table says — success, or
 * the refusal's compatible code.
 */
import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorName } from '@stadium/protocol';
import { PERMISSIONS, type Operation, type RoomRole } from '../packages/server/src/core/permissions.js';
import { RawClient } from './support/raw-client.js';
import { rest } from './support/rest.js';
import { startTestStadium } from './support/stadium.js';

const OPERATIONS: Array<{ op: Operation; cmd: string; body: (groupID: string, target: string) => Record<string, unknown> }> = [
  { op: 'member.role', cmd: 'group.role', body: (groupID, target) => ({ groupID, userID: target, role: 'Admin' }) },
  { op: 'member.mute', cmd: 'group.mute', body: (groupID, target) => ({ groupID, userID: target, muteTime: 60 }) },
  { op: 'member.list', cmd: 'group.members', body: (groupID) => ({ groupID, count: 10 }) },
  { op: 'member.ban', cmd: 'group.ban', body: (groupID, target) => ({ groupID, userIDList: [target], duration: 60 }) },
  { op: 'review.manage', cmd: 'group.reviewQueue', body: (groupID) => ({ groupID }) },
];

/** What the table says a role gets: success, or the refusal (its name and compatible code). */
function expected(op: Operation, role: RoomRole): { code: number; name?: ErrorName } {
  const rule = PERMISSIONS[op];
  if (rule.roles.includes(role)) return { code: 0 };
  const name: ErrorName = role === 'guest' ? 'NOT_LOGGED_IN' : (rule.refusal ?? 'NO_PERMISSION');
  return { code: ERRORS[name].code, name };
}

describe('moderation permission cells', () => {
  it('every role gets what the table says for every moderation operation', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    const connect = async (userId: string | null): Promise<RawClient> => {
      const c = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
      if (userId !== null) expect((await c.request('login', { userID: userId, userSig: t.sig(userId) })).code).toBe(0);
      return c;
    };
    const clients: Record<Exclude<RoomRole, never>, RawClient> = {
      appAdmin: await connect(t.app.adminUserId),
      owner: await connect('owner'),
      admin: await connect('admin'),
      member: await connect('member'),
      guest: await connect(null),
    };
    const created = (await clients.owner.request('group.create', { name: 'walk', type: 'AVChatRoom' })) as { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    expect((await clients.owner.request('group.role', { groupID, userID: 'admin', role: 'Admin' })).code).toBe(0);
    for (const c of Object.values(clients)) expect((await c.request('group.join', { groupID })).code).toBe(0);

    const cells: string[] = [];
    for (const { op, cmd, body } of OPERATIONS) {
      for (const [role, client] of Object.entries(clients) as Array<[RoomRole, RawClient]>) {
        const answer = await client.request(cmd, body(groupID, `target-${op.replace('.', '-')}-${role}`));
        expect(answer, `${op} ${role}`).toMatchObject(expected(op, role));
        cells.push(`${op} ${role}`);
      }
    }
    // moderation.read has no WebSocket command: the app admin reads over REST.
    expect(expected('moderation.read', 'appAdmin')).toEqual({ code: 0 });
    expect(await rest(t, 'group_open_http_svc/get_group_muted_account', { GroupId: groupID })).toMatchObject({
      ErrorCode: 0,
      MutedAccountList: [{ Member_Account: 'target-member-mute-admin' }, { Member_Account: 'target-member-mute-appAdmin' }, { Member_Account: 'target-member-mute-owner' }],
    });
    expect(await rest(t, 'group_open_http_svc/get_group_ban_member', { GroupId: groupID, Offset: 0, Limit: 2 })).toMatchObject({
      ErrorCode: 0,
      BannedAccountList: [{ Member_Account: 'target-member-ban-admin' }, { Member_Account: 'target-member-ban-appAdmin' }],
      NextOffset: 2,
    });
    expect(await rest(t, 'group_open_http_svc/get_group_ban_member', { GroupId: groupID, Offset: 2, Limit: 2 })).toMatchObject({
      BannedAccountList: [{ Member_Account: 'target-member-ban-owner' }],
      NextOffset: 0,
    });
    expect(cells).toHaveLength(25);
    // REST is the app admin: the same operations succeed there.
    expect(await rest(t, 'group_open_http_svc/forbid_send_msg', { GroupId: groupID, Members_Account: ['member'], MuteTime: 10 })).toMatchObject({ ErrorCode: 0 });
    // Nobody acts on the app admin account or the owner, whatever their role.
    expect(await rest(t, 'group_open_http_svc/ban_group_member', { GroupId: groupID, Members_Account: [t.app.adminUserId], Duration: 10 })).toMatchObject({ ErrorCode: 10007 });
    expect(await clients.appAdmin.request('group.role', { groupID, userID: 'owner', role: 'Member' })).toMatchObject({ code: 2683 });
    expect(await clients.owner.request('group.ban', { groupID, userIDList: ['owner'], duration: 10 })).toMatchObject({ code: 10007, name: 'OUTRANKED' });
    // Admins do not act on admins.
    expect(await clients.owner.request('group.role', { groupID, userID: 'member', role: 'Admin' })).toMatchObject({ code: 0 });
    expect(await clients.admin.request('group.mute', { groupID, userID: 'member', muteTime: 5 })).toMatchObject({ code: 10007, name: 'OUTRANKED' });
    // Bad input changes nothing.
    expect(await clients.owner.request('group.mute', { groupID, userID: 'x', muteTime: 1.5 })).toMatchObject({ code: 10004 });
    expect(await clients.owner.request('group.mute', { groupID, userID: '', muteTime: 5 })).toMatchObject({ name: 'INVALID_USER_ID' });
    expect(await clients.owner.request('group.ban', { groupID, userIDList: 'x', duration: 5 })).toMatchObject({ code: 10004 });
    expect(await clients.owner.request('group.ban', { groupID, userIDList: ['x'], duration: 5, reason: 'r'.repeat(1001) })).toMatchObject({ code: 10004 });
    expect(await clients.owner.request('group.role', { groupID, userID: 'x', role: 'Owner' })).toMatchObject({ code: 2683 });
    expect(await clients.owner.request('group.mute', { groupID: 'no-such-room', userID: 'x', muteTime: 5 })).toMatchObject({ code: 10010 });
    const muted = await rest(t, 'group_open_http_svc/get_group_muted_account', { GroupId: groupID });
    expect((muted.MutedAccountList as Array<{ Member_Account: string }>).map((m) => m.Member_Account)).toEqual([
      'member',
      'target-member-mute-admin',
      'target-member-mute-appAdmin',
      'target-member-mute-owner',
    ]);
    await Promise.all(Object.values(clients).map((c) => c.close()));
  });
});

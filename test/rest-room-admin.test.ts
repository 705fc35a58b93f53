/**
 * Stadium's own REST room commands: `stadium_admin/set_group_member_role` (set and unset a
 * room admin) and `stadium_admin/set_room_settings` (slow mode), as the app admin, with the
 * same effect as the SDK calls: slow mode refuses a member's second message, and an admin is
 * exempt from it.
 */
import { describe, expect, it } from 'vitest';
import { createRoom, member, text } from './support/callback-setup.js';
import { rest } from './support/rest.js';
import { startTestStadium } from './support/stadium.js';

describe('REST room admin commands', () => {
  it('sets slow mode and an admin who is exempt from it, then unsets the admin', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    await createRoom(t, 'slow-1');
    const alice = await member(t, 'alice', 'slow-1');
    const bob = await member(t, 'bob', 'slow-1');
    try {
      expect(await rest(t, 'stadium_admin/set_room_settings', { GroupId: 'slow-1', SlowModeSec: 60 })).toMatchObject({ ErrorCode: 0, SlowModeSec: 60 });
      expect(await rest(t, 'stadium_admin/set_room_settings', { GroupId: 'slow-1', SlowModeSec: 99_999 })).toMatchObject({ ErrorCode: 10004 });
      expect(await alice.request('msg.send', { groupID: 'slow-1', message: text('a1', 'one') })).toMatchObject({ code: 0 });
      expect(await alice.request('msg.send', { groupID: 'slow-1', message: text('a2', 'two') })).toMatchObject({ code: 19018 });

      expect(await rest(t, 'stadium_admin/set_group_member_role', { GroupId: 'slow-1', Member_Account: 'bob', Role: 'Admin' })).toMatchObject({
        ErrorCode: 0,
        Member_Account: 'bob',
        Role: 'Admin',
      });
      expect(await bob.request('msg.send', { groupID: 'slow-1', message: text('b1', 'one') })).toMatchObject({ code: 0 });
      expect(await bob.request('msg.send', { groupID: 'slow-1', message: text('b2', 'two') })).toMatchObject({ code: 0 });
      expect(await rest(t, 'stadium_admin/set_group_member_role', { GroupId: 'slow-1', Member_Account: 'bob', Role: 'Member' })).toMatchObject({ ErrorCode: 0, Role: 'Member' });
      // A plain member again: slow mode counts from the next message.
      expect(await bob.request('msg.send', { groupID: 'slow-1', message: text('b3', 'three') })).toMatchObject({ code: 0 });
      expect(await bob.request('msg.send', { groupID: 'slow-1', message: text('b4', 'four') })).toMatchObject({ code: 19018 });
      expect(await rest(t, 'stadium_admin/set_group_member_role', { GroupId: 'slow-1', Member_Account: 'bob', Role: 'Owner' })).toMatchObject({ ErrorCode: 10004 });
      expect(await rest(t, 'stadium_admin/set_room_settings', { GroupId: 'no-such-room', SlowModeSec: 0 })).toMatchObject({ ErrorCode: 10010 });
    } finally {
      await alice.close();
      await bob.close();
    }
  });
});

/**
 * Moderation across three nodes in one process (one LocalBus per node on a shared hub, one
 * store): an admin appointed through one node acts through another, because roles are decided
 * at the room's authority; a ban made on one node removes the banned user's connections on
 * every node at once, tells each of them, and keeps them out.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrame, WireMessage } from '@stadium/protocol';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { startNodes } from './support/nodes.js';
import { RawClient } from './support/raw-client.js';

const NODES = ['n0', 'n1', 'n2'];

const messagesOf = (c: RawClient): WireMessage[] => c.frames.flatMap((f) => (f.t === 'msgs' ? f.m : []));
const hasOp = (type: string, op: number) => (f: ServerFrame) => f.t === 'msgs' && f.m.some((m) => m.type === type && (m.payload as { operationType: number }).operationType === op);

describe('moderation over three nodes', () => {
  it('an admin set on one node mutes and bans through another; the ban removes the user on every node', async () => {
    const clock = new ManualClock(Date.now());
    await using nodes = await startNodes(NODES, clock);
    const { app, sig, servers: running } = nodes;
    const [n0, n1, n2] = running.map((s) => s.url) as [string, string, string];
    const connect = async (url: string, userId: string | null): Promise<RawClient> => {
      const c = await RawClient.connect(url, `sdkappid=${app.sdkAppId}&v=1`);
      if (userId !== null) expect((await c.request('login', { userID: userId, userSig: sig(userId) })).code).toBe(0);
      return c;
    };
    const host = await connect(n0, 'host');
    const talker = await connect(n0, 'talker');
    const mod = await connect(n1, 'mod');
    const fanA = await connect(n1, 'fan');
    const fanB = await connect(n2, 'fan');
    const guest = await connect(n2, null);
    const created = (await host.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    const all = [host, talker, mod, fanA, fanB, guest];
    for (const c of all) expect((await c.request('group.join', { groupID })).code).toBe(0);

    // Not an admin yet: refused at the authority, whatever node asks.
    expect(await mod.request('group.mute', { groupID, userID: 'talker', muteTime: 30 })).toMatchObject({ code: 10007, name: 'NO_PERMISSION' });
    expect(await host.request('group.role', { groupID, userID: 'mod', role: 'Admin' })).toMatchObject({ code: 0, data: { member: { userID: 'mod', role: 'Admin' } } });
    await guest.next(hasOp('TIMGroupTipElem', 4));

    // The admin on n1 mutes a member on n0.
    expect(await mod.request('group.mute', { groupID, userID: 'talker', muteTime: 30 })).toMatchObject({
      code: 0,
      data: { member: { userID: 'talker', muteUntil: expect.any(Number) } },
    });
    expect(await talker.request('msg.send', { groupID, message: { id: 't1', type: 'TIMTextElem', payload: { text: 'x' }, priority: 'Normal', random: 1 } })).toMatchObject({
      code: 10017,
      name: 'MEMBER_MUTED',
    });

    // The admin on n1 bans a user connected on n1 and n2.
    expect(await mod.request('group.ban', { groupID, userIDList: ['fan'], duration: 60, reason: 'spam' })).toMatchObject({ code: 0, data: { userIDList: ['fan'] } });
    for (const fan of [fanA, fanB]) {
      await fan.next(hasOp('TIMGroupSystemNoticeElem', 21));
      const notice = messagesOf(fan).find((m) => m.type === 'TIMGroupSystemNoticeElem')!;
      expect(notice).toMatchObject({ seq: 0, payload: { operationType: 21, operatorID: 'mod', handleMessage: 'spam' } });
    }
    await guest.next(hasOp('TIMGroupTipElem', 10));
    expect(messagesOf(guest).some((m) => m.type === 'TIMGroupSystemNoticeElem')).toBe(false);
    // Gone from the room on both nodes (still connected), counted out of the total.
    await expect.poll(async () => ((await host.request('group.online', { groupID })) as { data: { memberCount: number } }).data.memberCount).toBe(4);
    for (const fan of [fanA, fanB]) {
      expect(fan.closeCode).toBeNull();
      expect(
        await fan.request('msg.send', { groupID, message: { id: `f-${fan === fanA ? 'a' : 'b'}`, type: 'TIMTextElem', payload: { text: 'x' }, priority: 'Normal', random: 1 } }),
      ).toMatchObject({
        code: 10007,
        name: 'NOT_GROUP_MEMBER',
      });
    }
    // After the ban tip nothing more reaches them.
    const fanFrames = fanB.frames.length;
    expect((await host.request('msg.send', { groupID, message: { id: 'h1', type: 'TIMTextElem', payload: { text: 'after' }, priority: 'High', random: 1 } })).code).toBe(0);
    await guest.next((f) => f.t === 'msgs' && f.m.some((m) => m.id === 'h1'));
    expect(fanB.frames.slice(fanFrames).filter((f) => f.t === 'msgs')).toEqual([]);
    // And they cannot come back through any node until the ban ends.
    expect(await fanB.request('group.join', { groupID })).toMatchObject({ code: 10007, name: 'BANNED_FROM_GROUP' });
    const fanC = await connect(n0, 'fan');
    expect(await fanC.request('group.join', { groupID })).toMatchObject({ code: 10007, name: 'BANNED_FROM_GROUP' });
    clock.advance(60_000);
    expect(await fanB.request('group.join', { groupID })).toMatchObject({ code: 0, data: { status: 'JoinedSuccess' } });

    await Promise.all([...all, fanC].map((c) => c.close()));
  });
});

/**
 * FAQ F22: a user in a live room on two platforms quits on one; the app's backend learns it
 * from Group.CallbackAfterMemberExit (with OptPlatform) and tells the user's other platform
 * with a hidden one-to-one message (REST openim/sendmsg), which then quits too. Join / quit
 * tips are switched off for the room, so the other members see none of it.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrame, WireMessage } from '@stadium/protocol';
import { createRoom, member, startCallbackFixture } from './support/callback-setup.js';
import { RawClient } from './support/raw-client.js';
import { rest } from './support/rest.js';

const EXIT = 'Group.CallbackAfterMemberExit';
const roomMessages = (c: RawClient): WireMessage[] => c.frames.flatMap((f: ServerFrame) => (f.t === 'msgs' ? f.m : []));

describe('F22: quit on one platform, quit everywhere', () => {
  it('goes through the after-exit callback and a hidden one-to-one message, with no tips in the room', async () => {
    await using f = await startCallbackFixture({ Commands: [EXIT] });
    const { t, receiver } = f;
    await createRoom(t, 'f22', 'anchor');
    const anchor = await member(t, 'anchor', 'f22');
    expect(await anchor.request('group.settings', { groupID: 'f22', memberTips: false })).toMatchObject({ code: 0 });
    const bob = await member(t, 'bob', 'f22');
    const aliceWeb = await member(t, 'alice', 'f22', 'Web');
    const aliceAndroid = await member(t, 'alice', 'f22', 'Android');

    // alice quits on the web.
    expect(await aliceWeb.request('group.quit', { groupID: 'f22' })).toMatchObject({ code: 0 });
    const exit = await receiver.next((cb) => cb.command === EXIT);
    expect(exit.query.get('OptPlatform')).toBe('Web');
    expect(exit.body).toMatchObject({ GroupId: 'f22', ExitType: 'Quit', ExitMemberList: [{ Member_Account: 'alice' }] });

    // The backend tells alice's other platforms: a hidden custom message, one-to-one.
    const sent = await rest(t, 'openim/sendmsg', {
      To_Account: 'alice',
      MsgRandom: 22,
      MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: JSON.stringify({ action: 'quit', groupID: 'f22' }), Desc: '', Ext: 'hidden' } }],
    });
    expect(sent).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    const hidden = (await aliceAndroid.next((fr) => fr.t === 'c2c')) as ServerFrame & { t: 'c2c'; m: WireMessage };
    const order = JSON.parse((hidden.m.payload as { data: string }).data) as { action: string; groupID: string };
    expect(order).toEqual({ action: 'quit', groupID: 'f22' });

    // The other platform follows the order; the backend hears of that exit too, from Android.
    expect(await aliceAndroid.request('group.quit', { groupID: order.groupID })).toMatchObject({ code: 0 });
    const second = await receiver.next((cb) => cb.command === EXIT && cb.query.get('OptPlatform') === 'Android');
    expect(second.body).toMatchObject({ GroupId: 'f22', ExitType: 'Quit' });
    expect((await bob.request('group.online', { groupID: 'f22' })) as unknown).toMatchObject({ code: 0, data: { memberCount: 2 } });

    // With tips off, nobody in the room saw a join or a quit; the one-to-one message reached no one else.
    await anchor.request('msg.send', { groupID: 'f22', message: { id: 'after', type: 'TIMTextElem', payload: { text: 'still live' }, priority: 'Normal', random: 1 } });
    await bob.next((fr) => fr.t === 'msgs' && fr.m.some((m) => m.id === 'after'));
    expect(roomMessages(bob).filter((m) => m.type === 'TIMGroupTipElem')).toEqual([]);
    expect(bob.frames.some((fr) => fr.t === 'c2c')).toBe(false);
    expect(aliceWeb.frames.filter((fr) => fr.t === 'c2c')).toHaveLength(1);
    await Promise.all([anchor, bob, aliceWeb, aliceAndroid].map((c) => c.close()));
  });
});

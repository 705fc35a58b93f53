/**
 * FAQ F2: the backend sends a room a system notice (REST send_group_system_notification), and
 * every member online gets it as a group system notice with `userDefinedField` — guests and
 * logged-in members alike, on whichever worker they are; with ToMembers_Account only those
 * members get it. In the cluster project the guest and the member sit on different workers.
 */
import { describe, expect, it } from 'vitest';
import TIM, { type Message } from '@stadium/sdk';
import type { ServerFrame, WireMessage } from '@stadium/protocol';
import { collectMessages, waitForMessage } from './support/events.js';
import { RawClient } from './support/raw-client.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

const nodeOf = (c: RawClient): string => (c.frames[0] as { node: string }).node;
const received = (c: RawClient): WireMessage[] => c.frames.flatMap((f: ServerFrame) => (f.t === 'msgs' ? f.m : []));
const notices = (c: RawClient): WireMessage[] => received(c).filter((m) => m.type === 'TIMGroupSystemNoticeElem');

/** A guest and a logged-in member, on different workers when there are several. */
async function guestAndMember(t: TestStadium): Promise<{ guest: RawClient; member: RawClient; spare: RawClient[] }> {
  const query = `sdkappid=${t.app.sdkAppId}&v=1`;
  const guest = await RawClient.connect(t.url, query);
  const spare: RawClient[] = [];
  for (let i = 0; i < 20; i++) {
    const c = await RawClient.connect(t.url, query);
    if (TEST_WORKERS === 1 || nodeOf(c) !== nodeOf(guest)) {
      expect((await c.request('login', { userID: 'viewer', userSig: t.sig('viewer') })).code).toBe(0);
      return { guest, member: c, spare };
    }
    spare.push(c);
  }
  throw new Error('every connection landed on the same worker');
}

describe('F2: a system notice from the backend', () => {
  it('reaches a guest and a logged-in member on different workers, or only the members named', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    const created = await rest(t, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: 'Show', Owner_Account: 'host', GroupId: 'f2-show' });
    expect(created).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, GroupId: 'f2-show' });
    const { guest, member, spare } = await guestAndMember(t);
    for (const c of [guest, member]) expect((await c.request('group.join', { groupID: 'f2-show' })).code).toBe(0);
    if (TEST_WORKERS > 1) expect(nodeOf(guest)).not.toBe(nodeOf(member));

    // The SDK's view of the same notice: a guest instance.
    const sdkGuest = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
    sdkGuest.setLogLevel(4);
    const sdkInbox = collectMessages(sdkGuest);
    await sdkGuest.joinGroup({ groupID: 'f2-show' });

    const everyone = await rest(t, 'group_open_http_svc/send_group_system_notification', { GroupId: 'f2-show', Content: 'The show starts in 5 minutes' });
    expect(everyone).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    for (const c of [guest, member]) {
      await c.next((f) => f.t === 'msgs' && f.m.some((m) => m.type === 'TIMGroupSystemNoticeElem'));
      expect(notices(c)).toHaveLength(1);
      expect(notices(c)[0]!.payload).toMatchObject({ operationType: 255, userDefinedField: 'The show starts in 5 minutes' });
    }
    const seen: Message = await waitForMessage(sdkGuest, sdkInbox, (m) => m.type === TIM.TYPES.MSG_GRP_SYS_NOTICE);
    expect(seen.payload).toMatchObject({ operationType: 255, userDefinedField: 'The show starts in 5 minutes' });

    // Only the member named: the guest gets the next room message and no second notice.
    const named = await rest(t, 'group_open_http_svc/send_group_system_notification', { GroupId: 'f2-show', Content: 'for you', ToMembers_Account: ['viewer'] });
    expect(named.ErrorCode).toBe(0);
    await member.next(
      (f) => f.t === 'msgs' && f.m.some((m) => m.type === 'TIMGroupSystemNoticeElem' && (m.payload as { userDefinedField?: string }).userDefinedField === 'for you'),
    );
    const sent = await rest(t, 'group_open_http_svc/send_group_msg', {
      GroupId: 'f2-show',
      From_Account: 'host',
      Random: 1,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'after' } }],
    });
    expect(sent.ErrorCode).toBe(0);
    await guest.next((f) => f.t === 'msgs' && f.m.some((m) => m.type === 'TIMTextElem'));
    expect(notices(guest)).toHaveLength(1);
    expect(notices(member)).toHaveLength(2);

    await sdkGuest.destroy();
    await Promise.all([guest, member, ...spare].map((c) => c.close()));
  });
});

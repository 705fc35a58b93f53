/**
 * The word filter's review action with real SDK clients and real REST calls: a message with a
 * word of a `review` list is held at the room's authority (the sender gets 19042 with the hold
 * ID), the owner and admins online get TIM.EVENT.GROUP_MESSAGE_HELD, and approving it (SDK or
 * REST) publishes it to everyone as a new message while denying it drops it; the sender hears
 * the outcome. The queue is bounded, survives a restart, and held messages expire.
 */
import { describe, expect, it } from 'vitest';
import TIM, { type Client, type GroupMessageHeldEvent, type GroupMessageReviewedEvent, type Message } from '@stadium/sdk';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { collectMessages, loggedInClient, nextEvent, waitForMessage } from './support/events.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

const send = (c: Client, to: string, text: string): Promise<unknown> => c.sendMessage(c.createTextMessage({ to, conversationType: TIM.TYPES.CONV_GROUP, payload: { text } }));

/** The rejection's code and message. */
const failure = async (p: Promise<unknown>): Promise<{ code: number; message: string }> =>
  p.then(
    () => ({ code: 0, message: '' }),
    (e: { code: number; message: string }) => ({ code: e.code, message: e.message }),
  );

/** Send and expect it held: returns the hold ID the refusal gives (in `data.holdID`, and in its message). */
async function sendHeld(c: Client, groupID: string, text: string): Promise<string> {
  const error = await send(c, groupID, text).then(
    () => undefined,
    (e: { code: number; message: string; data?: { holdID?: string; message?: { status?: string } } }) => e,
  );
  expect(error?.code, text).toBe(19042);
  const holdID = error?.data?.holdID;
  expect(holdID).toMatch(/^h-/);
  expect(error?.message).toContain(`holdID ${holdID}`);
  expect(error?.data?.message?.status).toBe('fail');
  return holdID!;
}

const texts = (messages: Message[]): string[] => messages.filter((m) => m.type === TIM.TYPES.MSG_TEXT).map((m) => (m.payload as { text: string }).text);

/** A room with an owner, an admin and two members, all joined; the app has a review list. */
async function room(t: TestStadium) {
  await rest(t, 'stadium_admin/set_word_list', { Name: 'hold', Action: 'review', Words: ['promo', '广告'] });
  await rest(t, 'stadium_admin/set_word_list', { Name: 'insults', Action: 'mask', Words: ['idiot'] });
  const host = await loggedInClient(t, 'host');
  const mod = await loggedInClient(t, 'mod');
  const fan = await loggedInClient(t, 'fan');
  const other = await loggedInClient(t, 'other');
  const { group } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data;
  const groupID = group.groupID;
  for (const c of [host, mod, fan, other]) await c.joinGroup({ groupID });
  await host.setGroupMemberRole({ groupID, userID: 'mod', role: TIM.TYPES.GRP_MBR_ROLE_ADMIN });
  return { host, mod, fan, other, groupID, all: [host, mod, fan, other] };
}

describe('review queue', () => {
  it('holds, tells owner and admins, and publishes to everyone on approval or to nobody on denial', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    const { host, mod, fan, other, groupID, all } = await room(t);
    const inboxes = all.map((c) => collectMessages(c));
    const otherHeld: GroupMessageHeldEvent[] = [];
    other.on(TIM.EVENT.GROUP_MESSAGE_HELD, (e: { data: GroupMessageHeldEvent }) => otherHeld.push(e.data));

    // Held: the sender is told, the owner and the admin get the event with the message (masks applied).
    const hostHeld = nextEvent<GroupMessageHeldEvent>(host, TIM.EVENT.GROUP_MESSAGE_HELD);
    const modHeld = nextEvent<GroupMessageHeldEvent>(mod, TIM.EVENT.GROUP_MESSAGE_HELD);
    const holdID = await sendHeld(fan, groupID, 'big PROMO, idiot');
    for (const seen of [await hostHeld, await modHeld]) {
      expect(seen).toMatchObject({ groupID, holdID, message: { from: 'fan', type: 'TIMTextElem', payload: { text: 'big PROMO, ***' } } });
      expect(seen.expiresAt - seen.heldAt).toBe(86_400);
    }
    // The REST path is held the same way; the hold ID is in ErrorInfo.
    const restSend = await rest(t, 'group_open_http_svc/send_group_msg', {
      GroupId: groupID,
      From_Account: 'bot',
      Random: 3,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'promo from the backend' } }],
    });
    expect(restSend).toMatchObject({ ErrorCode: 19042, ErrorInfo: expect.stringMatching(/holdID h-/) });
    const restHold = /holdID (h-[0-9a-f-]+)/.exec(restSend.ErrorInfo)![1]!;
    expect(await rest(t, 'stadium_admin/review_message', { GroupId: groupID, HoldId: restHold, Action: 'Deny' })).toMatchObject({ ErrorCode: 0 });
    // Members cannot see or decide.
    expect((await failure(other.getReviewQueue({ groupID }))).code).toBe(10007);
    expect((await failure(other.reviewMessage({ groupID, holdID, action: 'Approve' }))).code).toBe(10007);
    const queue = await mod.getReviewQueue({ groupID });
    expect(queue.data.heldMessageList).toEqual([expect.objectContaining({ holdID, message: expect.objectContaining({ from: 'fan' }) })]);
    const restQueue = await rest(t, 'stadium_admin/get_review_queue', { GroupId: groupID });
    expect(restQueue).toMatchObject({
      ErrorCode: 0,
      GroupId: groupID,
      HeldMsgList: [{ HoldId: holdID, From_Account: 'fan', MsgType: 'TIMTextElem', MsgContent: { text: 'big PROMO, ***' } }],
    });

    // Approve (an admin, over the SDK): everyone receives it once, as a new message after the ones before it.
    await send(other, groupID, 'in between');
    const fanOutcome = nextEvent<GroupMessageReviewedEvent>(fan, TIM.EVENT.GROUP_MESSAGE_REVIEWED);
    const approved = await mod.approveMessage({ groupID, holdID });
    expect(approved.data.seq).toBeGreaterThan(0);
    for (const [i, c] of all.entries()) {
      const m = await waitForMessage(c, inboxes[i]!, (x) => (x.payload as { text?: string }).text === 'big PROMO, ***');
      expect(m.sequence).toBe(approved.data.seq);
    }
    expect(await fanOutcome).toEqual({ groupID, holdID, action: 'Approve', operatorID: 'mod', sequence: approved.data.seq });
    expect((await failure(host.reviewMessage({ groupID, holdID, action: 'Deny' }))).code).toBe(19044);

    // Deny (the app's backend, over REST): nobody receives it; the sender is told.
    const denied = await sendHeld(fan, groupID, '看广告');
    const fanDenied = nextEvent<GroupMessageReviewedEvent>(fan, TIM.EVENT.GROUP_MESSAGE_REVIEWED, (d) => d.holdID === denied);
    expect(await rest(t, 'stadium_admin/review_message', { GroupId: groupID, HoldId: denied, Action: 'Deny' })).toMatchObject({ ErrorCode: 0, HoldId: denied, MsgSeq: 0 });
    expect(await fanDenied).toMatchObject({ action: 'Deny', sequence: 0 });
    expect(await rest(t, 'stadium_admin/review_message', { GroupId: groupID, HoldId: denied, Action: 'Approve' })).toMatchObject({ ErrorCode: 19044 });
    expect(await rest(t, 'stadium_admin/review_message', { GroupId: groupID, HoldId: denied, Action: 'Maybe' })).toMatchObject({ ErrorCode: 10004 });
    // A marker sent after the denial (by the app's backend, so every client gets it) arrives; the denied text never does.
    const marker = { GroupId: groupID, From_Account: 'bot', Random: 7, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'marker' } }] };
    expect(await rest(t, 'group_open_http_svc/send_group_msg', marker)).toMatchObject({ ErrorCode: 0 });
    for (const [i, c] of all.entries()) {
      await waitForMessage(c, inboxes[i]!, (x) => (x.payload as { text?: string }).text === 'marker');
      expect(texts(inboxes[i]!)).not.toContain('看广告');
      expect(texts(inboxes[i]!).filter((x) => x === 'big PROMO, ***')).toHaveLength(1);
    }
    expect(otherHeld).toEqual([]);
    expect((await rest(t, 'stadium_admin/get_review_queue', { GroupId: groupID })).HeldMsgList).toEqual([]);
    for (const c of all) await c.destroy();
  });

  it('is bounded per room and survives a restart', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0, reviewQueueMax: 2 });
    const { fan, groupID, all } = await room(t);
    await sendHeld(fan, groupID, 'promo 1');
    const second = await sendHeld(fan, groupID, 'promo 2');
    expect((await failure(send(fan, groupID, 'promo 3'))).code).toBe(19043);
    for (const c of all) await c.destroy();

    await t.restart();
    const queue = await rest(t, 'stadium_admin/get_review_queue', { GroupId: groupID });
    expect((queue.HeldMsgList as Array<{ MsgContent: { text: string } }>).map((h) => h.MsgContent.text)).toEqual(['promo 1', 'promo 2']);
    const host = await loggedInClient(t, 'host');
    await host.joinGroup({ groupID });
    const inbox = collectMessages(host);
    const approved = await rest(t, 'stadium_admin/review_message', { GroupId: groupID, HoldId: second, Action: 'Approve' });
    expect(approved).toMatchObject({ ErrorCode: 0, MsgSeq: expect.any(Number) });
    const m = await waitForMessage(host, inbox, (x) => (x.payload as { text?: string }).text === 'promo 2');
    expect(m.sequence).toBe(approved.MsgSeq);
    await host.destroy();
    // A restart in the cluster project starts every worker again: give it time on a busy machine.
  }, 90_000);
});

describe.skipIf(TEST_WORKERS > 1)('review queue expiry', () => {
  it('drops held messages after reviewHoldMs on the server clock', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ batchWindowMs: 0, reviewHoldMs: 60_000 }, { clock });
    const { host, fan, groupID, all } = await room(t);
    const holdID = await sendHeld(fan, groupID, 'promo late');
    clock.advance(59_000);
    expect((await host.getReviewQueue({ groupID })).data.heldMessageList).toHaveLength(1);
    clock.advance(1_000);
    expect((await host.getReviewQueue({ groupID })).data.heldMessageList).toEqual([]);
    expect((await failure(host.reviewMessage({ groupID, holdID, action: 'Approve' }))).code).toBe(19044);
    for (const c of all) await c.destroy();
  });
});

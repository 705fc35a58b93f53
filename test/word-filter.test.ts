/**
 * The word filter with real SDK clients and real REST calls: lists set with
 * stadium_admin/set_word_list refuse (80001) or mask (***) text messages and custom-message
 * descriptions, through trivial evasions (case, full-width forms, zero-width characters), on
 * the SDK path and the REST path alike, at the room's authority. Runs in both projects: the
 * lists are set before the app's first message, so every worker reads them.
 */
import { describe, expect, it } from 'vitest';
import TIM, { type Client } from '@stadium/sdk';
import { createRoom, member, startCallbackFixture, text } from './support/callback-setup.js';
import { collectMessages, waitForMessage, loggedInClient } from './support/events.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

const user = (t: TestStadium, userID: string): Promise<Client> => loggedInClient(t, userID);

const send = (c: Client, to: string, text: string): Promise<unknown> => c.sendMessage(c.createTextMessage({ to, conversationType: TIM.TYPES.CONV_GROUP, payload: { text } }));

const code = async (p: Promise<unknown>): Promise<number> =>
  p.then(
    () => 0,
    (e: { code: number }) => e.code,
  );

describe('word filter', () => {
  it('manages lists over REST with clear refusals that change nothing', async () => {
    await using t = await startTestStadium();
    expect(await rest(t, 'stadium_admin/get_word_lists', {})).toMatchObject({ ErrorCode: 0, WordLists: [] });
    const set = await rest(t, 'stadium_admin/set_word_list', { Name: 'insults', Action: 'mask', Words: [' idiot ', 'idiot', '白痴', ''] });
    expect(set).toMatchObject({ ErrorCode: 0, Name: 'insults', Action: 'mask', WordCount: 2 });
    // Bad input: a bad name, an overlong word, an empty list, an unknown action (10004); nothing changes.
    for (const body of [
      { Name: 'bad name!', Action: 'mask', Words: ['x'] },
      { Name: 'insults', Action: 'mask', Words: ['x'.repeat(65)] },
      { Name: 'insults', Action: 'mask', Words: ['  '] },
      { Name: 'insults', Action: 'review!', Words: ['x'] },
    ]) {
      expect(await rest(t, 'stadium_admin/set_word_list', body), JSON.stringify(body)).toMatchObject({ ErrorCode: 10004 });
    }
    const lists = await rest(t, 'stadium_admin/get_word_lists', { WithWords: 1 });
    expect(lists.WordLists).toEqual([{ Name: 'insults', Action: 'mask', WordCount: 2, UpdatedAt: expect.any(Number) as number, Words: ['idiot', '白痴'] }]);
    // At most 16 lists per app.
    for (let i = 1; i < 16; i++) expect(await rest(t, 'stadium_admin/set_word_list', { Name: `l${i}`, Action: 'reject', Words: ['w'] })).toMatchObject({ ErrorCode: 0 });
    expect(await rest(t, 'stadium_admin/set_word_list', { Name: 'l16', Action: 'reject', Words: ['w'] })).toMatchObject({ ErrorCode: 19040 });
    expect((await rest(t, 'stadium_admin/get_word_lists', {})).WordLists).toHaveLength(16);
    expect(await rest(t, 'stadium_admin/delete_word_list', { Name: 'l1' })).toMatchObject({ ErrorCode: 0 });
    expect(await rest(t, 'stadium_admin/delete_word_list', { Name: 'l1' })).toMatchObject({ ErrorCode: 19041 });
    expect((await rest(t, 'stadium_admin/get_word_lists', {})).WordLists).toHaveLength(15);
    // Only the app admin (app.wordLists): any other identifier is refused before the command runs.
    expect(await rest(t, 'stadium_admin/delete_word_list', { Name: 'l2' }, { identifier: 'fan' })).toMatchObject({ ErrorCode: 60010 });
    expect((await rest(t, 'stadium_admin/get_word_lists', {})).WordLists).toHaveLength(15);
  });

  it('rejects with 80001 and masks with *** on the SDK and REST paths, through evasions', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    await rest(t, 'stadium_admin/set_word_list', { Name: 'banned', Action: 'reject', Words: ['scam', '诈骗'] });
    await rest(t, 'stadium_admin/set_word_list', { Name: 'insults', Action: 'mask', Words: ['idiot', '白痴'] });
    const host = await user(t, 'host');
    const fan = await user(t, 'fan');
    const { group } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data;
    const groupID = group.groupID;
    for (const c of [host, fan]) await c.joinGroup({ groupID });
    const inbox = collectMessages(host);

    // Reject: the sender gets 80001, in every spelling; nothing reaches the room.
    for (const text of ['a SCAM!', 'ｓｃａｍ', 's\u200Bc\u200Ca\u200Dm', 'sc\uFEFFam', '这是诈\u2060骗']) expect(await code(send(fan, groupID, text)), text).toBe(80001);
    const restRejected = await rest(t, 'group_open_http_svc/send_group_msg', {
      GroupId: groupID,
      From_Account: 'bot',
      Random: 1,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'ＳＣＡＭ' } }],
    });
    expect(restRejected).toMatchObject({ ErrorCode: 80001 });
    // A custom message's description is filtered too; its data is not.
    const custom = fan.createCustomMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { data: 'scam', description: 'big Scam', extension: '' } });
    expect(await code(fan.sendMessage(custom))).toBe(80001);

    // Mask: matches become ***, the rest is kept.
    expect(await code(send(fan, groupID, 'you IDIOT, ｉｄｉｏｔ and 白\u200B痴!'))).toBe(0);
    const maskedText = await waitForMessage(host, inbox, (m) => m.type === TIM.TYPES.MSG_TEXT);
    expect(maskedText.payload).toEqual({ text: 'you ***, *** and ***!' });
    const desc = fan.createCustomMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { data: 'idiot', description: 'gift for an idiot', extension: 'e' } });
    expect(await code(fan.sendMessage(desc))).toBe(0);
    const maskedCustom = await waitForMessage(host, inbox, (m) => m.type === TIM.TYPES.MSG_CUSTOM);
    expect(maskedCustom.payload).toEqual({ data: 'idiot', description: 'gift for an ***', extension: 'e' });
    const restMasked = await rest(t, 'group_open_http_svc/send_group_msg', {
      GroupId: groupID,
      From_Account: 'bot',
      Random: 2,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: '白痴 bot' } }],
    });
    expect(restMasked).toMatchObject({ ErrorCode: 0 });
    const fromBot = await waitForMessage(host, inbox, (m) => m.from === 'bot');
    expect(fromBot.payload).toEqual({ text: '*** bot' });
    // Only the messages that passed reached the room.
    expect(inbox.filter((m) => m.type === TIM.TYPES.MSG_TEXT || m.type === TIM.TYPES.MSG_CUSTOM)).toHaveLength(3);

    // Deleting the list on this node applies to the next message.
    expect(await rest(t, 'stadium_admin/delete_word_list', { Name: 'banned' })).toMatchObject({ ErrorCode: 0 });
    if (TEST_WORKERS === 1) expect(await code(send(fan, groupID, 'scam'))).toBe(0);
    for (const c of [host, fan]) await c.logout();
  });

  it.skipIf(TEST_WORKERS > 1)('runs before the before-send callback: it sees the masked text, and never a rejected message', async () => {
    await using f = await startCallbackFixture({ Commands: ['Group.CallbackBeforeSendMsg'] });
    const { t, receiver } = f;
    await rest(t, 'stadium_admin/set_word_list', { Name: 'banned', Action: 'reject', Words: ['scam'] });
    await rest(t, 'stadium_admin/set_word_list', { Name: 'insults', Action: 'mask', Words: ['idiot'] });
    await createRoom(t, 'live-w');
    const alice = await member(t, 'alice', 'live-w');
    expect(await alice.request('msg.send', { groupID: 'live-w', message: text('m1', 'SCAM') })).toMatchObject({ code: 80001 });
    expect(await alice.request('msg.send', { groupID: 'live-w', message: text('m2', 'you idiot') })).toMatchObject({ code: 0 });
    const before = await receiver.next((cb) => cb.command === 'Group.CallbackBeforeSendMsg');
    expect(before.body.MsgBody).toEqual([{ MsgType: 'TIMTextElem', MsgContent: { Text: 'you ***' } }]);
    expect(receiver.received.filter((cb) => cb.command === 'Group.CallbackBeforeSendMsg')).toHaveLength(1);
    await alice.close();
  });
});

/**
 * History for late joiners and whole records, with real SDK clients against a real server: a
 * late joiner reads exactly the room's last N messages (getMessageList, oldest first, paged)
 * and then live ones, with no gap and no duplicate at the seam even while others keep sending;
 * history survives a restart; the whole record exports over REST as JSON lines in order.
 */
import { describe, expect, it } from 'vitest';
import TIM, { type Client, type Message } from '@stadium/sdk';
import { collectMessages, loggedInClient } from './support/events.js';
import { RawClient } from './support/raw-client.js';
import { rest } from './support/rest.js';
import { startTestStadium, type TestStadium } from './support/stadium.js';

async function send(c: Client, groupID: string, text: string): Promise<number> {
  const result = await c.sendMessage(c.createTextMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text } }));
  return result.data.message.sequence;
}

/** Every page of a room's history, oldest first, and the pages' sizes. */
async function readHistory(c: Client, groupID: string, count?: number): Promise<{ messages: Message[]; pages: number[] }> {
  const pages: number[] = [];
  let messages: Message[] = [];
  let nextReqMessageID: string | undefined;
  for (;;) {
    const { data } = await c.getMessageList({ conversationID: `GROUP${groupID}`, ...(nextReqMessageID ? { nextReqMessageID } : {}), ...(count ? { count } : {}) });
    pages.push(data.messageList.length);
    messages = [...data.messageList, ...messages];
    if (data.isCompleted) return { messages, pages };
    nextReqMessageID = data.nextReqMessageID;
  }
}

const texts = (messages: Message[]): string[] => messages.map((m) => (m.payload as { text: string }).text);

/** The record export as raw JSON lines. */
async function exportRecord(t: TestStadium, body: Record<string, unknown>): Promise<{ contentType: string; lines: Array<{ seq: number; payload: { text: string } }> }> {
  const admin = t.app.adminUserId;
  const query = `sdkappid=${t.app.sdkAppId}&identifier=${admin}&usersig=${encodeURIComponent(t.sig(admin))}&random=1&contenttype=json`;
  const response = await fetch(`${t.url}/v4/stadium_admin/export_group_record?${query}`, { method: 'POST', body: JSON.stringify(body) });
  const text = await response.text();
  const lines =
    text === ''
      ? []
      : text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as { seq: number; payload: { text: string } });
  return { contentType: response.headers.get('content-type') ?? '', lines };
}

describe('room history', () => {
  it('a late joiner reads exactly the last N, then live messages, with no gap or duplicate at the seam', async () => {
    await using t = await startTestStadium();
    const host = await loggedInClient(t, 'host');
    const { group } = (await host.createGroup({ name: 'class', type: TIM.TYPES.GRP_AVCHATROOM })).data;
    const groupID = group.groupID;
    await host.joinGroup({ groupID });
    expect((await host.updateRoomSettings({ groupID, historySize: 5, rateLimitPerSec: 1000, memberTips: false })).data.settings).toMatchObject({
      historySize: 5,
      keepRecord: false,
    });
    const sent: number[] = [];
    for (let i = 0; i < 12; i++) sent.push(await send(host, groupID, `m${i}`));

    // Two senders keep going while the late joiner joins.
    const other = await loggedInClient(t, 'other');
    await other.joinGroup({ groupID });
    const sending = (async () => {
      for (let i = 12; i < 42; i++) sent.push(await send(i % 2 === 0 ? host : other, groupID, `m${i}`));
    })();
    const late = await loggedInClient(t, 'late');
    const live = collectMessages(late);
    await late.joinGroup({ groupID });
    await sending;
    const tail = await send(host, groupID, 'last');
    sent.push(tail);
    await expect.poll(() => live.some((m) => m.sequence === tail)).toBe(true);

    const { messages: history, pages } = await readHistory(late, groupID, 2);
    expect(pages).toEqual([2, 2, 1]);
    const historySeqs = history.map((m) => m.sequence);
    const liveSeqs = live.filter((m) => m.type === TIM.TYPES.MSG_TEXT).map((m) => m.sequence);
    expect(history).toHaveLength(5);
    // Oldest first, every message once, and together exactly every message sent from the oldest kept on.
    expect([...historySeqs].sort((a, b) => a - b)).toEqual(historySeqs);
    const both = [...historySeqs, ...liveSeqs];
    expect(new Set(both).size).toBe(both.length);
    const all = [...sent].sort((a, b) => a - b);
    expect(both).toEqual(all.slice(all.indexOf(historySeqs[0]!)));
    // The history is the last five before the first live message.
    const seam = all.indexOf(liveSeqs[0]!);
    expect(historySeqs).toEqual(all.slice(seam - 5, seam));
    expect(texts(history)[0]).toMatch(/^m\d+$/);

    // An unknown cursor is refused with a clear error.
    await expect(late.getMessageList({ conversationID: `GROUP${groupID}`, nextReqMessageID: 'nope' })).rejects.toMatchObject({ code: 10004 });
  });

  it('answers an empty, completed list while the room keeps no history (the compatible behaviour)', async () => {
    await using t = await startTestStadium();
    const host = await loggedInClient(t, 'host');
    const { group } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data;
    await host.joinGroup({ groupID: group.groupID });
    await send(host, group.groupID, 'hello');
    const late = await loggedInClient(t, 'late');
    await late.joinGroup({ groupID: group.groupID });
    expect((await late.getMessageList({ conversationID: `GROUP${group.groupID}` })).data).toEqual({ messageList: [], nextReqMessageID: '', isCompleted: true });
    // A guest (no login) that joined reads history too, once the room keeps it.
    await host.updateRoomSettings({ groupID: group.groupID, historySize: 3 });
    await send(host, group.groupID, 'kept');
    const guest = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
    guest.setLogLevel(4);
    await guest.joinGroup({ groupID: group.groupID });
    expect(texts((await guest.getMessageList({ conversationID: `GROUP${group.groupID}` })).data.messageList)).toEqual(['kept']);
    // Only the owner (or the app admin) sets it, within its bounds.
    await expect(late.updateRoomSettings({ groupID: group.groupID, historySize: 10 })).rejects.toMatchObject({ code: 10007 });
    await expect(host.updateRoomSettings({ groupID: group.groupID, historySize: 1001 })).rejects.toMatchObject({ code: 10004 });
  });

  it('survives a restart, and the whole record exports over REST as JSON lines in order', async () => {
    await using t = await startTestStadium();
    const host = await loggedInClient(t, 'host');
    const { group } = (await host.createGroup({ name: 'board', type: TIM.TYPES.GRP_AVCHATROOM })).data;
    const groupID = group.groupID;
    await host.joinGroup({ groupID });
    const set = await rest(t, 'stadium_admin/set_group_history', { GroupId: groupID, HistorySize: 3, KeepRecord: true });
    expect(set).toMatchObject({ ActionStatus: 'OK', HistorySize: 3, KeepRecord: true });
    await host.updateRoomSettings({ groupID, rateLimitPerSec: 1000 });
    const sent: number[] = [];
    for (let i = 0; i < 8; i++) sent.push(await send(host, groupID, `stroke ${i}`));
    await host.destroy();
    await t.restart();

    const late = await loggedInClient(t, 'late');
    await late.joinGroup({ groupID });
    expect(texts((await readHistory(late, groupID)).messages)).toEqual(['stroke 5', 'stroke 6', 'stroke 7']);

    const whole = await exportRecord(t, { GroupId: groupID });
    expect(whole.contentType).toMatch(/^application\/x-ndjson/);
    expect(whole.lines.map((l) => l.seq)).toEqual(sent);
    expect(whole.lines.map((l) => l.payload.text)).toEqual(Array.from({ length: 8 }, (_, i) => `stroke ${i}`));
    // Paged by sequence: after the third message, at most two lines.
    const page = await exportRecord(t, { GroupId: groupID, AfterSeq: sent[2], Limit: 2 });
    expect(page.lines.map((l) => l.seq)).toEqual([sent[3], sent[4]]);

    // Refusals come as the envelope.
    expect(await rest(t, 'stadium_admin/export_group_record', { GroupId: 'no-such-room' })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10010 });
    expect(await rest(t, 'stadium_admin/export_group_record', { GroupId: groupID, Limit: 0 })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10004 });
    expect(await rest(t, 'stadium_admin/set_group_history', { GroupId: groupID, HistorySize: 1001 })).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10004 });
  });

  it('every role that joined reads the history (history.read); one that did not join is refused', async () => {
    await using t = await startTestStadium();
    const connect = async (userId: string | null): Promise<RawClient> => {
      const c = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
      if (userId !== null) expect((await c.request('login', { userID: userId, userSig: t.sig(userId) })).code).toBe(0);
      return c;
    };
    const owner = await connect('owner');
    const created = (await owner.request('group.create', { name: 'walk', type: 'AVChatRoom' })) as { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    expect((await owner.request('group.settings', { groupID, historySize: 2 })).code).toBe(0);
    expect((await owner.request('group.role', { groupID, userID: 'admin', role: 'Admin' })).code).toBe(0);
    expect((await owner.request('group.join', { groupID })).code).toBe(0);
    for (const text of ['a', 'b', 'c'])
      expect((await owner.request('msg.send', { groupID, message: { type: 'TIMTextElem', payload: { text }, priority: 'Normal', id: `id-${text}` } })).code).toBe(0);
    const clients = { appAdmin: await connect(t.app.adminUserId), owner, admin: await connect('admin'), member: await connect('member'), guest: await connect(null) };
    const outsider = await connect('outsider');
    expect(await outsider.request('msg.history', { groupID })).toMatchObject({ code: 10007, name: 'NOT_GROUP_MEMBER' });
    for (const [role, c] of Object.entries(clients)) {
      if (role !== 'owner') expect((await c.request('group.join', { groupID })).code).toBe(0);
      const answer = (await c.request('msg.history', { groupID })) as { code: number; data: { messages: Array<{ payload: { text: string } }>; isCompleted: boolean } };
      expect(answer.code, role).toBe(0);
      expect(
        answer.data.messages.map((m) => m.payload.text),
        role,
      ).toEqual(['b', 'c']);
      expect(answer.data.isCompleted).toBe(true);
    }
    expect(await clients.member.request('msg.history', { groupID, count: 101 })).toMatchObject({ code: 10004 });
    expect(await clients.member.request('msg.history', { groupID, toSeq: -1 })).toMatchObject({ code: 10004 });
  });

  it('a room dismissed and created again under the same ID starts with no history', async () => {
    await using t = await startTestStadium();
    const host = await loggedInClient(t, 'host');
    const groupID = 'history-again';
    for (const round of [1, 2]) {
      await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM, groupID });
      await host.joinGroup({ groupID });
      await host.updateRoomSettings({ groupID, historySize: 5, keepRecord: true });
      const late = await loggedInClient(t, `late${round}`);
      await late.joinGroup({ groupID });
      expect((await late.getMessageList({ conversationID: `GROUP${groupID}` })).data.messageList, `round ${round}`).toEqual([]);
      await send(host, groupID, `round ${round}`);
      await host.dismissGroup(groupID);
      await late.destroy();
    }
  });
});

/**
 * Issue 12, item 1: the resume window survives a restart. A member that drops and comes back
 * within the window gets every missed message exactly once, in order, before live ones — even
 * when the server stopped and started again in between; a member away longer than the window
 * is told the range it missed.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrame, WireMessage } from '@stadium/protocol';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { RawClient } from './support/raw-client.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

type Res = ServerFrame & { t: 'res' };
interface Joined {
  code: number;
  data: { lastSeq: number; resumed?: boolean; missed?: { fromSeq: number; toSeq: number } };
}

async function connect(t: TestStadium, userID: string): Promise<RawClient> {
  const client = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
  expect((await client.request('login', { userID, userSig: t.sig(userID) })).code).toBe(0);
  return client;
}

/** Sequence numbers of the room's messages in `frames`, in the order received. */
function seqsOf(frames: readonly ServerFrame[], groupID: string): number[] {
  return frames.flatMap((f) => (f.t === 'msgs' && f.g === groupID ? f.m.map((m: WireMessage) => m.seq) : []));
}

function send(client: RawClient, groupID: string, text: string): Promise<Res> {
  return client.request('msg.send', { groupID, message: { id: text, type: 'TIMTextElem', payload: { text }, priority: 'High' } });
}

async function sendAll(client: RawClient, groupID: string, texts: readonly string[]): Promise<number[]> {
  const seqs: number[] = [];
  for (const text of texts) {
    const res = (await send(client, groupID, text)) as Res & { code: number; data: { seq: number } };
    expect(res.code).toBe(0);
    seqs.push(res.data.seq);
  }
  return seqs;
}

const texts = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('resume window across a restart', () => {
  it('a member that dropped before a clean restart gets exactly what it missed, in order, before live ones, complete', async () => {
    await using t = await startTestStadium();
    let host = await connect(t, 'host');
    const created = (await host.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as Res & {
      data: { group: { groupID: string } };
    };
    const groupID = created.data.group.groupID;
    expect((await host.request('group.join', { groupID })).code).toBe(0);
    const member = await connect(t, 'member');
    expect((await member.request('group.join', { groupID })).code).toBe(0);

    const seen = await sendAll(host, groupID, texts('before', 5));
    await member.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === seen.at(-1)));
    expect(seqsOf(member.frames, groupID)).toEqual(seen);
    await member.close();

    const missed = await sendAll(host, groupID, texts('missed', 7));
    expect(missed).toEqual(Array.from({ length: 7 }, (_, i) => seen.at(-1)! + 1 + i));
    await host.close();
    await t.restart();

    const back = await connect(t, 'member');
    const joined = (await back.request('group.join', { groupID, sinceSeq: seen.at(-1)! })) as Res & Joined;
    expect(joined.code).toBe(0);
    expect(joined.data.lastSeq).toBe(missed.at(-1));
    expect(joined.data.resumed).toBe(true);
    expect(joined.data.missed).toBeUndefined();
    const answerAt = back.frames.indexOf(joined);
    expect(seqsOf(back.frames.slice(0, answerAt), groupID)).toEqual(missed);
    const resent = back.frames.flatMap((f) => (f.t === 'msgs' && f.g === groupID ? f.m.map((m: WireMessage) => (m.payload as { text: string }).text) : []));
    expect(resent).toEqual(texts('missed', 7));

    host = await connect(t, 'host');
    expect((await host.request('group.join', { groupID })).code).toBe(0);
    const [live] = await sendAll(host, groupID, ['live']);
    expect(live).toBe(missed.at(-1)! + 1);
    await back.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === live));
    expect(seqsOf(back.frames, groupID)).toEqual([...missed, live]);
    expect(seqsOf(back.frames.slice(answerAt), groupID)).toEqual([live]);
    await host.close();
    await back.close();
    // A restart of `stadium start --workers 2` (cluster project) takes most of the default timeout.
  }, 90_000);

  it.skipIf(TEST_WORKERS > 1)('a member away longer than resumeWindowMs is told the range it missed and gets the rest', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ resumeWindowMs: 60_000 }, { clock });
    const host = await connect(t, 'host');
    const created = (await host.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as Res & {
      data: { group: { groupID: string } };
    };
    const groupID = created.data.group.groupID;
    expect((await host.request('group.join', { groupID })).code).toBe(0);
    const [first] = await sendAll(host, groupID, ['seen']);
    const old = await sendAll(host, groupID, texts('old', 3));
    clock.advance(30_000);
    const recent = await sendAll(host, groupID, texts('recent', 2));
    clock.advance(30_001);

    const member = await connect(t, 'member');
    const joined = (await member.request('group.join', { groupID, sinceSeq: first! })) as Res & Joined;
    expect(joined.code).toBe(0);
    expect(joined.data.resumed).toBe(false);
    expect(joined.data.missed).toEqual({ fromSeq: old[0], toSeq: old.at(-1) });
    expect(seqsOf(member.frames, groupID)).toEqual(recent);
    await member.close();
    await host.close();
  });
});

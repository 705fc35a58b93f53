/**
 * The seam of a join: a member gets every message numbered after its join answer's `lastSeq`,
 * even one whose batch reached the member's node before the member was added there. With a
 * zero batch window the room's authority publishes a joiner's own join tip while it is still
 * answering the join, so the tip's batch is fanned out before the join's continuation adds
 * the member: the catch-up at the seam is what delivers it.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@stadium/protocol';
import { RawClient } from './support/raw-client.js';
import { startTestStadium } from './support/stadium.js';

describe('the seam of a join', () => {
  it('delivers what was numbered after the join answer but fanned out before the member was added', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    const host = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    expect((await host.request('login', { userID: 'host', userSig: t.sig('host') })).code).toBe(0);
    const created = (await host.request('group.create', { name: 'seam', type: 'AVChatRoom' })) as { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    expect((await host.request('group.join', { groupID })).code).toBe(0);

    const fan = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    expect((await fan.request('login', { userID: 'fan', userSig: t.sig('fan') })).code).toBe(0);
    const joined = (await fan.request('group.join', { groupID })) as { data: { lastSeq: number } };
    // The fan's own join tip is the first message after its seam, and the host's next message the second.
    expect((await host.request('msg.send', { groupID, message: { id: 'after-seam', type: 'TIMTextElem', payload: { text: 'hi' }, priority: 'Normal', random: 1 } })).code).toBe(0);
    const seqs = (): number[] => fan.frames.flatMap((f: ServerFrame) => (f.t === 'msgs' ? f.m.map((m) => m.seq) : []));
    await fan.next((f) => f.t === 'msgs' && JSON.stringify(f).includes('after-seam'));
    expect(seqs()).toEqual([joined.data.lastSeq + 1, joined.data.lastSeq + 2]);
  });
});

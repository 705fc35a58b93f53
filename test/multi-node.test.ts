/**
 * A room whose members sit on different processes behaves as one room: one sequence, one
 * budget, one member count; every member gets every message exactly once, in order. This runs
 * in the `cluster` test project only, against a real 2-worker node, and checks that the
 * clients really are spread over both (multi-node-in-process.test.ts runs three nodes in one
 * process, on a manual clock, for the single project).
 */
import { describe, expect, it } from 'vitest';
import type { WireMessage } from '@stadium/protocol';
import { RawClient } from './support/raw-client.js';
import { TEST_WORKERS, startTestStadium } from './support/stadium.js';

describe('one room over several processes', () => {
  it('sequences, limits and counts once for members on every worker', async () => {
    await using t = await startTestStadium({ batchWindowMs: 20 });
    const clients = await Promise.all(Array.from({ length: 8 }, () => RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`)));
    const nodes = new Set(clients.map((c) => (c.frames[0] as { node: string }).node));
    expect(nodes.size).toBe(TEST_WORKERS);

    const senders = clients.slice(0, 4);
    await Promise.all(senders.map((c, i) => c.request('login', { userID: `u${i}`, userSig: t.sig(`u${i}`) })));
    const created = (await senders[0]!.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { rateLimitPerSec: 20, memberTips: false } })) as {
      data: { group: { groupID: string } };
    };
    const groupID = created.data.group.groupID;
    for (const c of clients) expect((await c.request('group.join', { groupID })).code).toBe(0);
    expect(await clients[7]!.request('group.online', { groupID })).toMatchObject({ code: 0, data: { memberCount: 8 } });

    // 4 senders on different workers offer 40 messages at once to a room that admits 20/s.
    const began = Date.now();
    const results = await Promise.all(
      senders.flatMap((c, s) =>
        Array.from({ length: 10 }, (_, i) =>
          c.request('msg.send', { groupID, message: { id: `s${s}m${i}`, type: 'TIMTextElem', payload: { text: 'x' }, priority: 'Normal', random: i } }),
        ),
      ),
    );
    const admitted = results.filter((r) => r.code === 0);
    // Real time: the burst of 20 (less Normal's 10 % reserve), plus at most what the elapsed time refilled.
    expect(admitted.length).toBeGreaterThanOrEqual(18);
    expect(admitted.length).toBeLessThanOrEqual(Math.ceil(20 * (1 + (Date.now() - began) / 1000)));
    expect(results.filter((r) => r.code !== 0).every((r) => r.code === 10023)).toBe(true);
    const seqs = admitted.map((r) => (r as { data: { seq: number } }).data.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(seqs.length);

    const last = seqs[seqs.length - 1]!;
    await Promise.all(clients.map((c) => c.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === last))));
    for (const c of clients) {
      const got: WireMessage[] = c.frames.flatMap((f) => (f.t === 'msgs' ? f.m : []));
      expect(got.map((m) => m.seq)).toEqual(seqs);
    }

    await clients[7]!.close();
    await expect.poll(async () => ((await clients[0]!.request('group.online', { groupID })) as { data: { memberCount: number } }).data.memberCount).toBe(7);
    await Promise.all(clients.slice(0, 7).map((c) => c.close()));
  });
});

/**
 * Three nodes in one process over one in-memory bus (one LocalBus per node on a shared hub) and one store, as three machines of a
 * deployment would be: a room whose members sit on every node is one room. Every message sent
 * on any node reaches every member on every node exactly once, in order; the room's authority
 * decides its rate, its numbers and its count for the room as a whole. Time is a manual clock,
 * so the rate limit's counts are exact.
 */
import { describe, expect, it } from 'vitest';
import type { WireMessage } from '@stadium/protocol';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { startNodes } from './support/nodes.js';
import { RawClient } from './support/raw-client.js';

const NODES = ['n0', 'n1', 'n2'];

describe('three nodes over one in-memory bus', () => {
  it('deliver every message to members on every node exactly once, in order, under one room-wide budget', async () => {
    const clock = new ManualClock(Date.now());
    await using nodes = await startNodes(NODES, clock);
    const { app, sig, servers: running } = nodes;
    // Two clients per node: a logged-in sender and a guest.
    const clients: RawClient[] = [];
    for (const server of running) for (let i = 0; i < 2; i++) clients.push(await RawClient.connect(server.url, `sdkappid=${app.sdkAppId}&v=1`));
    expect(clients.map((c) => (c.frames[0] as { node: string }).node)).toEqual(['n0', 'n0', 'n1', 'n1', 'n2', 'n2']);
    const senders = [clients[0]!, clients[2]!, clients[4]!];
    for (const [i, c] of senders.entries()) expect((await c.request('login', { userID: `u${i}`, userSig: sig(`u${i}`) })).code).toBe(0);

    const created = (await senders[0]!.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { rateLimitPerSec: 10, memberTips: false } })) as {
      data: { group: { groupID: string } };
    };
    const groupID = created.data.group.groupID;
    for (const c of clients) expect((await c.request('group.join', { groupID })).code).toBe(0);
    for (const c of clients) expect(await c.request('group.online', { groupID })).toMatchObject({ code: 0, data: { memberCount: 6 } });

    // 30 High messages offered from three nodes; the room admits 10 (its whole bucket) and the
    // clock does not move, so exactly 10 get through and 20 are shed, wherever they were sent.
    const results = await Promise.all(
      senders.flatMap((c, s) =>
        Array.from({ length: 10 }, (_, i) =>
          c.request('msg.send', { groupID, message: { id: `s${s}m${i}`, type: 'TIMTextElem', payload: { text: 'x' }, priority: 'High', random: i } }),
        ),
      ),
    );
    const admitted = results.filter((r) => r.code === 0);
    expect(admitted).toHaveLength(10);
    expect(results.filter((r) => r.code !== 0).map((r) => r.code)).toEqual(Array.from({ length: 20 }, () => 10023));
    const seqs = admitted.map((r) => (r as { data: { seq: number } }).data.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => seqs[0]! + i));

    const last = seqs[seqs.length - 1]!;
    await Promise.all(clients.map((c) => c.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === last))));
    for (const c of clients) {
      const got: WireMessage[] = c.frames.flatMap((f) => (f.t === 'msgs' ? f.m : []));
      expect(got.map((m) => m.seq)).toEqual(seqs);
    }

    // A settings change made through node 2 holds on every node at once.
    expect((await senders[2]!.request('group.settings', { groupID, rateLimitPerSec: 5 })).code).toBe(10007);
    expect((await senders[0]!.request('group.settings', { groupID, rateLimitPerSec: 5 })).code).toBe(0);
    for (const c of clients) expect(await c.request('group.get', { groupID })).toMatchObject({ data: { group: { settings: { rateLimitPerSec: 5 } } } });

    // Members leaving any node are counted out of the one total.
    await clients[5]!.close();
    await clients[1]!.close();
    await expect.poll(async () => ((await clients[2]!.request('group.online', { groupID })) as { data: { memberCount: number } }).data.memberCount).toBe(4);
    await Promise.all(clients.map((c) => c.close()));
  });
});

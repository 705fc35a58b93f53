/**
 * A client that stops reading must not grow server memory or hold up anyone else: its
 * backlog is bounded, the lowest priorities go first, and it is closed with 4008 while a
 * fast member in the same room receives every message.
 */
import { describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { RawClient } from './support/raw-client.js';
import { startTestStadium } from './support/stadium.js';

describe('slow consumers', () => {
  it('drops a stalled member’s low-priority backlog, then closes it, while others get everything', async () => {
    await using t = await startTestStadium({
      socketHighWaterBytes: 16_384,
      maxPendingBytes: 65_536,
      slowConsumerTimeoutMs: 1000,
      batchWindowMs: 5,
      // The flood makes the room's fan-out late, and a late room samples Low away at its
      // authority (lag-degrade.test.ts): that would leave no Low for the backlog to drop.
      fanoutLagTargetMs: 1_000_000_000,
      // The host sends far faster than any real client; its request budget is not under test here.
      requestsPerSec: 1_000_000,
      requestBurst: 1_000_000,
      maxRequestsInFlight: 1000,
    });
    const connect = async (): Promise<RawClient> => RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    const host = await connect();
    expect((await host.request('login', { userID: 'host', userSig: t.sig('host') })).code).toBe(0);
    const created = (await host.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { rateLimitPerSec: 100_000, memberTips: false } })) as {
      data: { group: { groupID: string } };
    };
    const groupID = created.data.group.groupID;
    const fast = await connect();
    const stalled = await connect();
    for (const c of [host, fast, stalled]) expect((await c.request('group.join', { groupID })).code).toBe(0);
    (stalled.ws as unknown as { _socket: Socket })._socket.pause();

    const body = 'x'.repeat(8000);
    const total = 3000;
    // Messages the room broadcast: accepted and not sampled away (a room whose fan-out runs late
    // under this flood may sample lower priorities at its authority; their senders are told).
    const broadcast: string[] = [];
    for (let start = 0; start < total; start += 250) {
      const ids = Array.from({ length: Math.min(250, total - start) }, (_, i) => `m${start + i}`);
      const burst = ids.map((id, i) =>
        host.request('msg.send', {
          groupID,
          message: { id, type: 'TIMTextElem', payload: { text: body }, priority: (start + i) % 2 ? 'Low' : 'Normal', random: 1 },
        }),
      );
      const answers = (await Promise.all(burst)) as unknown as { code: number; data?: { sampled?: true } }[];
      answers.forEach((r, i) => {
        if (r.code === 0 && r.data?.sampled !== true) broadcast.push(ids[i]!);
      });
      if (stalled.closeCode === null && (await metric(t.url, 'stadium_slow_consumer_closes_total')) > 0) break;
    }
    await expect.poll(() => metric(t.url, 'stadium_slow_consumer_closes_total'), { timeout: 10_000 }).toBe(1);
    expect(await metric(t.url, 'stadium_slow_consumer_drops_total{priority="Low"}')).toBeGreaterThan(0);
    await fast.next((f) => f.t === 'msgs' && f.m.some((m) => m.id === broadcast.at(-1)));
    const got = fast.frames.flatMap((f) => (f.t === 'msgs' ? f.m.map((m) => m.id) : []));
    expect(new Set(got)).toEqual(new Set(broadcast));
    expect(got).toHaveLength(broadcast.length);
    await expect.poll(() => metric(t.url, 'stadium_connections'), { timeout: 5000 }).toBe(2);
    await Promise.all([host.close(), fast.close()]);
  });
});

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

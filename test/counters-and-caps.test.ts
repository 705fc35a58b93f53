/**
 * Big-room delivery: counters arrive as aggregates, not taps, and a per-member downstream cap
 * keeps what members receive per second bounded — High always gets through, the rest is a
 * fair sample, and every sampled sender is told.
 */
import { describe, expect, it } from 'vitest';
import TIM from '@stadium/sdk';
import { RawClient } from './support/raw-client.js';
import { startTestStadium } from './support/stadium.js';

describe('group counters', () => {
  it('aggregates taps into a few GROUP_COUNTER_UPDATED events with the total', async () => {
    await using t = await startTestStadium({ counterPushMs: 200 });
    const make = () => {
      const c = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
      c.setLogLevel(4);
      return c;
    };
    const host = make();
    const fan = make();
    const guest = make();
    await host.login({ userID: 'host', userSig: t.sig('host') });
    await fan.login({ userID: 'fan', userSig: t.sig('fan') });
    const { groupID } = (await host.createGroup({ name: 'live', type: 'AVChatRoom' })).data.group;
    for (const c of [host, fan, guest]) await c.joinGroup({ groupID });
    const updates: Array<{ key: string; value: number }> = [];
    guest.on(TIM.EVENT.GROUP_COUNTER_UPDATED, (e: { data: { groupID: string; key: string; value: number } }) => {
      expect(e.data.groupID).toBe(groupID);
      updates.push(e.data);
    });

    const taps = await Promise.all(Array.from({ length: 50 }, () => fan.increaseGroupCounter({ groupID, key: 'likes', value: 1 })));
    expect(Math.max(...taps.map((r) => r.data.value))).toBe(50);
    await expect.poll(() => updates.at(-1)?.value, { timeout: 5000 }).toBe(50);
    expect(updates.length).toBeLessThanOrEqual(3);
    expect((await guest.getGroupCounters({ groupID })).data.counters).toEqual({ likes: 50 });
    await expect(guest.increaseGroupCounter({ groupID, key: 'likes', value: 1 })).rejects.toMatchObject({ code: 2999 });
    await host.setGroupCounters({ groupID, counters: { viewers: 1200 } });
    await expect.poll(() => updates.some((u) => u.key === 'viewers' && u.value === 1200), { timeout: 5000 }).toBe(true);
    await expect(fan.increaseGroupCounter({ groupID, key: 'x'.repeat(129), value: 1 })).rejects.toMatchObject({ code: 10004 });
    for (const c of [host, fan, guest]) await c.destroy();
  });
});

describe('downstream cap', () => {
  it('delivers every High and a sample of the rest, and tells sampled senders', async () => {
    await using t = await startTestStadium({ batchWindowMs: 100 });
    const host = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    await host.request('login', { userID: 'host', userSig: t.sig('host') });
    const created = (await host.request('group.create', {
      name: 'big',
      type: 'AVChatRoom',
      settings: { rateLimitPerSec: 1000, memberTips: false, downstreamCapPerSec: 5 },
    })) as { data: { group: { groupID: string; settings: { downstreamCapPerSec: number } } } };
    const { groupID } = created.data.group;
    expect(created.data.group.settings.downstreamCapPerSec).toBe(5);
    await host.request('group.join', { groupID });
    const viewer = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    await viewer.request('group.join', { groupID });

    const send = (id: string, priority: string) =>
      host.request('msg.send', { groupID, message: { id, type: 'TIMTextElem', payload: { text: id }, priority, random: 1 } }) as Promise<{
        code: number;
        data: { seq: number; sampled?: boolean };
      }>;
    const low = await Promise.all(Array.from({ length: 40 }, (_, i) => send(`low${i}`, 'Low')));
    const high = await Promise.all(Array.from({ length: 5 }, (_, i) => send(`high${i}`, 'High')));
    expect([...low, ...high].every((r) => r.code === 0)).toBe(true);
    expect(high.every((r) => !r.data.sampled && r.data.seq > 0)).toBe(true);
    const sampled = low.filter((r) => r.data.sampled);
    expect(sampled.length).toBeGreaterThanOrEqual(30);
    expect(sampled.every((r) => r.data.seq === 0)).toBe(true);

    await viewer.next((f) => f.t === 'msgs' && f.m.some((m) => m.id === 'high4'));
    const got = viewer.frames.flatMap((f) => (f.t === 'msgs' ? f.m : []));
    expect(got.filter((m) => m.id.startsWith('high'))).toHaveLength(5);
    expect(got.filter((m) => m.id.startsWith('low'))).toHaveLength(40 - sampled.length);
    expect(got.map((m) => m.seq)).toEqual(got.map((_, i) => got[0]!.seq + i));
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`stadium_downstream_sampled_total\\{priority="Low"\\} ${sampled.length}`));
    await Promise.all([host.close(), viewer.close()]);
  });

  it('marks sampled messages in the SDK', async () => {
    await using t = await startTestStadium({ batchWindowMs: 100 });
    const host = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
    host.setLogLevel(4);
    await host.login({ userID: 'host', userSig: t.sig('host') });
    const { groupID } = (await host.createGroup({ name: 'big', type: 'AVChatRoom', settings: { rateLimitPerSec: 1000, memberTips: false, downstreamCapPerSec: 2 } })).data.group;
    await host.joinGroup({ groupID });
    const sent = await Promise.all(
      Array.from({ length: 20 }, (_, i) => host.sendMessage(host.createTextMessage({ to: groupID, conversationType: 'GROUP', priority: 'Low', payload: { text: `tap ${i}` } }))),
    );
    const sampled = sent.map((r) => r.data.message).filter((m) => m.isSampled);
    expect(sampled.length).toBeGreaterThanOrEqual(15);
    expect(sampled.every((m) => m.sequence === 0 && m.status === 'success')).toBe(true);
    await host.destroy();
  });
});

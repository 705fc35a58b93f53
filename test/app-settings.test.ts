/**
 * Per-app settings and app deletion reach a running server: `stadium app update` changes
 * the default rate of the app's rooms, and `stadium app delete` ends its sessions.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../packages/server/src/cli/main.js';
import { testIo } from '../packages/server/src/cli/test-io.js';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { RawClient } from './support/raw-client.js';
import { TEST_WORKERS, startTestStadium } from './support/stadium.js';

describe('app settings on a running server', () => {
  it('applies an app rate change to loaded rooms, and a deletion to open sessions', async () => {
    // In-process the server runs on a manual clock (the watcher polls when the test says so,
    // and the bucket does not refill behind the test's back); a multi-process node runs in real time.
    const clock = new ManualClock(Date.now());
    const manual = TEST_WORKERS === 1;
    await using t = await startTestStadium({ appRefreshMs: 100, batchWindowMs: 20 }, { clock });
    const host = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    expect((await host.request('login', { userID: 'host', userSig: t.sig('host') })).code).toBe(0);
    const created = (await host.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    await host.request('group.join', { groupID });
    const sendBurst = async (tag: string, n: number): Promise<number> => {
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          host.request('msg.send', { groupID, message: { id: `${tag}${i}`, type: 'TIMTextElem', payload: { text: 'x' }, priority: 'High', random: i } }),
        ),
      );
      return results.filter((r) => r.code === 0).length;
    };

    const io = testIo();
    expect(await main(['app', 'update', '--sdkappid', String(t.app.sdkAppId), '--rate-limit', '3', '--data', t.dataDir], io.io)).toBe(0);
    // Wait for the change to reach the room (the watcher polls every 100 ms).
    await expect
      .poll(async () => {
        if (manual) clock.advance(100);
        return ((await host.request('group.get', { groupID })) as { data: { group: { settings: { rateLimitPerSec: number } } } }).data.group.settings.rateLimitPerSec;
      })
      .toBe(3);
    const began = Date.now();
    const admitted = await sendBurst('a', 20);
    // The bucket keeps its fill fraction (full) at the new rate: 3, plus what real time refills.
    if (manual) expect(admitted).toBe(3);
    else expect(admitted).toBeLessThanOrEqual(Math.ceil(3 * (1 + (Date.now() - began) / 1000)));

    expect(await main(['app', 'delete', '--sdkappid', String(t.app.sdkAppId), '--data', t.dataDir], testIo().io)).toBe(0);
    const kicked = host.next((f) => f.t === 'kick');
    if (manual) clock.advance(100);
    const kick = await kicked;
    expect(kick).toMatchObject({ t: 'kick', name: 'UNKNOWN_APP' });
    await host.closed();
    expect(host.closeCode).toBe(4011);
    // Every worker of a multi-process node notices the deletion within appRefreshMs; from then on
    // a new connection is refused as an unknown app.
    await expect
      .poll(async () => {
        if (manual) clock.advance(100);
        const late = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
        await late.closed();
        return late.closeCode;
      })
      .toBe(4004);
  });

  it('rejects bad update flags clearly', async () => {
    await using t = await startTestStadium();
    const io = testIo();
    expect(await main(['app', 'update', '--sdkappid', String(t.app.sdkAppId), '--rate-limit', '0', '--data', t.dataDir], io.io)).toBe(2);
    expect(await main(['app', 'update', '--sdkappid', String(t.app.sdkAppId), '--member-tips', 'maybe', '--data', t.dataDir], io.io)).toBe(2);
    expect(await main(['app', 'update', '--sdkappid', '1400000001', '--rate-limit', '5', '--data', t.dataDir], io.io)).toBe(1);
    expect(io.stderr()).toMatch(/60006 APP_NOT_FOUND/);
  });
});

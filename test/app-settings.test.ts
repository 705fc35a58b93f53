/**
 * Per-app settings and app deletion reach a running server: `stadium app update` changes
 * the default rate of the app's rooms, and `stadium app delete` ends its sessions.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../packages/server/src/cli/main.js';
import { testIo } from '../packages/server/src/cli/test-io.js';
import { RawClient } from './support/raw-client.js';
import { startTestStadium } from './support/stadium.js';

describe('app settings on a running server', () => {
  it('applies an app rate change to loaded rooms, and a deletion to open sessions', async () => {
    await using t = await startTestStadium({ appRefreshMs: 100, batchWindowMs: 20 });
    const host = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    expect((await host.request('login', { userID: 'host', userSig: t.sig('host') })).code).toBe(0);
    const created = (await host.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    await host.request('group.join', { groupID });
    const sendBurst = async (tag: string, n: number): Promise<number> => {
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => host.request('msg.send', { groupID, message: { id: `${tag}${i}`, type: 'TIMTextElem', payload: { text: 'x' }, priority: 'High', random: i } })),
      );
      return results.filter((r) => r.code === 0).length;
    };

    const io = testIo();
    expect(await main(['app', 'update', '--sdkappid', String(t.app.sdkAppId), '--rate-limit', '3', '--data', t.dataDir], io.io)).toBe(0);
    await new Promise((r) => setTimeout(r, 1500)); // the watcher polls every 100 ms; let the old bucket drain too
    expect(await sendBurst('a', 20)).toBeLessThanOrEqual(4);

    expect(await main(['app', 'delete', '--sdkappid', String(t.app.sdkAppId), '--data', t.dataDir], testIo().io)).toBe(0);
    const kick = await host.next((f) => f.t === 'kick');
    expect(kick).toMatchObject({ t: 'kick', name: 'UNKNOWN_APP' });
    await host.closed();
    expect(host.closeCode).toBe(4011);
    const late = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    await late.closed();
    expect(late.closeCode).toBe(4004);
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

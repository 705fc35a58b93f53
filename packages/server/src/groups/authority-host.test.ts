import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { AppCache } from '../apps/app-cache.js';
import { authoritySubject } from '../bus/bus.js';
import { LocalBus } from '../bus/local-bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import { Metrics } from '../metrics/metrics.js';
import { MemoryStore } from '../storage/memory-store.js';
import { DEFAULT_APP_SETTINGS, type GroupRecord } from '../storage/store.js';
import { AuthorityHost } from './authority-host.js';

function host(store: MemoryStore, bus = new LocalBus()) {
  const clock = new ManualClock();
  const h = new AuthorityHost(
    { store, bus, clock, metrics: new Metrics({ defaultMetrics: false }), logger: pino({ level: 'silent' }), apps: new AppCache(store, clock) },
    { nodeId: 'n1', idleUnloadMs: 300_000, batchWindowMs: 0, batchWindowMaxMs: 0, fanoutWritesPerSec: 100_000, downstreamCapPerSec: 20, downstreamCapMinMembers: 1000, memberTipsPerSec: 10, resumeBufferSize: 10, seqReserve: 100 },
  );
  h.start();
  return { h, bus };
}

describe('AuthorityHost', () => {
  it('never reuses a sequence number after a crash, and leaves no gap after a clean unload', async () => {
    const store = new MemoryStore();
    const app = await store.createApp({ name: 'a', secretKey: 'k', adminUserId: 'administrator', createdAt: 0, settings: { ...DEFAULT_APP_SETTINGS } });
    const record: GroupRecord = {
      sdkAppId: app.sdkAppId, groupId: 'g', type: 'AVChatRoom', name: 'g', ownerId: 'o', introduction: '', notification: '',
      faceUrl: '', createdAt: 0, lastInfoAt: 0, muteAll: false, customFields: [], settings: { rateLimitPerSec: 100_000 }, nextSeq: 1, counters: {},
    };
    await store.createGroup(record);
    const send = async (bus: LocalBus, n: number): Promise<number> => {
      let last = 0;
      for (let i = 0; i < n; i++) {
        const reply = await bus.request(authoritySubject('n1'), {
          kind: 'submit', sdkAppId: app.sdkAppId, groupId: 'g',
          message: { id: `m${i}`, type: 'TIMTextElem', payload: { text: 'x' }, from: 'o', priority: 'Normal' },
        });
        if (!reply.ok) throw new Error(reply.error);
        last = reply.seq!;
      }
      return last;
    };

    const first = host(store);
    const lastBeforeCrash = await send(first.bus, 180); // renews the reservation past 150
    await new Promise((r) => setImmediate(r));
    // Crash: the first host is dropped without closing.
    const second = host(store);
    const afterCrash = await send(second.bus, 1);
    expect(afterCrash).toBeGreaterThan(lastBeforeCrash);

    const lastBeforeUnload = await send(second.bus, 5);
    await second.h.close();
    const third = host(store);
    expect(await send(third.bus, 1)).toBe(lastBeforeUnload + 1);
    await third.h.close();
    await first.h.close();
  });

  it('counts members over nodes and answers for unknown rooms with GROUP_NOT_FOUND', async () => {
    const store = new MemoryStore();
    const app = await store.createApp({ name: 'a', secretKey: 'k', adminUserId: 'administrator', createdAt: 0, settings: { ...DEFAULT_APP_SETTINGS } });
    await store.createGroup({
      sdkAppId: app.sdkAppId, groupId: 'g', type: 'AVChatRoom', name: 'g', ownerId: 'o', introduction: '', notification: '',
      faceUrl: '', createdAt: 0, lastInfoAt: 0, muteAll: false, customFields: [], settings: {}, nextSeq: 1, counters: {},
    });
    const { h, bus } = host(store);
    const members = (node: string, count: number) => bus.request(authoritySubject('n1'), { kind: 'members', sdkAppId: app.sdkAppId, groupId: 'g', node, count });
    expect(await members('a', 3)).toMatchObject({ ok: true, memberCount: 3 });
    expect(await members('b', 2)).toMatchObject({ ok: true, memberCount: 5 });
    expect(await members('a', 1)).toMatchObject({ ok: true, memberCount: 3 });
    h.nodeStarted('b');
    expect(await bus.request(authoritySubject('n1'), { kind: 'info', sdkAppId: app.sdkAppId, groupId: 'g' })).toMatchObject({ ok: true, memberCount: 1 });
    expect(await bus.request(authoritySubject('n1'), { kind: 'info', sdkAppId: app.sdkAppId, groupId: 'nope' })).toMatchObject({ ok: false, error: 'GROUP_NOT_FOUND' });
    await h.close();
  });
});

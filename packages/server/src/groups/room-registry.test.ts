import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { LocalBus } from '../bus/local-bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import { Metrics } from '../metrics/metrics.js';
import { MemoryStore } from '../storage/memory-store.js';
import { DEFAULT_APP_SETTINGS, type GroupRecord } from '../storage/store.js';
import { RoomRegistry } from './room-registry.js';

async function setup(store: MemoryStore) {
  const clock = new ManualClock();
  const registry = new RoomRegistry(
    { store, bus: new LocalBus(), clock, metrics: new Metrics({ defaultMetrics: false }), logger: pino({ level: 'silent' }) },
    { batchWindowMs: 0, memberTipsPerSec: 10, resumeBufferSize: 10, seqReserve: 100 },
  );
  return { clock, registry };
}

describe('RoomRegistry sequence numbers', () => {
  it('never reuses a sequence number after a crash, and leaves no gap after a clean unload', async () => {
    const store = new MemoryStore();
    const app = await store.createApp({ name: 'a', secretKey: 'k', adminUserId: 'administrator', createdAt: 0, settings: { ...DEFAULT_APP_SETTINGS } });
    const record: GroupRecord = {
      sdkAppId: app.sdkAppId, groupId: 'g', type: 'AVChatRoom', name: 'g', ownerId: 'o', introduction: '', notification: '',
      faceUrl: '', createdAt: 0, lastInfoAt: 0, muteAll: false, customFields: [], settings: { rateLimitPerSec: 100_000 }, nextSeq: 1,
    };
    await store.createGroup(record);
    const send = async (registry: RoomRegistry, n: number): Promise<number> => {
      const room = (await registry.get(app, 'g'))!;
      let last = 0;
      for (let i = 0; i < n; i++) last = (await room.sequencer.submit({ id: `m${i}`, type: 'TIMTextElem', payload: { text: 'x' }, from: 'o', priority: 'Normal' })).seq;
      return last;
    };

    const first = await setup(store);
    const lastBeforeCrash = await send(first.registry, 180); // renews the reservation past 150
    await new Promise((r) => setImmediate(r));
    // Crash: the registry is dropped without unloading.
    const second = await setup(store);
    const afterCrash = await send(second.registry, 1);
    expect(afterCrash).toBeGreaterThan(lastBeforeCrash);

    const lastBeforeUnload = await send(second.registry, 5);
    await second.registry.closeAll();
    const third = await setup(store);
    expect(await send(third.registry, 1)).toBe(lastBeforeUnload + 1);
  });
});

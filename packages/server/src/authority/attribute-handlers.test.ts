import { describe, expect, it } from 'vitest';
import { StadiumError } from '@stadium/protocol';
import { LocalBus } from '../bus/local-bus.js';
import { roomSubject, type BusMessage } from '../bus/bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import { noCallbacks } from '../core/app-callbacks.js';
import { MemoryStore } from '../storage/memory-store.js';
import { sampleApp, sampleGroup } from '../storage/store.contract.js';
import type { GroupPatch } from '../storage/store.js';
import { createAttributeHandler } from './attribute-handlers.js';
import type { RoomSequencer } from './room-sequencer.js';
import { RoomAuthority } from './room-authority.js';

/** A store whose group writes wait until released (an injected slow disk). */
class SlowStore extends MemoryStore {
  readonly waiting: Array<() => void> = [];
  override async updateGroup(sdkAppId: number, groupId: string, patch: GroupPatch) {
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return super.updateGroup(sdkAppId, groupId, patch);
  }
}

describe('the attributes command at the authority', () => {
  it('decides writes one at a time: of two sent on the same version while the store is slow, the second is a conflict', async () => {
    const store = new SlowStore();
    const bus = new LocalBus();
    const clock = new ManualClock();
    const created = await store.createApp(sampleApp());
    const app = { ...created, callbacks: noCallbacks() };
    const record = sampleGroup(app.sdkAppId, 'r', { ownerId: 'host', attributes: {}, attributesVersion: 0 });
    await store.createGroup(record);
    const room = new RoomAuthority(app, record, {} as RoomSequencer, 100, clock.now());
    const pushed: BusMessage[] = [];
    bus.subscribe(roomSubject(app.sdkAppId, 'r'), (m) => void pushed.push(m));
    const handle = createAttributeHandler({ store, bus, clock });
    const write = (userId: string, value: string) =>
      handle(room, { actor: { userId, kind: 'user' } as never, joined: true, request: { groupID: 'r', op: 'set', attributes: { turn: value }, version: 0 } });

    const first = write('alice', 'a');
    const second = write('bob', 'b');
    // Let both requests reach the store gate, then release every write.
    for (let i = 0; i < 10 && store.waiting.length === 0; i++) await Promise.resolve();
    while (store.waiting.length > 0) {
      store.waiting.shift()!();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    await expect(first).resolves.toEqual({ attributes: { turn: 'a' }, version: 1 });
    const refused = await second.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StadiumError);
    expect((refused as StadiumError).reason).toBe('ATTRIBUTES_CONFLICT');
    expect((await store.getGroup(app.sdkAppId, 'r'))?.attributes).toEqual({ turn: 'a' });
    expect(pushed.filter((m) => m.kind === 'attributes')).toHaveLength(1);
  });
});

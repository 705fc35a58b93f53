import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { StadiumError, type WireMessage } from '@stadium/protocol';
import { LocalBus } from '../bus/local-bus.js';
import { roomSubject, type BusMessage } from '../bus/bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import { noCallbacks } from '../core/app-callbacks.js';
import { MemoryStore } from '../storage/memory-store.js';
import { sampleApp, sampleGroup } from '../storage/store.contract.js';
import { encodeMessage } from '../wire/batch-entry.js';
import type { PinsRequest } from '@stadium/protocol';
import { PinKeeper } from './pin-handlers.js';
import type { RoomSequencer } from './room-sequencer.js';
import { RoomAuthority } from './room-authority.js';

const message = (seq: number): WireMessage => ({
  id: `m${seq}`,
  seq,
  type: 'TIMTextElem',
  payload: { text: `comment ${seq}` },
  from: 'fan',
  nick: 'Fan',
  time: 1_700_000_000 + seq,
  priority: 'Normal',
});

/** A sequencer whose resume buffer holds messages 1–5. */
const sequencer = { published: (seq: number) => (seq >= 1 && seq <= 5 ? encodeMessage(message(seq)) : undefined) } as unknown as RoomSequencer;

async function setup(maxPinnedMessages = 3) {
  const store = new MemoryStore();
  const bus = new LocalBus();
  const clock = new ManualClock();
  const created = await store.createApp(sampleApp());
  const app = { ...created, callbacks: noCallbacks() };
  const record = sampleGroup(app.sdkAppId, 'r', { ownerId: 'host', pinnedMessages: [] });
  await store.createGroup(record);
  const room = new RoomAuthority(app, record, sequencer, 100, clock.now());
  const pushed: BusMessage[] = [];
  bus.subscribe(roomSubject(app.sdkAppId, 'r'), (m) => void pushed.push(m));
  const keeper = new PinKeeper({ store, bus, clock, logger: pino({ level: 'silent' }), maxPinnedMessages });
  const as = (userId: string, request: { op: 'list' | 'pin' | 'unpin'; seq?: number; duration?: number }) =>
    keeper.handle(room, { actor: { userId, kind: 'user' } as never, joined: true, request: { groupID: 'r', ...request } as PinsRequest });
  const reason = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: unknown) => (e instanceof StadiumError ? e.reason : String(e)),
    );
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return { store, clock, room, pushed, keeper, as, reason, settle, app };
}

describe('pinned messages at the authority', () => {
  it('pins the message as published, refuses members, unknown messages and a fourth pin, and unpins', async () => {
    const { store, room, pushed, as, reason, app } = await setup();
    expect(await reason(as('fan', { op: 'pin', seq: 1 }))).toBe('NO_PERMISSION');
    expect(await reason(as('host', { op: 'pin', seq: 9 }))).toBe('PIN_MESSAGE_NOT_FOUND');
    const first = await as('host', { op: 'pin', seq: 2 });
    expect(first.pinnedMessages).toEqual([{ message: message(2), pinnedBy: 'host', pinnedAt: 1_700_000_000_000, expireAt: 0 }]);
    await as('host', { op: 'pin', seq: 3 });
    await as('host', { op: 'pin', seq: 4 });
    expect(await reason(as('host', { op: 'pin', seq: 5 }))).toBe('PIN_LIMIT');
    // Pinning a pinned message again is no new pin.
    expect((await as('host', { op: 'pin', seq: 3 })).pinnedMessages.map((p) => p.message.seq)).toEqual([2, 3, 4]);
    expect((await as('host', { op: 'unpin', seq: 3 })).pinnedMessages.map((p) => p.message.seq)).toEqual([2, 4]);
    expect(await reason(as('host', { op: 'unpin', seq: 3 }))).toBe('PIN_MESSAGE_NOT_FOUND');
    expect((await store.getGroup(app.sdkAppId, 'r'))?.pinnedMessages.map((p) => p.message.seq)).toEqual([2, 4]);
    expect(room.pins.map((p) => p.message.seq)).toEqual([2, 4]);
    const kinds = pushed.flatMap((m) => (m.kind === 'pins' ? [[m.operation, m.seq, m.pins.length]] : []));
    expect(kinds).toEqual([
      [1, 2, 1],
      [1, 3, 2],
      [1, 4, 3],
      [1, 3, 3],
      [2, 3, 2],
    ]);
  });

  it('a pin with a duration lapses by itself on the clock, is stored as gone and told as an unpin', async () => {
    const { store, clock, pushed, as, keeper, room, settle, app } = await setup();
    await as('host', { op: 'pin', seq: 1, duration: 60 });
    await as('host', { op: 'pin', seq: 2 });
    clock.advance(59_999);
    await settle();
    expect(keeper.current(room).map((p) => p.message.seq)).toEqual([1, 2]);
    clock.advance(1);
    await settle();
    expect(keeper.current(room).map((p) => p.message.seq)).toEqual([2]);
    expect((await store.getGroup(app.sdkAppId, 'r'))?.pinnedMessages.map((p) => p.message.seq)).toEqual([2]);
    const last = pushed.at(-1);
    expect(last).toMatchObject({ kind: 'pins', operation: 2, seq: 1 });
  });

  it('a room loaded again arms the expiry of its stored pins; disarm stops it', async () => {
    const { store, clock, as, app } = await setup();
    await as('host', { op: 'pin', seq: 1, duration: 10 });
    const record = (await store.getGroup(app.sdkAppId, 'r'))!;
    const bus = new LocalBus();
    const reloaded = new RoomAuthority({ ...(await store.getApp(app.sdkAppId))!, callbacks: noCallbacks() }, record, sequencer, 100, clock.now());
    const keeper = new PinKeeper({ store, bus, clock, logger: pino({ level: 'silent' }), maxPinnedMessages: 3 });
    keeper.arm(reloaded);
    expect(reloaded.pins).toHaveLength(1);
    clock.advance(10_000);
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(reloaded.pins).toHaveLength(0);
    expect((await store.getGroup(app.sdkAppId, 'r'))?.pinnedMessages).toEqual([]);
  });
});

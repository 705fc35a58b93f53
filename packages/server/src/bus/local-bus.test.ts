import { describe, expect, it } from 'vitest';
import { describeBusContract } from './bus.contract.js';
import type { BusMessage } from './bus.js';
import { LocalBus } from './local-bus.js';
import { LocalHub } from './local-hub.js';

describeBusContract('LocalBus (three nodes on one LocalHub)', (options) => {
  const hub = new LocalHub();
  const buses = [0, 1, 2].map(() => new LocalBus({ ...options, hub }));
  return {
    buses,
    drop: (index) => buses[index]!.close(),
    settle: () => new Promise((resolve) => setImmediate(resolve)),
    close: async () => {
      for (const bus of buses) await bus.close();
    },
  };
});

describe('LocalBus', () => {
  it('publishes synchronously, handing every subscriber the very message object', () => {
    const bus = new LocalBus();
    const got: BusMessage[] = [];
    bus.subscribe('room.a', (m) => got.push(m));
    bus.subscribe('room.a', (m) => got.push(m));
    const message: BusMessage = { kind: 'room-closed', sdkAppId: 1, groupId: 'a' };
    bus.publish('room.a', message);
    expect(got).toHaveLength(2);
    expect(got[0]).toBe(message);
    expect(got[1]).toBe(message);
  });

  it('hands the handler the very request object and the caller the very result', async () => {
    const bus = new LocalBus();
    const request = { cmd: 'info', sdkAppId: 1, groupId: 'a', body: {} } as const;
    const result = { lastSeq: 1 };
    bus.serve('authority.n', async (r) => (expect(r).toBe(request), result));
    await expect(bus.request('authority.n', request)).resolves.toBe(result);
  });

  it('still serves several nodes as one shared bus, as before hubs', async () => {
    const shared = new LocalBus();
    const got: string[] = [];
    for (const node of ['n0', 'n1', 'n2']) shared.subscribe('room.a', () => got.push(node));
    shared.serve('authority.n1', async () => 'n1');
    shared.publish('room.a', { kind: 'room-closed', sdkAppId: 1, groupId: 'a' });
    expect(got).toEqual(['n0', 'n1', 'n2']);
    await expect(shared.request('authority.n1', { cmd: 'info', sdkAppId: 1, groupId: 'a', body: {} })).resolves.toBe('n1');
  });

  it('works without any option, on the system clock', async () => {
    const bus = new LocalBus();
    bus.serve('authority.n', async () => 1);
    await expect(bus.request('authority.n', { cmd: 'info', sdkAppId: 1, groupId: 'a', body: {} })).resolves.toBe(1);
    await bus.close();
  });
});

import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { AppCache } from '../apps/app-cache.js';
import { authoritySubject } from '../bus/bus.js';
import { LocalBus } from '../bus/local-bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import type { ActorStamp } from '../core/actor.js';
import { Metrics } from '../metrics/metrics.js';
import { MemoryStore } from '../storage/memory-store.js';
import { sampleGroup } from '../storage/store.contract.js';
import { DEFAULT_APP_SETTINGS } from '../storage/store.js';
import type { AuthorityRequest } from '../wire/authority-commands.js';
import { testHostOptions } from '../testing/host-options.js';
import { AuthorityHost } from './authority-host.js';

const member: ActorStamp = { userId: 'm', kind: 'user', origin: 'ws', platform: 'Web', clientIp: '' };

/** Let promise chains (store calls, bus replies) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function deployment() {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const app = await store.createApp({ name: 'a', secretKey: 'k', adminUserId: 'administrator', createdAt: 0, settings: { ...DEFAULT_APP_SETTINGS } });
  await store.createGroup(sampleGroup(app.sdkAppId, 'g', { ownerId: 'o', settings: { rateLimitPerSec: 100_000 } }));
  // Where the room belongs, and whether each node is in touch, as the membership would say.
  const state = {
    owner: 'n1',
    connected: new Map([
      ['n1', true],
      ['n2', true],
    ]),
  };
  const host = (nodeId: string) => {
    const bus = new LocalBus({ clock });
    const metrics = new Metrics({ defaultMetrics: false });
    const h = new AuthorityHost(
      {
        store,
        bus,
        clock,
        metrics,
        logger: pino({ level: 'silent' }),
        apps: new AppCache(store, clock),
        placement: { owns: () => state.owner === nodeId, connected: () => state.connected.get(nodeId)! },
      },
      {
        ...testHostOptions(nodeId),
        leaseMs: 3000,
        leaseRenewMs: 1000,
      },
    );
    h.start();
    let n = 0;
    const send = async (): Promise<number> => {
      const request = {
        cmd: 'submit',
        sdkAppId: app.sdkAppId,
        groupId: 'g',
        body: { actor: member, message: { id: `${nodeId}-${n++}`, type: 'TIMTextElem', payload: { text: 'x' }, from: 'm', priority: 'Normal' } },
      } as AuthorityRequest;
      return ((await bus.request(authoritySubject(nodeId), request)) as { seq: number }).seq;
    };
    /** Lease counters of the node's /metrics: acquired, lost by reason. */
    const leases = async (): Promise<{ acquired: number; taken: number; lapsed: number }> => {
      const lost = (await metrics.leasesLost.get()).values;
      const by = (reason: string): number => lost.find((v) => v.labels.reason === reason)?.value ?? -1;
      return { acquired: (await metrics.leasesAcquired.get()).values[0]?.value ?? -1, taken: by('taken'), lapsed: by('lapsed') };
    };
    return { host: h, send, leases };
  };
  return { store, clock, app, state, n1: host('n1'), n2: host('n2') };
}

describe('AuthorityHost room leases', () => {
  it('a cut-off authority stops acting before its lease lapses; the next node takes the room after it and numbers above the old reservation', async () => {
    const { store, clock, app, state, n1, n2 } = await deployment();
    for (let i = 1; i <= 5; i++) expect(await n1.send()).toBe(i);

    // n1 loses NATS; the others move the room to n2.
    state.connected.set('n1', false);
    state.owner = 'n2';
    const taken = n2.send();
    let settled = false;
    void taken.finally(() => (settled = true)).catch(() => undefined);
    clock.advance(1000);
    await settle();
    // n1 has not renewed, but its lease still runs: n2 waits; n1, cut off, decides nothing.
    expect(settled).toBe(false);
    await expect(n1.send()).rejects.toMatchObject({ reason: 'SERVICE_UNAVAILABLE' });
    expect(n1.host.size).toBe(1);
    clock.advance(1000);
    await settle();
    // Past leaseMs − leaseRenewMs without renewal: n1 dropped the room, before its lease lapsed.
    expect(n1.host.size).toBe(0);
    expect(settled).toBe(false);
    clock.advance(1000);
    await settle();
    // The lease lapsed: n2 holds the room at a new epoch and numbers above n1's block.
    expect(await taken).toBe(101);
    expect(await n2.send()).toBe(102);
    // n1's epoch is fenced off in the store.
    expect(await store.reserveSeqFenced(app.sdkAppId, 'g', 10, 1)).toBe(0);
    // In /metrics: each node acquired the lease once; n1 lost it by not renewing it in time.
    expect(await n1.leases()).toEqual({ acquired: 1, taken: 0, lapsed: 1 });
    expect(await n2.leases()).toEqual({ acquired: 1, taken: 0, lapsed: 0 });
    await n1.host.close();
    await n2.host.close();
  });

  it('a room moved while both nodes are connected is given back at once, and numbering continues without a gap', async () => {
    const { clock, state, n1, n2 } = await deployment();
    for (let i = 1; i <= 3; i++) expect(await n1.send()).toBe(i);
    state.owner = 'n2';
    n1.host.rebalance();
    await settle();
    expect(n1.host.size).toBe(0);
    expect(await n2.send()).toBe(4);
    // n2 renews while connected: the lease stays its own over time.
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await settle();
    }
    expect(await n2.send()).toBe(5);
    await n1.host.close();
    await n2.host.close();
  });
});

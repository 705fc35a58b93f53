/** Idempotent sends at the room's authority: one message per sender and client message ID. */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { AppCache } from '../apps/app-cache.js';
import { authoritySubject, roomSubject, type BusMessage } from '../bus/bus.js';
import { LocalBus } from '../bus/local-bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import type { ActorStamp } from '../core/actor.js';
import { Metrics } from '../metrics/metrics.js';
import { MemoryStore } from '../storage/memory-store.js';
import { sampleGroup } from '../storage/store.contract.js';
import { DEFAULT_APP_SETTINGS } from '../storage/store.js';
import type { AuthorityCommands, AuthorityRequest, UnsequencedMessage } from '../wire/authority-commands.js';
import { refusal } from '../testing/refusal.js';
import { StadiumError } from '@stadium/protocol';
import type { AdmissionStep } from './admission.js';
import { testHostOptions } from '../testing/host-options.js';
import { AuthorityHost, type AuthorityHostOptions } from './authority-host.js';
import { RecentSends, messageIdKey } from './recent-sends.js';

const member: ActorStamp = { userId: 'm', kind: 'user', origin: 'ws', platform: 'Web', clientIp: '' };
const other: ActorStamp = { userId: 'n', kind: 'user', origin: 'ws', platform: 'Web', clientIp: '' };
const admin: ActorStamp = { userId: 'administrator', kind: 'app-admin', origin: 'rest', platform: 'RESTAPI', clientIp: '' };

const text = (id: string, from = 'm', body = id): UnsequencedMessage => ({ id, type: 'TIMTextElem', payload: { text: body }, from, priority: 'Normal', random: 7 });

/** A before-send-like step that waits until the test lets it go (or refuses). */
function gate(): { step: AdmissionStep; entered: () => number; open: () => void; refuse: () => void } {
  let entered = 0;
  let release: (() => void) | null = null;
  let fail: ((e: Error) => void) | null = null;
  let opened = false;
  return {
    step: {
      name: 'gate',
      run: () => {
        entered++;
        if (opened) return;
        return new Promise<void>((resolve, reject) => {
          release = resolve;
          fail = reject;
        });
      },
    },
    entered: () => entered,
    open: () => {
      opened = true;
      release?.();
    },
    refuse: () => fail?.(new StadiumError('CALLBACK_REJECTED', 'no')),
  };
}

async function setup(options: Partial<AuthorityHostOptions> = {}, steps?: AdmissionStep[], store = new MemoryStore(), historySize = 0) {
  let app = (await store.listApps())[0];
  if (!app) {
    app = await store.createApp({ name: 'a', secretKey: 'k', adminUserId: 'administrator', createdAt: 0, settings: { ...DEFAULT_APP_SETTINGS } });
    await store.createGroup(sampleGroup(app.sdkAppId, 'g', { ownerId: 'o', settings: { rateLimitPerSec: 100_000, historySize } }));
  }
  const bus = new LocalBus();
  const clock = new ManualClock();
  const metrics = new Metrics({ defaultMetrics: false });
  const host = new AuthorityHost(
    { store, bus, clock, metrics, logger: pino({ level: 'silent' }), apps: new AppCache(store, clock), ...(steps ? { admissionSteps: steps } : {}) },
    {
      ...testHostOptions(),
      ...options,
    },
  );
  host.start();
  const published: Array<{ id: string; seq: number }> = [];
  bus.subscribe(roomSubject(app.sdkAppId, 'g'), (m: BusMessage) => {
    if (m.kind === 'batch') for (const e of m.entries) published.push({ id: (JSON.parse(e.json) as { id: string }).id, seq: e.seq });
  });
  const submit = async (body: AuthorityCommands['submit']['req']) => {
    const request = { cmd: 'submit', sdkAppId: app.sdkAppId, groupId: 'g', body } as AuthorityRequest;
    return (await bus.request(authoritySubject('n1'), request)) as AuthorityCommands['submit']['res'];
  };
  return { store, app, host, clock, metrics, published, submit };
}

describe('idempotent sends at the authority', () => {
  it('answers a resend with the same client message ID with the first answer and publishes once', async () => {
    const n = await setup();
    const first = await n.submit({ actor: member, message: text('c-1') });
    const again = await n.submit({ actor: member, message: text('c-1', 'm', 'changed body') });
    expect(again).toEqual(first);
    expect(first).toMatchObject({ id: 'c-1' });
    expect(first.seq).toBeGreaterThan(0);
    // Another sender may use the same ID: a different message.
    const theirs = await n.submit({ actor: other, message: text('c-1', 'n') });
    expect(theirs.seq).toBe(first.seq + 1);
    expect(n.published).toEqual([
      { id: 'c-1', seq: first.seq },
      { id: 'c-1', seq: first.seq + 1 },
    ]);
    expect((await n.metrics.duplicateSends.get()).values[0]?.value).toBe(1);
    await n.host.close();
  });

  it('makes a duplicate that arrives during a slow admission step wait for the first, and publishes one message', async () => {
    const g = gate();
    const n = await setup({}, [g.step]);
    const first = n.submit({ actor: member, message: text('slow') });
    const second = n.submit({ actor: member, message: text('slow') });
    await expect.poll(() => g.entered()).toBe(1);
    g.open();
    const [a, b] = await Promise.all([first, second]);
    expect(b).toEqual(a);
    expect(g.entered()).toBe(1);
    expect(n.published).toEqual([{ id: 'slow', seq: a.seq }]);
    await n.host.close();
  });

  it('gives a duplicate during admission the same refusal, then lets a retry through', async () => {
    const g = gate();
    const n = await setup({}, [g.step]);
    const first = refusal(n.submit({ actor: member, message: text('r') }));
    const second = refusal(n.submit({ actor: member, message: text('r') }));
    await expect.poll(() => g.entered()).toBe(1);
    g.refuse();
    expect(await first).toBe('CALLBACK_REJECTED');
    expect(await second).toBe('CALLBACK_REJECTED');
    g.open();
    const retried = await n.submit({ actor: member, message: text('r') });
    expect(retried.seq).toBeGreaterThan(0);
    expect(n.published).toEqual([{ id: 'r', seq: retried.seq }]);
    await n.host.close();
  });

  it('answers a resend of a message held for review with the same hold, not a second one', async () => {
    const holdStep: AdmissionStep = {
      name: 'hold',
      run: (ctx) => {
        ctx.hold = true;
      },
    };
    const n = await setup({}, [holdStep]);
    const first = await n.submit({ actor: member, message: text('held') }).catch((e: StadiumError) => e.message);
    const again = await n.submit({ actor: member, message: text('held') }).catch((e: StadiumError) => e.message);
    expect(first).toMatch(/holdID h-/);
    expect(again).toBe(first);
    expect(await n.store.listHeldMessages(n.app.sdkAppId, 'g')).toHaveLength(1);
    await n.host.close();
  });

  it('forgets a send after dedupeWindowMs', async () => {
    const n = await setup({ dedupeWindowMs: 1000 });
    const first = await n.submit({ actor: member, message: text('w') });
    n.clock.advance(999);
    expect((await n.submit({ actor: member, message: text('w') })).seq).toBe(first.seq);
    n.clock.advance(1);
    expect((await n.submit({ actor: member, message: text('w') })).seq).toBe(first.seq + 1);
    await n.host.close();
  });

  it('keys REST sends by sender and Random, the same mechanism', async () => {
    const n = await setup();
    const first = await n.submit({ actor: admin, message: { ...text('rest-a', 'administrator'), random: 42 }, dedupeByRandom: true });
    const again = await n.submit({ actor: admin, message: { ...text('rest-b', 'administrator'), random: 42 }, dedupeByRandom: true });
    expect(again).toEqual(first);
    expect(n.published.map((p) => p.id)).toEqual(['rest-a']);
    await n.host.close();
  });

  it('rebuilds the recent IDs from the kept history when another authority loads the room', async () => {
    const store = new MemoryStore();
    const a = await setup({}, undefined, store, 50);
    const first = await a.submit({ actor: member, message: text('across') });
    const rest = await a.submit({ actor: admin, message: { ...text('rest-x', 'administrator'), random: 9 }, dedupeByRandom: true });
    await a.host.close(); // writes the history
    const b = await setup({}, undefined, store);
    expect(await b.submit({ actor: member, message: text('across') })).toEqual({ seq: first.seq, time: first.time, id: 'across' });
    expect((await b.submit({ actor: admin, message: { ...text('rest-y', 'administrator'), random: 9 }, dedupeByRandom: true })).seq).toBe(rest.seq);
    expect(b.published).toEqual([]);
    await b.host.close();
  });
});

describe('RecentSends', () => {
  it('holds at most maxKeys, forgetting the oldest', () => {
    const sends = new RecentSends({ windowMs: 60_000, maxKeys: 2 });
    for (const id of ['a', 'b', 'c']) sends.remember([messageIdKey('u', id)], Promise.resolve({ seq: 1, time: 0 }), 0);
    expect(sends.size).toBe(2);
    expect(sends.find([messageIdKey('u', 'a')], 0)).toBeUndefined();
    expect(sends.find([messageIdKey('u', 'c')], 0)).toBeDefined();
  });
});

import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { GROUP_SYSTEM_NOTICE, StadiumError, type GroupSystemNoticePayload, type WireMessage } from '@stadium/protocol';
import { AppCache } from '../apps/app-cache.js';
import { authoritySubject, roomSubject, type BusMessage } from '../bus/bus.js';
import { LocalBus } from '../bus/local-bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import type { ActorStamp } from '../core/actor.js';
import type { AppRecord } from '../core/records.js';
import { Metrics } from '../metrics/metrics.js';
import { MemoryStore } from '../storage/memory-store.js';
import { sampleGroup } from '../storage/store.contract.js';
import { DEFAULT_APP_SETTINGS } from '../storage/store.js';
import type { AuthorityCommandName, AuthorityCommands, AuthorityRequest, UnsequencedMessage } from '../wire/authority-commands.js';
import { refusal } from '../testing/refusal.js';
import type { AdmissionStep } from './admission.js';
import { testHostOptions } from '../testing/host-options.js';
import { AuthorityHost } from './authority-host.js';

const owner: ActorStamp = { userId: 'o', kind: 'user', origin: 'ws', platform: 'Web', clientIp: '' };
const member: ActorStamp = { userId: 'm', kind: 'user', origin: 'ws', platform: 'Web', clientIp: '' };
const other: ActorStamp = { userId: 'x', kind: 'user', origin: 'ws', platform: 'Web', clientIp: '' };

const text = (body: string, id = body): UnsequencedMessage => ({ id, type: 'TIMTextElem', payload: { text: body }, from: 'm', priority: 'Normal' });

/** Stands in for the word filter: holds a text with "spam" in it. */
const holdStep: AdmissionStep = {
  name: 'word-filter',
  run(ctx) {
    if ((ctx.message.payload as { text?: string }).text?.includes('spam')) ctx.hold = true;
  },
};

/** Stands in for the before-send callback: marks what it saw, so a test sees when it ran. */
function callbackStep(seen: string[]): AdmissionStep {
  return {
    name: 'before-send',
    run(ctx) {
      const t = (ctx.message.payload as { text: string }).text;
      seen.push(t);
      if (t.includes('refuse')) throw new StadiumError('CALLBACK_REJECTED');
      ctx.message = { ...ctx.message, payload: { text: `${t} (checked)` } };
    },
  };
}

async function setup() {
  const store = new MemoryStore();
  const app: AppRecord = await store.createApp({ name: 'a', secretKey: 'k', adminUserId: 'administrator', createdAt: 0, settings: { ...DEFAULT_APP_SETTINGS } });
  await store.createGroup(sampleGroup(app.sdkAppId, 'g', { ownerId: 'o', settings: { rateLimitPerSec: 100_000 } }));
  return { store, app };
}

function node(store: MemoryStore, app: AppRecord, options: { reviewQueueMax?: number; clock?: ManualClock } = {}) {
  const clock = options.clock ?? new ManualClock();
  const bus = new LocalBus();
  const seen: string[] = [];
  const host = new AuthorityHost(
    {
      store,
      bus,
      clock,
      metrics: new Metrics({ defaultMetrics: false }),
      logger: pino({ level: 'silent' }),
      apps: new AppCache(store, clock),
      admissionSteps: [holdStep, callbackStep(seen)],
    },
    {
      ...testHostOptions(),
      reviewQueueMax: options.reviewQueueMax ?? 500,
      reviewHoldMs: 60_000,
    },
  );
  host.start();
  const published: WireMessage[] = [];
  const direct: Array<{ userIds: readonly string[]; payload: GroupSystemNoticePayload }> = [];
  bus.subscribe(roomSubject(app.sdkAppId, 'g'), (m: BusMessage) => {
    if (m.kind === 'batch') for (const e of m.entries) published.push(JSON.parse(e.json) as WireMessage);
    if (m.kind === 'direct') for (const e of m.entries) direct.push({ userIds: m.userIds, payload: (JSON.parse(e.json) as WireMessage).payload as GroupSystemNoticePayload });
  });
  const call = async <C extends AuthorityCommandName>(cmd: C, body: AuthorityCommands[C]['req']): Promise<AuthorityCommands[C]['res']> =>
    (await bus.request(authoritySubject('n1'), { cmd, sdkAppId: app.sdkAppId, groupId: 'g', body } as AuthorityRequest)) as AuthorityCommands[C]['res'];
  const settle = () => new Promise((r) => setImmediate(r));
  return { host, bus, clock, call, published, direct, seen, settle };
}

/** The hold ID a MESSAGE_HELD refusal names. */
async function heldId(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StadiumError);
  expect((error as StadiumError).reason).toBe('MESSAGE_HELD');
  const id = /holdID (h-[0-9a-f-]+)/.exec((error as StadiumError).message)?.[1];
  expect(id).toBeDefined();
  return id!;
}

describe('review queue at the authority', () => {
  it('holds a message, tells the owner, publishes nothing and skips the later steps until approval', async () => {
    const { store, app } = await setup();
    const n = node(store, app);
    const holdId = await heldId(n.call('submit', { actor: member, message: text('buy spam') }));
    await n.settle();
    expect(n.published).toEqual([]);
    expect(n.seen).toEqual([]);
    expect(n.direct).toEqual([
      {
        userIds: ['o'],
        payload: expect.objectContaining({
          operationType: GROUP_SYSTEM_NOTICE.REVIEW_HELD,
          operatorID: 'm',
          holdID: holdId,
          heldMessage: expect.objectContaining({ payload: { text: 'buy spam' } }),
        }),
      },
    ]);
    expect((await store.listHeldMessages(app.sdkAppId, 'g')).map((h) => h.holdId)).toEqual([holdId]);
    // A message without a review word goes straight through.
    expect((await n.call('submit', { actor: member, message: text('hello') })).seq).toBeGreaterThan(0);
    await n.host.close();
  });

  it('lets owners and admins list and decide, nobody else', async () => {
    const { store, app } = await setup();
    const n = node(store, app);
    const holdId = await heldId(n.call('submit', { actor: member, message: text('spam 1') }));
    expect(await refusal(n.call('reviewQueue', { actor: member }))).toBe('NO_PERMISSION');
    expect(await refusal(n.call('review', { actor: other, holdId, action: 'Approve' }))).toBe('NO_PERMISSION');
    const { held } = await n.call('reviewQueue', { actor: owner });
    expect(held).toEqual([expect.objectContaining({ holdId, message: expect.objectContaining({ id: 'spam 1', from: 'm' }), expiresAt: held[0]!.heldAt + 60 })]);
    // An admin may too.
    await n.call('role', { actor: owner, member: { userId: 'x', nick: '', avatar: '' }, admin: true });
    expect((await n.call('reviewQueue', { actor: other })).held).toHaveLength(1);
    await n.host.close();
  });

  it('approve runs the rest of the pipeline and publishes a new message in order; the sender and reviewers hear the outcome', async () => {
    const { store, app } = await setup();
    const n = node(store, app);
    const first = await n.call('submit', { actor: member, message: text('before') });
    const holdId = await heldId(n.call('submit', { actor: member, message: text('spam ok') }));
    const result = await n.call('review', { actor: owner, holdId, action: 'Approve' });
    expect(result.seq).toBe(first.seq + 1);
    await n.settle();
    expect(n.seen).toEqual(['before', 'spam ok']);
    expect(n.published.map((m) => [m.seq, (m.payload as { text: string }).text])).toEqual([
      [first.seq, 'before (checked)'],
      [first.seq + 1, 'spam ok (checked)'],
    ]);
    expect(n.direct.at(-1)).toEqual({
      userIds: ['m', 'o'],
      payload: expect.objectContaining({ operationType: GROUP_SYSTEM_NOTICE.REVIEW_RESULT, holdID: holdId, reviewAction: 'Approve', seq: result.seq }),
    });
    expect(await store.listHeldMessages(app.sdkAppId, 'g')).toEqual([]);
    expect(await refusal(n.call('review', { actor: owner, holdId, action: 'Approve' }))).toBe('HOLD_NOT_FOUND');
    await n.host.close();
  });

  it('deny drops it; a refusal after the filter keeps it held', async () => {
    const { store, app } = await setup();
    const n = node(store, app);
    const denied = await heldId(n.call('submit', { actor: member, message: text('spam no') }));
    expect(await n.call('review', { actor: owner, holdId: denied, action: 'Deny' })).toEqual({ seq: 0, time: expect.any(Number) });
    const refused = await heldId(n.call('submit', { actor: member, message: text('spam refuse') }));
    expect(await refusal(n.call('review', { actor: owner, holdId: refused, action: 'Approve' }))).toBe('CALLBACK_REJECTED');
    await n.settle();
    expect(n.published).toEqual([]);
    expect(n.direct.filter((d) => d.payload.operationType === GROUP_SYSTEM_NOTICE.REVIEW_RESULT).map((d) => [d.payload.holdID, d.payload.reviewAction])).toEqual([
      [denied, 'Deny'],
    ]);
    expect((await n.call('reviewQueue', { actor: owner })).held.map((h) => h.holdId)).toEqual([refused]);
    await n.host.close();
  });

  it('is bounded per room', async () => {
    const { store, app } = await setup();
    const n = node(store, app, { reviewQueueMax: 2 });
    await heldId(n.call('submit', { actor: member, message: text('spam a') }));
    const b = await heldId(n.call('submit', { actor: member, message: text('spam b') }));
    expect(await refusal(n.call('submit', { actor: member, message: text('spam c') }))).toBe('REVIEW_QUEUE_FULL');
    await n.call('review', { actor: owner, holdId: b, action: 'Deny' });
    await heldId(n.call('submit', { actor: member, message: text('spam c') }));
    expect((await store.listHeldMessages(app.sdkAppId, 'g')).map((h) => (h.message.payload as { text: string }).text)).toEqual(['spam a', 'spam c']);
    await n.host.close();
  });

  it('expires held messages on the injected clock', async () => {
    const { store, app } = await setup();
    const n = node(store, app);
    const holdId = await heldId(n.call('submit', { actor: member, message: text('spam late') }));
    n.clock.advance(59_999);
    expect((await n.call('reviewQueue', { actor: owner })).held).toHaveLength(1);
    n.clock.advance(1);
    expect((await n.call('reviewQueue', { actor: owner })).held).toEqual([]);
    expect(await store.listHeldMessages(app.sdkAppId, 'g')).toEqual([]);
    expect(await refusal(n.call('review', { actor: owner, holdId, action: 'Approve' }))).toBe('HOLD_NOT_FOUND');
    await n.host.close();
  });

  it('survives a change of authority: the next authority loads the queue from the store', async () => {
    const { store, app } = await setup();
    const clock = new ManualClock();
    const first = node(store, app, { clock });
    const stale = await heldId(first.call('submit', { actor: member, message: text('spam stale') }));
    clock.advance(30_000);
    const holdId = await heldId(first.call('submit', { actor: member, message: text('spam kept') }));
    await first.host.close();
    // The first one expires while no authority holds the room: the next one drops it on load.
    clock.advance(30_000);
    const second = node(store, app, { clock });
    expect((await second.call('reviewQueue', { actor: owner })).held.map((h) => h.holdId)).toEqual([holdId]);
    await second.settle();
    expect((await store.listHeldMessages(app.sdkAppId, 'g')).map((h) => h.holdId)).toEqual([holdId]);
    expect(await refusal(second.call('review', { actor: owner, holdId: stale, action: 'Approve' }))).toBe('HOLD_NOT_FOUND');
    const { seq } = await second.call('review', { actor: owner, holdId, action: 'Approve' });
    await second.settle();
    expect(second.published.map((m) => [m.seq, m.from])).toEqual([[seq, 'm']]);
    await second.host.close();
  });
});

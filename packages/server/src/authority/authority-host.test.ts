import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { type Priority } from '@stadium/protocol';
import { AppCache } from '../apps/app-cache.js';
import { authoritySubject, roomSubject, type Bus, type BusMessage } from '../bus/bus.js';
import { LocalBus } from '../bus/local-bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import type { ActorStamp } from '../core/actor.js';
import type { AppRecord } from '../core/records.js';
import { Metrics } from '../metrics/metrics.js';
import { MemoryStore } from '../storage/memory-store.js';
import { sampleGroup } from '../storage/store.contract.js';
import { DEFAULT_APP_SETTINGS } from '../storage/store.js';
import type { AuthorityCommandName, AuthorityCommands, AuthorityRequest, UnsequencedMessage } from '../wire/authority-commands.js';
import { testHostOptions } from '../testing/host-options.js';
import { AuthorityHost } from './authority-host.js';
import { HISTORY_WRITE_WINDOW_MS } from './room-history.js';
import { refusal } from '../testing/refusal.js';

const owner: ActorStamp = { userId: 'o', kind: 'user', origin: 'ws', platform: 'Web', clientIp: '' };
const member: ActorStamp = { userId: 'm', kind: 'user', origin: 'ws', platform: 'Web', clientIp: '' };
const guest: ActorStamp = { userId: null, kind: 'guest', origin: 'ws', platform: 'Web', clientIp: '' };
const admin: ActorStamp = { userId: 'administrator', kind: 'app-admin', origin: 'rest', platform: 'RESTAPI', clientIp: '' };

const text = (id: string, from = 'm', priority: Priority = 'Normal'): UnsequencedMessage => ({ id, type: 'TIMTextElem', payload: { text: id }, from, priority });

/** Ask the authority of `room` over the bus, as a node's router would. */
class Caller {
  constructor(readonly bus: Bus) {}
  async call<C extends AuthorityCommandName>(
    room: { sdkAppId: number; groupId: string; authority: string },
    cmd: C,
    body: AuthorityCommands[C]['req'],
  ): Promise<AuthorityCommands[C]['res']> {
    const request = { cmd, sdkAppId: room.sdkAppId, groupId: room.groupId, body } as AuthorityRequest;
    return (await this.bus.request(authoritySubject(room.authority), request)) as AuthorityCommands[C]['res'];
  }
}

function node(store: MemoryStore, bus = new LocalBus()) {
  const clock = new ManualClock();
  const host = new AuthorityHost(
    { store, bus, clock, metrics: new Metrics({ defaultMetrics: false }), logger: pino({ level: 'silent' }), apps: new AppCache(store, clock) },
    {
      ...testHostOptions(),
    },
  );
  host.start();
  const router = new Caller(bus);
  return { host, bus, clock, router };
}

async function setup(): Promise<{ store: MemoryStore; app: AppRecord }> {
  const store = new MemoryStore();
  const app = await store.createApp({ name: 'a', secretKey: 'k', adminUserId: 'administrator', createdAt: 0, settings: { ...DEFAULT_APP_SETTINGS } });
  await store.createGroup(sampleGroup(app.sdkAppId, 'g', { ownerId: 'o', settings: { rateLimitPerSec: 100_000 } }));
  return { store, app };
}

describe('AuthorityHost', () => {
  it('a new authority resumes from the stored window: what was written comes back, what may have been published unwritten is the missed range', async () => {
    const { store, app } = await setup();
    const room = { sdkAppId: app.sdkAppId, groupId: 'g', authority: 'n1' };
    const send = async (n: ReturnType<typeof node>, from: number, to: number): Promise<number[]> => {
      const seqs: number[] = [];
      for (let i = from; i <= to; i++) seqs.push((await n.router.call(room, 'submit', { actor: member, message: text(`m${i}`) })).seq);
      return seqs;
    };
    const first = node(store);
    const written = await send(first, 1, 6);
    first.clock.advance(HISTORY_WRITE_WINDOW_MS);
    await expect.poll(async () => (await store.lastResumeWindow(app.sdkAppId, 'g', 100)).map((e) => e.seq)).toEqual(written);
    const unwritten = await send(first, 7, 8);
    // Crash: the first host is dropped without closing; 7 and 8 were published but not written.
    const second = node(store);
    const [firstNew] = await send(second, 9, 9);
    expect(firstNew).toBe(101); // above the dead authority's reservation of 100 numbers
    const resumed = await second.router.call(room, 'members', { node: 'x', count: 1, sinceSeq: written[1]! });
    expect(resumed.resume!.entries.map((e) => e.seq)).toEqual([...written.slice(2), firstNew]);
    expect(resumed.resume!.complete).toBe(false);
    expect(resumed.resume!.missed).toEqual({ fromSeq: unwritten[0], toSeq: firstNew! - 1 });
    // A position after the unknown numbers is complete again.
    expect((await second.router.call(room, 'members', { node: 'x', count: 1, sinceSeq: firstNew! - 1 })).resume).toMatchObject({ complete: true });
    // A clean stop writes everything: the next authority resumes completely across it.
    const more = await send(second, 10, 11);
    await second.host.close();
    const third = node(store);
    const across = await third.router.call(room, 'members', { node: 'x', count: 1, sinceSeq: firstNew! });
    expect(across.resume).toEqual({ entries: expect.any(Array), complete: true });
    expect(across.resume!.entries.map((e) => e.seq)).toEqual(more);
    await third.host.close();
    await first.host.close();
  });

  it('never reuses a sequence number after a crash, and leaves no gap after a clean unload', async () => {
    const { store, app } = await setup();
    const room = (n: ReturnType<typeof node>) => ({ sdkAppId: app.sdkAppId, groupId: 'g', authority: 'n1', n });
    const send = async (n: ReturnType<typeof node>, count: number): Promise<number> => {
      let last = 0;
      for (let i = 0; i < count; i++) last = (await n.router.call(room(n), 'submit', { actor: member, message: text(`m${i}`) })).seq;
      return last;
    };
    const first = node(store);
    const lastBeforeCrash = await send(first, 180); // renews the reservation past 150
    await new Promise((r) => setImmediate(r));
    // Crash: the first host is dropped without closing.
    const second = node(store);
    const afterCrash = await send(second, 1);
    expect(afterCrash).toBeGreaterThan(lastBeforeCrash);
    const lastBeforeUnload = await send(second, 5);
    await second.host.close();
    const third = node(store);
    expect(await send(third, 1)).toBe(lastBeforeUnload + 1);
    await third.host.close();
    await first.host.close();
  });

  it('continues numbering above a dismissed room when one is re-created under its ID, and tells old positions apart', async () => {
    const { store, app } = await setup();
    const n = node(store);
    const room = { sdkAppId: app.sdkAppId, groupId: 'g', authority: 'n1' };
    for (let i = 0; i < 5; i++) await n.router.call(room, 'submit', { actor: member, message: text(`old${i}`) });
    await n.router.call(room, 'dismiss', { actor: owner });
    await store.createGroup(sampleGroup(app.sdkAppId, 'g', { ownerId: 'o' }));
    const again = await n.router.call(room, 'submit', { actor: member, message: text('new') });
    expect(again.seq).toBeGreaterThan(6);
    // A client of the old room (it saw 5) resumes: its position belongs to no message of this room.
    const resumed = await n.router.call(room, 'members', { node: 'x', count: 1, sinceSeq: 5 });
    expect(resumed.resume).toMatchObject({ complete: false });
    expect(resumed.resume?.missed).toBeUndefined();
    expect(resumed.resume?.entries.map((e) => e.seq)).toEqual([again.seq]);
    // A position past the room's last message is never "resumed".
    const ahead = await n.router.call(room, 'members', { node: 'x', count: 1, sinceSeq: 99_999_999 });
    expect(ahead.resume).toMatchObject({ complete: false, entries: [] });
    // A position inside the room's numbering resumes completely.
    const inside = await n.router.call(room, 'members', { node: 'x', count: 1, sinceSeq: again.seq - 1 });
    expect(inside.resume).toMatchObject({ complete: true });
    await n.host.close();
  });

  it('reports the range a resume could no longer send', async () => {
    const { store, app } = await setup();
    const n = node(store);
    const room = { sdkAppId: app.sdkAppId, groupId: 'g', authority: 'n1' };
    const seqs: number[] = [];
    for (let i = 0; i < 15; i++) seqs.push((await n.router.call(room, 'submit', { actor: member, message: text(`m${i}`) })).seq);
    // The buffer holds the last 10 (seqs[5..14]); a member that saw seqs[1] missed seqs[2..4].
    const reply = await n.router.call(room, 'members', { node: 'x', count: 1, sinceSeq: seqs[1]! });
    expect(reply.resume).toMatchObject({ complete: false, missed: { fromSeq: seqs[2], toSeq: seqs[4] } });
    expect(reply.resume?.entries.map((e) => e.seq)).toEqual(seqs.slice(5));
    await n.host.close();
  });

  it('enforces mute-all at the authority: only the owner and the app admin speak', async () => {
    const { store, app } = await setup();
    await store.updateGroup(app.sdkAppId, 'g', { muteAll: true });
    const n = node(store);
    const published: string[] = [];
    n.bus.subscribe(roomSubject(app.sdkAppId, 'g'), (m: BusMessage) => {
      if (m.kind === 'batch') for (const e of m.entries) published.push((JSON.parse(e.json) as { id: string }).id);
    });
    const room = { sdkAppId: app.sdkAppId, groupId: 'g', authority: 'n1' };
    expect(await refusal(n.router.call(room, 'submit', { actor: member, message: text('muted') }))).toBe('GROUP_MUTED_ALL');
    await n.router.call(room, 'submit', { actor: owner, message: text('from-owner', 'o') });
    await n.router.call(room, 'submit', { actor: admin, message: text('from-admin', 'administrator') });
    expect(published).toEqual(['from-owner', 'from-admin']);
    expect(await refusal(n.router.call(room, 'submit', { actor: guest, message: text('guest') }))).toBe('NOT_LOGGED_IN');
    await n.host.close();
  });

  it('changes the room profile for its owner, stores it and tips the members with exactly the new values', async () => {
    const { store, app } = await setup();
    const n = node(store);
    const payloads: unknown[] = [];
    n.bus.subscribe(roomSubject(app.sdkAppId, 'g'), (m: BusMessage) => {
      if (m.kind === 'batch') for (const e of m.entries) payloads.push((JSON.parse(e.json) as { payload: unknown }).payload);
    });
    const room = { sdkAppId: app.sdkAppId, groupId: 'g', authority: 'n1' };
    expect(await refusal(n.router.call(room, 'profile', { actor: member, patch: { name: 'taken' } }))).toBe('NO_PERMISSION');
    const { record } = await n.router.call(room, 'profile', {
      actor: owner,
      patch: { name: 'Show', faceUrl: 'https://example.com/f.png', muteAll: true, customFields: [{ key: 'k', value: 'v' }] },
    });
    // Custom fields merge: the sample room's own field stays.
    expect(record).toMatchObject({
      name: 'Show',
      faceUrl: 'https://example.com/f.png',
      muteAll: true,
      customFields: [
        { key: 'topic', value: 'cooking' },
        { key: 'k', value: 'v' },
      ],
    });
    expect(await store.getGroup(app.sdkAppId, 'g')).toMatchObject({ name: 'Show', faceUrl: 'https://example.com/f.png', muteAll: true });
    await new Promise((r) => setImmediate(r));
    expect(payloads).toHaveLength(1);
    expect(payloads[0]).toMatchObject({ operationType: 6, operatorID: 'o', newGroupProfile: { name: 'Show', avatar: 'https://example.com/f.png', muteAllMembers: true } });
    expect(Object.keys((payloads[0] as { newGroupProfile: object }).newGroupProfile).sort()).toEqual(['avatar', 'groupCustomField', 'muteAllMembers', 'name']);
    await n.host.close();
  });

  it("decides owner-only commands from its own record, not the caller's copy", async () => {
    const { store, app } = await setup();
    const n = node(store);
    const room = { sdkAppId: app.sdkAppId, groupId: 'g', authority: 'n1' };
    expect(await refusal(n.router.call(room, 'settings', { actor: member, settings: { rateLimitPerSec: 5 } }))).toBe('NO_PERMISSION');
    expect(await refusal(n.router.call(room, 'dismiss', { actor: member }))).toBe('NO_PERMISSION');
    expect(await refusal(n.router.call(room, 'counters', { actor: guest, joined: true, request: { groupID: 'g', op: 'increase', key: 'likes', value: 1 } }))).toBe('NOT_LOGGED_IN');
    expect(await refusal(n.router.call(room, 'counters', { actor: member, joined: false, request: { groupID: 'g', op: 'increase', key: 'likes', value: 1 } }))).toBe(
      'NOT_GROUP_MEMBER',
    );
    expect((await n.router.call(room, 'settings', { actor: owner, settings: { rateLimitPerSec: 5 } })).settings.rateLimitPerSec).toBe(5);
    expect((await n.router.call(room, 'settings', { actor: admin, settings: { memberTips: false } })).settings.memberTips).toBe(false);
    await n.host.close();
  });

  it('counts members over nodes and answers for unknown rooms with GROUP_NOT_FOUND', async () => {
    const { store, app } = await setup();
    const n = node(store);
    const room = { sdkAppId: app.sdkAppId, groupId: 'g', authority: 'n1' };
    expect(await n.router.call(room, 'members', { node: 'a', count: 3 })).toMatchObject({ memberCount: 3 });
    expect(await n.router.call(room, 'members', { node: 'b', count: 2 })).toMatchObject({ memberCount: 5 });
    expect(await n.router.call(room, 'members', { node: 'a', count: 1 })).toMatchObject({ memberCount: 3 });
    n.host.nodeStarted('b');
    expect(await n.router.call(room, 'info', {})).toMatchObject({ memberCount: 1 });
    expect(await refusal(n.router.call({ ...room, groupId: 'nope' }, 'info', {}))).toBe('GROUP_NOT_FOUND');
    await n.host.close();
  });

  it('holds a message in a slow admission step without holding other senders up', async () => {
    const { store, app } = await setup();
    const clock = new ManualClock();
    const bus = new LocalBus();
    let release: () => void = () => undefined;
    const host = new AuthorityHost(
      {
        store,
        bus,
        clock,
        metrics: new Metrics({ defaultMetrics: false }),
        logger: pino({ level: 'silent' }),
        apps: new AppCache(store, clock),
        admissionSteps: [{ name: 'slow-for-a', timeoutMs: 2000, run: (ctx) => (ctx.message.from === 'a' ? new Promise<void>((r) => (release = r)) : undefined) }],
      },
      {
        ...testHostOptions(),
        seqReserve: 10_000,
      },
    );
    host.start();
    const router = new Caller(bus);
    const room = { sdkAppId: app.sdkAppId, groupId: 'g', authority: 'n1' };
    const slow = router.call(room, 'submit', { actor: { ...member, userId: 'a' }, message: text('slow', 'a') });
    const fast = await router.call(room, 'submit', { actor: member, message: text('fast') });
    expect(fast.seq).toBeGreaterThan(0);
    release();
    expect((await slow).seq).toBe(fast.seq + 1);
    // A step that never answers is refused at its timeout, measured on the injected clock.
    const stuck = router.call(room, 'submit', { actor: { ...member, userId: 'a' }, message: text('stuck', 'a') });
    await new Promise((r) => setImmediate(r));
    clock.advance(1999);
    let settled = false;
    void stuck.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    clock.advance(1);
    expect(await refusal(stuck)).toBe('OVERLOADED');
    await host.close();
  });
});

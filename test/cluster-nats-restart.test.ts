/**
 * A nats-server restart under a cluster of separate processes: three `stadium start` processes
 * (the real CLI, built packages) over one nats-server and one PostgreSQL database. What the
 * restart costs is stated and asserted: nothing accepted is lost. Sends the room's authority
 * refuses while it is cut off are refused, never silently dropped; every message it accepts
 * reaches every member on every node exactly once, in order, even the ones it published while
 * the other nodes were not yet back on NATS (they catch up from its resume buffer after their
 * reconnect, groups/room-resync.ts). Single project only: the test starts its own processes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_SYSTEM_NOTICE, type ServerFrame, type WireMessage } from '@stadium/protocol';
import { genUserSig } from '../packages/server/src/auth/user-sig.js';
import { createApp } from '../packages/server/src/apps/create-app.js';
import { systemClock } from '../packages/server/src/clock/clock.js';
import { rendezvousOwner } from '../packages/server/src/groups/rendezvous.js';
import { openStore } from '../packages/server/src/storage/open-store.js';
import { startNatsServer, type NatsServer } from './support/nats.js';
import { startNodeProcess, stopNodeProcesses, type NodeProcess } from './support/node-process.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';
import { RawClient } from './support/raw-client.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const NODES = ['n0', 'n1', 'n2'];
/**
 * Leases long enough that the authority, unable to renew while cut off, keeps acting through
 * the outage on a slow machine (8 s): the room stays where it is and its numbering consecutive.
 * What a longer outage does (the room moves, numbering jumps) is cluster-faults.test.ts's.
 */
const LEASE = { roomLeaseMs: 10_000, roomLeaseRenewMs: 2000 };

let nats: NatsServer;
let pg: TestPostgres;
let dir: string;
beforeAll(async () => {
  nats = await startNatsServer();
  pg = await startTestPostgres();
  dir = await mkdtemp(join(tmpdir(), 'stadium-nats-restart-'));
}, 60_000);
afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
  await pg?.[Symbol.asyncDispose]();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What a member received in a room: message numbers, and `missed a-b` for each missed-messages notice. */
function receivedBy(client: RawClient, groupID: string): string[] {
  return client.frames.flatMap((f: ServerFrame) =>
    f.t === 'msgs' && f.g === groupID
      ? f.m.map((m: WireMessage) => {
          const p = m.payload as { operationType?: number; fromSeq?: number; toSeq?: number };
          return m.seq === 0 && p.operationType === GROUP_SYSTEM_NOTICE.MESSAGES_MISSED ? `missed ${p.fromSeq}-${p.toSeq}` : String(m.seq);
        })
      : [],
  );
}

/** `receivedBy`'s list with each notice replaced by the numbers it names. */
function expandNotices(received: readonly string[]): string[] {
  return received.flatMap((r) => {
    const m = /^missed (\d+)-(\d+)$/.exec(r);
    if (!m) return [r];
    const from = Number(m[1]);
    return Array.from({ length: Number(m[2]) - from + 1 }, (_, i) => String(from + i));
  });
}

/** A counter of a node's /metrics, by the value of its one label (or '' without labels). */
async function counterOf(node: NodeProcess, name: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}(?:\\{[a-z]+="([^"]*)"\\})? (\\S+)$`).exec(line);
    if (m) out[m[1] ?? ''] = Number(m[2]);
  }
  return out;
}

/** Sums of counters by label. */
function sum(all: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const one of all) for (const [k, v] of Object.entries(one)) out[k] = (out[k] ?? 0) + v;
  return out;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What a run of {@link restartUnderLoad} saw. */
interface RestartRun {
  /** Numbers of the accepted sends, in order. */
  accepted: number[];
  /** What each member received (receivedBy), the members of the authority's node first. */
  atAuthority: string[][];
  elsewhere: string[][];
  /** Accepted while the other nodes were off NATS. */
  whileAlone: number[];
  /** The first number accepted after nats-server stopped. */
  firstAfterStop: number;
  /** `stadium_room_catchups_total` by outcome, summed over the nodes other than the authority's, and over the authority's. */
  catchUpsElsewhere: Record<string, number>;
  catchUpsAtAuthority: Record<string, number>;
  /** `stadium_room_leases_acquired_total` of the authority's node. */
  leasesAcquired: number;
  refused: number;
}

/**
 * Three nodes (each with `options`), two members on each, a sender on the room authority's
 * node sending all along: nats-server stops; the authority refuses sends while cut off; it is
 * started again on the same port, and the other nodes are kept off NATS (their proxies refuse)
 * until the authority has accepted 10 more, which therefore never reach them live; then they
 * come back, and the sender carries on. Returns what was accepted and what each member got.
 */
async function restartUnderLoad(options: Record<string, unknown>): Promise<RestartRun> {
  const db = await pg.createDatabase('natsrestart');
  const setup = await openStore({ db, dataDir: dir });
  const app = await createApp(setup, { name: 'nats-restart' }, systemClock).finally(() => setup.close());
  const sig = (userID: string): string => genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId: userID, expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) });
  const nodes: NodeProcess[] = [];
  const proxies: TcpProxy[] = [];
  const clients: RawClient[] = [];
  try {
    // Each node reaches NATS through a proxy of its own, so that some can be kept off a moment longer.
    for (const node of NODES) {
      const proxy = await startTcpProxy(nats.url.replace('nats:', 'http:'));
      proxies.push(proxy);
      nodes.push(await startNodeProcess({ node, db, bus: proxy.url.replace('http:', 'nats:'), dir, options: { ...LEASE, ...options } }));
    }
    const connect = async (url: string, userID: string): Promise<RawClient> => {
      const client = await RawClient.connect(url, `sdkappid=${app.sdkAppId}&v=1`);
      clients.push(client);
      expect((await client.request('login', { userID, userSig: sig(userID) })).code).toBe(0);
      return client;
    };
    const owner = await connect(nodes[0]!.url, 'owner');
    const created = (await owner.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as {
      code: number;
      data: { group: { groupID: string } };
    };
    expect(created.code).toBe(0);
    const groupID = created.data.group.groupID;
    const authority = NODES.indexOf(rendezvousOwner(app.sdkAppId, groupID, NODES));
    const others = [0, 1, 2].filter((n) => n !== authority);

    // Two members on every node; the sender sits on the authority's node.
    const members: RawClient[] = [];
    for (const n of [0, 1, 2]) members.push(await connect(nodes[n]!.url, `a${n}`), await connect(nodes[n]!.url, `b${n}`));
    for (const c of members) expect((await c.request('group.join', { groupID })).code).toBe(0);
    const sender = members[authority * 2]!;
    let k = 0;
    const send = async (): Promise<{ code: number; seq?: number }> => {
      const res = (await sender.request('msg.send', { groupID, message: { id: `m${k}`, type: 'TIMTextElem', payload: { text: 'x' }, random: k++ } })) as {
        code: number;
        data?: { seq: number };
      };
      return { code: res.code, ...(res.data ? { seq: res.data.seq } : {}) };
    };
    const accepted: number[] = [];
    let refused = 0;
    // Paced under the room's message rate limit.
    const sendOne = async (): Promise<boolean> => {
      await pause(40);
      const res = await send();
      if (res.code === 0) accepted.push(res.seq!);
      else refused++;
      return res.code === 0;
    };
    for (let i = 0; i < 10; i++) expect(await sendOne()).toBe(true);

    // nats-server stops; the other nodes stay off NATS until the authority is back and has
    // published more: those messages never reach them live.
    for (const n of others) proxies[n]!.refuse = true;
    const beforeStop = accepted.length;
    await nats.stop();
    const stoppedAt = Date.now();
    while (Date.now() - stoppedAt < 500) await sendOne();
    const restarted = nats.restart();
    const whileAlone: number[] = [];
    await restarted;
    // The authority reconnects (its sends are accepted again) while the others are still refused.
    while (whileAlone.length < 10) {
      expect(Date.now() - stoppedAt).toBeLessThan(10_000);
      if (await sendOne()) whileAlone.push(accepted.at(-1)!);
    }
    for (const n of others) proxies[n]!.refuse = false;
    // Keep sending while the others reconnect and catch up.
    const backAt = Date.now();
    while (Date.now() - backAt < 1500) await sendOne();
    for (let i = 0; i < 10; i++) expect(await sendOne()).toBe(true);

    expect(accepted).toEqual(Array.from({ length: accepted.length }, (_, i) => accepted[0]! + i));
    const last = accepted.at(-1)!;
    await Promise.all(members.map((c) => c.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === last))));
    const atAuthority = members.slice(authority * 2, authority * 2 + 2).map((c) => receivedBy(c, groupID));
    const elsewhere = others.flatMap((n) => members.slice(n * 2, n * 2 + 2)).map((c) => receivedBy(c, groupID));
    // Nodes carry on: a member on another node sends, everyone gets it.
    const more = (await members[others[0]! * 2]!.request('msg.send', { groupID, message: { id: 'after', type: 'TIMTextElem', payload: { text: 'y' }, random: 1 } })) as {
      code: number;
      data: { seq: number };
    };
    expect(more.code).toBe(0);
    expect(more.data.seq).toBe(last + 1);
    await Promise.all(members.map((c) => c.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === last + 1))));
    const catchUpsElsewhere = sum(await Promise.all(others.map((n) => counterOf(nodes[n]!, 'stadium_room_catchups_total'))));
    const catchUpsAtAuthority = await counterOf(nodes[authority]!, 'stadium_room_catchups_total');
    const leasesAcquired = (await counterOf(nodes[authority]!, 'stadium_room_leases_acquired_total'))['']!;
    return { accepted, atAuthority, elsewhere, whileAlone, refused, firstAfterStop: accepted[beforeStop]!, catchUpsElsewhere, catchUpsAtAuthority, leasesAcquired };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await stopNodeProcesses(nodes);
    for (const p of proxies) await p[Symbol.asyncDispose]();
  }
}

describe('three stadium processes over NATS and PostgreSQL: nats-server restarts', () => {
  it('lost: nothing. Every message the authority accepts reaches every member on every node once, in order, also those published while the other nodes were not yet back', async () => {
    const run = await restartUnderLoad({});
    const all = run.accepted.map(String);
    for (const got of [...run.atAuthority, ...run.elsewhere]) expect(got).toEqual(all);
    // In /metrics: the other nodes caught the room up (each at least once, none with a gap or
    // a failure that left one); the authority's node had nothing to catch up (the room is its
    // own) and holds the room's lease.
    expect(run.catchUpsElsewhere.gap).toBe(0);
    expect(run.catchUpsElsewhere.complete).toBeGreaterThanOrEqual(2);
    expect(run.catchUpsAtAuthority).toEqual({ complete: 0, gap: 0, failed: 0 });
    expect(run.leasesAcquired).toBeGreaterThanOrEqual(1);
    console.info(
      `nats-server restart: ${run.refused} sends refused while the authority was cut off, ${run.whileAlone.length} accepted while the other nodes were off NATS, all delivered`,
    );
  }, 60_000);

  it('lost: what the authority no longer held (resumeBufferSize 4). The members elsewhere are told the exact range, in its place; nothing else is missing or repeated', async () => {
    const run = await restartUnderLoad({ resumeBufferSize: 4 });
    const all = run.accepted.map(String);
    for (const got of run.atAuthority) expect(got).toEqual(all);
    for (const got of run.elsewhere) {
      const notices = got.filter((r) => r.startsWith('missed'));
      // At least the first 6 of the 10 published while they were away were gone from a buffer of 4.
      expect(notices).toHaveLength(1);
      const [from, to] = notices[0]!.slice('missed '.length).split('-').map(Number) as [number, number];
      // From the first number that did not reach the node: the first accepted after the stop,
      // or one accepted just before it whose batch was still on its way to nats-server.
      expect(from).toBeLessThanOrEqual(run.firstAfterStop);
      expect(to).toBeGreaterThanOrEqual(run.whileAlone[5]!);
      expect(expandNotices(got)).toEqual(all);
    }
    expect(run.catchUpsElsewhere.gap).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

/**
 * Fault tests of a cluster of separate processes: three `stadium start` processes (the real
 * CLI, built packages) over one nats-server and one PostgreSQL database, as three machines
 * would be. They find each other through NATS (no node list is configured), place rooms by
 * rendezvous hashing over the live nodes, and hold each room's authority by a lease in
 * PostgreSQL. Single project only: the test starts its own processes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame, WireMessage } from '@stadium/protocol';
import { genUserSig } from '../packages/server/src/auth/user-sig.js';
import { createApp } from '../packages/server/src/apps/create-app.js';
import { systemClock } from '../packages/server/src/clock/clock.js';
import { rendezvousOwner } from '../packages/server/src/groups/rendezvous.js';
import { openStore } from '../packages/server/src/storage/open-store.js';
import type { AppRecord } from '../packages/server/src/storage/store.js';
import { startNatsServer, type NatsServer } from './support/nats.js';
import { startNodeProcess, type NodeProcess } from './support/node-process.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';
import { RawClient } from './support/raw-client.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const NODES = ['n0', 'n1', 'n2'];

let nats: NatsServer;
let pg: TestPostgres;
let dir: string;
beforeAll(async () => {
  nats = await startNatsServer();
  pg = await startTestPostgres();
  dir = await mkdtemp(join(tmpdir(), 'stadium-faults-'));
}, 60_000);
afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
  await pg?.[Symbol.asyncDispose]();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function startNode(node: string, db: string, bus = nats.url, workers = 1): Promise<NodeProcess> {
  return startNodeProcess({ node, db, bus, dir, workers, logLevel: 'warn' });
}

async function newApp(): Promise<{ db: string; app: AppRecord; sig: (userID: string) => string }> {
  const db = await pg.createDatabase('faults');
  const setup = await openStore({ db, dataDir: dir });
  try {
    const app = await createApp(setup, { name: 'faults' }, systemClock);
    const sig = (userID: string): string => genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId: userID, expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) });
    return { db, app, sig };
  } finally {
    await setup.close();
  }
}

function seqsOf(client: RawClient, groupID: string): number[] {
  return client.frames.flatMap((f: ServerFrame) => (f.t === 'msgs' && f.g === groupID ? f.m.map((m: WireMessage) => m.seq) : []));
}

describe('three stadium processes over NATS and PostgreSQL', () => {
  it('deliver every message once in order on all nodes; kill -9 of the authority: a new one within 5 s, numbering continues above the old, its clients resume elsewhere', async () => {
    const db = await pg.createDatabase('faults');
    const setup = await openStore({ db, dataDir: dir });
    let app: AppRecord;
    try {
      app = await createApp(setup, { name: 'faults' }, systemClock);
    } finally {
      await setup.close();
    }
    const sig = (userID: string): string => genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId: userID, expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) });
    const nodes: NodeProcess[] = [];
    const clients: RawClient[] = [];
    try {
      for (const node of NODES) nodes.push(await startNode(node, db));
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
      const survivors = [0, 1, 2].filter((n) => n !== authority);

      // Two members on every node; the sender sits on a node that stays up.
      const members = new Map<number, RawClient[]>();
      for (const n of [0, 1, 2]) members.set(n, [await connect(nodes[n]!.url, `a${n}`), await connect(nodes[n]!.url, `b${n}`)]);
      const all = [...members.values()].flat();
      for (const c of all) expect((await c.request('group.join', { groupID })).code).toBe(0);
      const sender = members.get(survivors[0]!)![0]!;

      const send = async (i: number): Promise<ServerFrame & { t: 'res' }> =>
        sender.request('msg.send', { groupID, message: { id: `m${i}`, type: 'TIMTextElem', payload: { text: `t${i}` }, random: i } });
      const before: number[] = [];
      const sendBefore = async (from: number, to: number): Promise<void> => {
        for (let i = from; i < to; i++) {
          const res = (await send(i)) as { code: number; data: { seq: number } };
          expect(res.code).toBe(0);
          before.push(res.data.seq);
        }
        await Promise.all(all.map((c) => c.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === before.at(-1)))));
      };
      await sendBefore(0, 20);
      // The resume window is written to the store in batches (one write per 250 ms): wait until
      // the first 20 are there, then publish 3 more that may or may not be written when it dies.
      const written = before.at(-1)!;
      const reader = await openStore({ db, dataDir: dir });
      try {
        await expect.poll(async () => (await reader.lastResumeWindow(app.sdkAppId, groupID, 1)).map((e) => e.seq), { timeout: 5000, interval: 50 }).toEqual([written]);
      } finally {
        await reader.close();
      }
      await sendBefore(20, 23);
      expect(before).toEqual(Array.from({ length: 23 }, (_, i) => before[0]! + i));
      const lastBefore = before[before.length - 1]!;
      // Nothing lost before the fault: every member on every node has every message once, in order.
      for (const c of all) expect(seqsOf(c, groupID)).toEqual(before);

      // kill -9 the authority's process.
      const killedAt = Date.now();
      nodes[authority]!.child.kill('SIGKILL');
      await nodes[authority]!.exited;

      // Sends are refused (never silently dropped) until a new authority holds the room.
      let refused = 0;
      let firstAfter: number | undefined;
      let i = 23;
      while (firstAfter === undefined) {
        const res = (await send(i++)) as { code: number; data: { seq: number } };
        if (res.code === 0) firstAfter = res.data.seq;
        else {
          refused++;
          expect(Date.now() - killedAt).toBeLessThan(10_000);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      const failoverMs = Date.now() - killedAt;
      expect(failoverMs).toBeLessThanOrEqual(5000);
      // The new authority numbers above every number the dead one had reserved: no duplicate.
      expect(firstAfter).toBeGreaterThan(lastBefore);

      const after = [firstAfter];
      for (let k = 0; k < 10; k++) {
        const res = (await send(i++)) as { code: number; data: { seq: number } };
        expect(res.code).toBe(0);
        after.push(res.data.seq);
      }
      expect(after).toEqual(Array.from({ length: 11 }, (_, k) => firstAfter + k));
      const lastAfter = after[after.length - 1]!;
      // Members on the surviving nodes get every accepted message exactly once, in order.
      const surviving = survivors.flatMap((n) => members.get(n)!);
      await Promise.all(surviving.map((c) => c.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === lastAfter))));
      for (const c of surviving) expect(seqsOf(c, groupID)).toEqual([...before, ...after]);

      // A member of the killed node reconnects to another node and resumes from its last seq.
      const moved = await connect(nodes[survivors[1]!]!.url, `a${authority}`);
      const joined = (await moved.request('group.join', { groupID, sinceSeq: lastBefore })) as {
        code: number;
        data: { lastSeq: number; resumed?: boolean; missed?: { fromSeq: number; toSeq: number } };
      };
      expect(joined.code).toBe(0);
      expect(joined.data.lastSeq).toBe(lastAfter);
      // What it gets: the messages the new authority published (from its resume buffer); what
      // it is told it lost: the numbers between, the dead authority's unused reservation, as
      // `resumed: false` (nothing was published under those numbers).
      expect(joined.data.resumed).toBe(false);
      const resent = seqsOf(moved, groupID);
      expect(resent).toEqual(after);
      if (joined.data.missed) expect(joined.data.missed).toEqual({ fromSeq: lastBefore + 1, toSeq: firstAfter - 1 });
      const res = (await send(i++)) as { code: number; data: { seq: number } };
      expect(res.code).toBe(0);
      await moved.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === res.data.seq));

      // A member that was away since the 10th message: the dead authority's stored window
      // comes back (at least the 20 awaited in the store, in order, once), then the new
      // authority's messages; what may have been published but not written is the range it is
      // told it missed — never `resumed: true`.
      const away = await connect(nodes[survivors[0]!]!.url, 'away');
      const since = before[9]!;
      const rejoined = (await away.request('group.join', { groupID, sinceSeq: since })) as {
        code: number;
        data: { lastSeq: number; resumed?: boolean; missed?: { fromSeq: number; toSeq: number } };
      };
      expect(rejoined.code).toBe(0);
      expect(rejoined.data.resumed).toBe(false);
      const lastWritten = rejoined.data.missed!.fromSeq - 1;
      expect(rejoined.data.missed).toEqual({ fromSeq: lastWritten + 1, toSeq: firstAfter - 1 });
      expect(lastWritten).toBeGreaterThanOrEqual(written);
      expect(lastWritten).toBeLessThanOrEqual(lastBefore);
      const replayed = before.filter((s) => s > since && s <= lastWritten);
      const answerAt = away.frames.indexOf(rejoined as unknown as ServerFrame);
      expect(seqsOf(away, groupID)).toEqual([...replayed, ...after, res.data.seq]);
      expect(away.frames.slice(0, answerAt).flatMap((f) => (f.t === 'msgs' && f.g === groupID ? f.m.map((m: WireMessage) => m.seq) : []))).toEqual([
        ...replayed,
        ...after,
        res.data.seq,
      ]);
      console.info(`fail-over: ${failoverMs} ms, ${refused} sends refused meanwhile, numbers ${lastBefore + 1}..${firstAfter - 1} skipped`);
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGTERM');
      await Promise.all(nodes.map((n) => n.exited));
    }
  }, 90_000);

  it('a partition of the authority from NATS: it stops acting before another node takes the room (never two at once); healed, it takes the room back', async () => {
    const { db, app, sig } = await newApp();
    const nodes: NodeProcess[] = [];
    const proxies: TcpProxy[] = [];
    const clients: RawClient[] = [];
    try {
      // Each node reaches NATS through a proxy of its own, so that one can be cut off.
      for (const node of NODES) {
        const proxy = await startTcpProxy(nats.url.replace('nats:', 'http:'));
        proxies.push(proxy);
        nodes.push(await startNode(node, db, proxy.url.replace('http:', 'nats:')));
      }
      const connect = async (url: string, userID: string): Promise<RawClient> => {
        const client = await RawClient.connect(url, `sdkappid=${app.sdkAppId}&v=1`);
        clients.push(client);
        expect((await client.request('login', { userID, userSig: sig(userID) })).code).toBe(0);
        return client;
      };
      const owner = await connect(nodes[0]!.url, 'owner');
      const created = (await owner.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as { data: { group: { groupID: string } } };
      const groupID = created.data.group.groupID;
      const authority = NODES.indexOf(rendezvousOwner(app.sdkAppId, groupID, NODES));
      const other = [0, 1, 2].find((n) => n !== authority)!;
      const inside = await connect(nodes[authority]!.url, 'inside');
      const outside = await connect(nodes[other]!.url, 'outside');
      for (const c of [inside, outside]) expect((await c.request('group.join', { groupID })).code).toBe(0);
      let k = 0;
      const send = async (c: RawClient): Promise<{ code: number; seq?: number; at: number }> => {
        const res = (await c.request('msg.send', { groupID, message: { id: `p${k}`, type: 'TIMTextElem', payload: { text: 'x' }, random: k++ } })) as {
          code: number;
          data?: { seq: number };
        };
        return { code: res.code, ...(res.data ? { seq: res.data.seq } : {}), at: Date.now() };
      };
      expect((await send(inside)).code).toBe(0);
      expect((await send(outside)).code).toBe(0);

      // Cut the authority's node off NATS (it keeps PostgreSQL and its clients).
      proxies[authority]!.refuse = true;
      proxies[authority]!.cut();
      const cutAt = Date.now();
      const insideAccepted: Array<{ seq: number; at: number }> = [];
      const outsideAccepted: Array<{ seq: number; at: number }> = [];
      while (Date.now() - cutAt < 6000) {
        const [a, b] = await Promise.all([send(inside), send(outside)]);
        if (a.code === 0) insideAccepted.push({ seq: a.seq!, at: a.at });
        if (b.code === 0) outsideAccepted.push({ seq: b.seq!, at: b.at });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // What the outside member received is in order, without a repeat (nothing numbered by
      // the cut-off node reaches it late).
      const seen = seqsOf(outside, groupID);
      expect([...seen].sort((x, y) => x - y)).toEqual(seen);
      expect(new Set(seen).size).toBe(seen.length);
      // The others moved the room within 5 s of the cut…
      expect(outsideAccepted.length).toBeGreaterThan(0);
      expect(outsideAccepted[0]!.at - cutAt).toBeLessThanOrEqual(5000);
      // …and the cut-off node had stopped numbering before that: never two authorities at once.
      const lastInside = insideAccepted.at(-1);
      if (lastInside) expect(lastInside.at).toBeLessThan(outsideAccepted[0]!.at);
      const insideSeqs = insideAccepted.map((a) => a.seq);
      for (const { seq } of outsideAccepted) expect(insideSeqs).not.toContain(seq);
      expect(outsideAccepted[0]!.seq).toBeGreaterThan(Math.max(0, ...insideSeqs));

      // Healed: the node is back in the membership and wins the room again; sends work everywhere.
      proxies[authority]!.refuse = false;
      const healedAt = Date.now();
      let back: { code: number; seq?: number } | undefined;
      while (back?.code !== 0) {
        expect(Date.now() - healedAt).toBeLessThan(15_000);
        back = await send(inside);
        if (back.code !== 0) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const after = await send(outside);
      expect(after.code).toBe(0);
      expect(after.seq!).toBeGreaterThan(back.seq!);
      console.info(
        `partition: ${insideAccepted.length} sends accepted by the cut-off node after the cut, room moved after ${outsideAccepted[0]!.at - cutAt} ms, back ${Date.now() - healedAt} ms after healing`,
      );
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGTERM');
      await Promise.all(nodes.map((n) => n.exited));
      for (const p of proxies) await p[Symbol.asyncDispose]();
    }
  }, 90_000);

  it('two processes of --workers 2 each form one deployment of four nodes: every member gets every message once, in order', async () => {
    const { db, app, sig } = await newApp();
    const nodes: NodeProcess[] = [];
    const clients: RawClient[] = [];
    try {
      nodes.push(await startNode('pa', db, nats.url, 2), await startNode('pb', db, nats.url, 2));
      const connect = async (url: string, userID: string): Promise<RawClient> => {
        const client = await RawClient.connect(url, `sdkappid=${app.sdkAppId}&v=1`);
        clients.push(client);
        expect((await client.request('login', { userID, userSig: sig(userID) })).code).toBe(0);
        return client;
      };
      const owner = await connect(nodes[0]!.url, 'owner');
      const created = (await owner.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as { data: { group: { groupID: string } } };
      const groupID = created.data.group.groupID;
      const members: RawClient[] = [owner];
      for (let i = 0; i < 4; i++) members.push(await connect(nodes[i % 2]!.url, `m${i}`));
      for (const c of members) expect((await c.request('group.join', { groupID })).code).toBe(0);
      const seqs: number[] = [];
      for (let i = 0; i < 10; i++) {
        const sender = members[i % members.length]!;
        const res = (await sender.request('msg.send', { groupID, message: { id: `w${i}`, type: 'TIMTextElem', payload: { text: 'x' }, random: i } })) as {
          code: number;
          data: { seq: number };
        };
        expect(res.code).toBe(0);
        seqs.push(res.data.seq);
      }
      expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => seqs[0]! + i));
      await Promise.all(members.map((c) => c.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === seqs[9]))));
      for (const c of members) expect(seqsOf(c, groupID)).toEqual(seqs);
      // One room, one count: every node's members are counted at the one authority.
      const online = (await members[1]!.request('group.online', { groupID })) as { data: { memberCount: number } };
      expect(online.data.memberCount).toBe(members.length);
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGTERM');
      await Promise.all(nodes.map((n) => n.exited));
    }
  }, 90_000);
});

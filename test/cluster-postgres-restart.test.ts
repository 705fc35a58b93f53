/**
 * A PostgreSQL restart under a cluster of separate processes: three `stadium start` processes
 * (the real CLI, built packages) over one nats-server and one PostgreSQL database. What the
 * restart costs is stated and asserted: a loaded room carries on (its authority numbers from
 * the reservation it holds, and acts on its lease for `roomLeaseMs − roomLeaseRenewMs` after
 * its last renewal), so nothing sent to it is lost; what needs the store is refused with
 * STORE_UNAVAILABLE (19080) and leaves nothing half-written; after the restart everything works.
 * Single project only: the test starts its own processes.
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
import { startNatsServer, type NatsServer } from './support/nats.js';
import { startNodeProcess, stopNodeProcesses, type NodeProcess } from './support/node-process.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';
import { RawClient } from './support/raw-client.js';

const NODES = ['n0', 'n1', 'n2'];

let nats: NatsServer;
let pg: TestPostgres;
let dir: string;
beforeAll(async () => {
  nats = await startNatsServer();
  pg = await startTestPostgres();
  dir = await mkdtemp(join(tmpdir(), 'stadium-pg-restart-'));
}, 60_000);
afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
  await pg?.[Symbol.asyncDispose]();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function seqsOf(client: RawClient, groupID: string): number[] {
  return client.frames.flatMap((f: ServerFrame) => (f.t === 'msgs' && f.g === groupID ? f.m.map((m: WireMessage) => m.seq) : []));
}

describe('three stadium processes over NATS and PostgreSQL: PostgreSQL restarts', () => {
  it('lost: nothing. Loaded rooms carry on, store-needing commands answer STORE_UNAVAILABLE and leave nothing behind, everything works after', async () => {
    const db = await pg.createDatabase('pgrestart');
    const setup = await openStore({ db, dataDir: dir });
    const app = await createApp(setup, { name: 'pg-restart' }, systemClock).finally(() => setup.close());
    const sig = (userID: string): string => genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId: userID, expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) });
    const nodes: NodeProcess[] = [];
    const clients: RawClient[] = [];
    try {
      for (const node of NODES)
        nodes.push(await startNodeProcess({ node, db: `${db}?connect_timeout_ms=1000`, bus: nats.url, dir, options: { roomLeaseMs: 10_000, roomLeaseRenewMs: 2000 } }));
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
      const elsewhere = [0, 1, 2].find((n) => n !== authority)!;
      const members: RawClient[] = [];
      for (const n of [0, 1, 2]) members.push(await connect(nodes[n]!.url, `a${n}`), await connect(nodes[n]!.url, `b${n}`));
      for (const c of members) expect((await c.request('group.join', { groupID })).code).toBe(0);
      // Senders on the authority's node and on another (whose sends cross NATS to it).
      const senders = [members[authority * 2]!, members[elsewhere * 2]!];
      const accepted: number[] = [];
      let k = 0;
      const sendAll = async (): Promise<void> => {
        for (const sender of senders) {
          const res = (await sender.request('msg.send', { groupID, message: { id: `m${k}`, type: 'TIMTextElem', payload: { text: 'x' }, random: k++ } })) as {
            code: number;
            data: { seq: number };
          };
          expect(res.code).toBe(0);
          accepted.push(res.data.seq);
        }
      };
      for (let i = 0; i < 3; i++) await sendAll();

      await pg.stop('fast');
      const stoppedAt = Date.now();
      try {
        // The loaded room does not wait for the store. Sent within 5 s of the stop, so within
        // the time its authority acts on its lease after the last renewal (roomLeaseMs −
        // roomLeaseRenewMs, 8 s here, after a renewal at most roomLeaseRenewMs before the stop).
        for (let i = 0; i < 3; i++) await sendAll();
        expect(Date.now() - stoppedAt).toBeLessThan(5000);
        // Creating a room needs it: a clear, registered error, on every node.
        const during = await Promise.all([0, 1, 2].map((n) => members[n * 2]!.request('group.create', { name: 'd', type: 'AVChatRoom', groupID: `during${n}` })));
        for (const res of during) expect({ code: res.code, name: (res as { name?: string }).name }).toEqual({ code: 19080, name: 'STORE_UNAVAILABLE' });
      } finally {
        await pg.start();
      }

      // Nothing half-written: the rooms refused meanwhile do not exist, and can be created now.
      for (const n of [0, 1, 2]) expect((await members[n * 2]!.request('group.create', { name: 'd', type: 'AVChatRoom', groupID: `during${n}` })).code).toBe(0);
      for (let i = 0; i < 3; i++) await sendAll();
      // Every accepted message reached every member on every node once, in order.
      expect(accepted).toEqual(Array.from({ length: accepted.length }, (_, i) => accepted[0]! + i));
      const last = accepted.at(-1)!;
      await Promise.all(members.map((c) => c.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === last))));
      for (const c of members) expect(seqsOf(c, groupID)).toEqual(accepted);
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await stopNodeProcesses(nodes);
    }
  }, 60_000);
});

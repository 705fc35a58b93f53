/**
 * Issue 12, item 1, a worker crash: in `stadium start --workers 2` the worker that is a room's
 * authority is killed (SIGKILL) and restarted by the primary. A member that was away gets, on
 * its return, every message of the room's stored window it missed, once, in order, then the
 * live ones, and is told exactly which numbers cannot be accounted for; a member on the other
 * worker misses nothing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ServerFrame, WireMessage } from '@stadium/protocol';
import { genUserSig } from '../packages/server/src/auth/user-sig.js';
import { rendezvousOwner } from '../packages/server/src/groups/rendezvous.js';
import { RawClient } from './support/raw-client.js';
import { startNodeProcess, stopNodeProcesses } from './support/node-process.js';

const BIN = fileURLToPath(new URL('../packages/server/bin/stadium.js', import.meta.url));
const NODES = ['crash-w0', 'crash-w1'];
type Res = ServerFrame & { t: 'res' };

/** The pid of each worker of the primary `pid`, by worker index (read from its environment). */
async function workerPids(pid: number): Promise<Map<number, number>> {
  const { stdout } = await promisify(execFile)('ps', ['-o', 'pid=', '--ppid', String(pid)]);
  const out = new Map<number, number>();
  for (const child of stdout.split('\n').map(Number).filter(Boolean)) {
    const env = (await readFile(`/proc/${child}/environ`, 'utf8')).split('\0');
    const index = env.find((v) => v.startsWith('STADIUM_WORKER_INDEX='));
    if (index) out.set(Number(index.split('=')[1]), child);
  }
  return out;
}

/** Sequence numbers of the room's messages in `frames` (notices excluded), in the order received. */
function seqsOf(frames: readonly ServerFrame[], groupID: string): number[] {
  return frames.flatMap((f) => (f.t === 'msgs' && f.g === groupID ? f.m.filter((m: WireMessage) => m.seq > 0).map((m: WireMessage) => m.seq) : []));
}

describe('a worker crash in stadium start --workers 2', () => {
  it("resumes a returning member from the room's stored window, and the other worker's members miss nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stadium-crash-'));
    const app = JSON.parse(execFileSync(process.execPath, [BIN, 'app', 'create', '--name', 'crash', '--data', dir, '--json'], { encoding: 'utf8' })) as {
      SDKAppID: number;
      secretKey: string;
    };
    const sig = (userId: string): string => genUserSig({ sdkAppId: app.SDKAppID, key: app.secretKey, userId, expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) });
    const node = await startNodeProcess({ node: 'crash', db: `sqlite:${join(dir, 'stadium.db')}`, bus: 'local:', dir, workers: 2 });
    const clients: RawClient[] = [];
    try {
      const groupID = 'crash-room';
      const authority = rendezvousOwner(app.SDKAppID, groupID, NODES);
      /** A logged-in client on worker `want` (the primary hands connections to the workers in turn). */
      const on = async (want: string, userID: string): Promise<RawClient> => {
        for (let i = 0; i < 20; i++) {
          const c = await RawClient.connect(node.url, `sdkappid=${app.SDKAppID}&v=1`);
          const hello = c.frames.find((f) => f.t === 'hello') as { node?: string } | undefined;
          if (hello?.node === want) {
            expect((await c.request('login', { userID, userSig: sig(userID) })).code).toBe(0);
            clients.push(c);
            return c;
          }
          await c.close();
        }
        throw new Error(`no connection landed on ${want}`);
      };
      const survivor = NODES.find((n) => n !== authority)!;
      const host = await on(survivor, 'host');
      expect((await host.request('group.create', { groupID, name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })).code).toBe(0);
      const watcher = await on(survivor, 'watcher');
      const away = await on(authority, 'away');
      for (const c of [host, watcher, away]) expect((await c.request('group.join', { groupID })).code).toBe(0);
      let n = 0;
      const send = async (): Promise<number> => {
        const id = `m${++n}`;
        // Refused while the authority's worker is down or loading: the test resends until it is taken.
        for (let attempt = 0; attempt < 100; attempt++) {
          const res = (await host.request('msg.send', { groupID, message: { id, type: 'TIMTextElem', payload: { text: id }, priority: 'High' } })) as unknown as {
            code: number;
            name?: string;
            data: { seq: number };
          };
          if (res.code === 0) return res.data.seq;
          expect(['SERVICE_UNAVAILABLE', 'OVERLOADED']).toContain(res.name);
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('the room never came back');
      };
      const seen = [await send(), await send()];
      await away.next((f) => seqsOf([f], groupID).includes(seen[1]!));
      await away.close();
      const missed = [await send(), await send(), await send()];

      // Wait until the room's authority has written them to its stored window, then kill it.
      const db = new Database(join(dir, 'stadium.db'), { readonly: true });
      const stored = (): number => (db.prepare('select max(seq) as top from resume_window where group_id = ?').get(groupID) as { top: number | null }).top ?? 0;
      for (let i = 0; i < 100 && stored() < missed.at(-1)!; i++) await new Promise((r) => setTimeout(r, 50));
      expect(stored()).toBe(missed.at(-1));
      db.close();
      const pids = await workerPids(node.child.pid!);
      const victim = pids.get(NODES.indexOf(authority))!;
      process.kill(victim, 'SIGKILL');
      // The primary restarts the worker; the room's authority loads there again from the store.
      const after = [await send(), await send()];
      expect((await workerPids(node.child.pid!)).get(NODES.indexOf(authority))).not.toBe(victim);
      expect(after[0]).toBeGreaterThan(missed.at(-1)!);

      const back = await on(survivor, 'away');
      const joined = (await back.request('group.join', { groupID, sinceSeq: seen[1] })) as Res & { data: { resumed?: boolean; missed?: { fromSeq: number; toSeq: number } } };
      expect(joined.code).toBe(0);
      // The numbers the crashed authority had reserved but not (provably) used are told, exactly.
      expect(joined.data.resumed).toBe(after[0] === missed.at(-1)! + 1);
      if (after[0]! > missed.at(-1)! + 1) expect(joined.data.missed).toEqual({ fromSeq: missed.at(-1)! + 1, toSeq: after[0]! - 1 });
      const last = await send();
      await back.next((f) => seqsOf([f], groupID).includes(last));
      expect(seqsOf(back.frames, groupID)).toEqual([...missed, ...after, last]);
      await watcher.next((f) => seqsOf([f], groupID).includes(last));
      expect(seqsOf(watcher.frames, groupID)).toEqual([...seen, ...missed, ...after, last]);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await stopNodeProcesses([node]);
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

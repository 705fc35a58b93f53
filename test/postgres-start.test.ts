/**
 * `stadium start --db postgres://…` serves the walkthrough: the real CLI (in the cluster
 * project with `--workers 2`, every worker on the same database), a throwaway PostgreSQL, the
 * real SDK logging in, joining, sending and receiving. A second start on the same database
 * finds the app and the room where the first left them.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import TIM from '@stadium/sdk';
import { genUserSig } from '../packages/server/src/auth/user-sig.js';
import { collectMessages, loggedInClient, waitForMessage } from './support/events.js';
import { startTestPostgres } from './support/postgres.js';
import { TEST_WORKERS } from './support/stadium.js';

const BIN = fileURLToPath(new URL('../packages/server/bin/stadium.js', import.meta.url));

const postgres = await startTestPostgres();
afterAll(() => postgres[Symbol.asyncDispose]());

interface Started {
  url: string;
  output: string;
  stop(): Promise<number | null>;
}

/** Run `stadium start` with `args` and STADIUM_DB=`db`; resolves once its banner is printed. */
async function startCli(db: string, dataDir: string, args: string[] = []): Promise<Started> {
  const child = spawn(
    process.execPath,
    [BIN, 'start', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--workers', String(TEST_WORKERS), '--log-level', 'warn', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STADIUM_DB: db, STADIUM_WORKERS: '' },
    },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stadium start did not print its banner in time:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Stadium is running at (\S+)[\s\S]*Live page:.*\n/.exec(output);
      if (match && (TEST_WORKERS === 1 || output.includes('Workers:'))) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stadium start exited with ${String(code)}:\n${output}`));
    });
  });
  return {
    url,
    get output() {
      return output;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('stadium start --db postgres://…', () => {
  // Two CLI starts, each with its own processes: more than the default 30 s on a busy machine.
  it('serves the walkthrough from PostgreSQL, and a restart finds the app and the room there', { timeout: 120_000 }, async () => {
    const db = await postgres.createDatabase('walkthrough');
    const dataDir = await mkdtemp(join(tmpdir(), 'stadium-pg-start-'));
    try {
      const first = await startCli(`${db}?pool_size=4`, dataDir);
      let groupID = '';
      let sdkAppId = 0;
      let key = '';
      try {
        // The development app was created in PostgreSQL (no SQLite file needed); the hint names the database.
        const created = /SDKAppID:\s+(\d+)[\s\S]*Secret key:\s+(\S+)/.exec(first.output);
        expect(created).not.toBeNull();
        sdkAppId = Number(created![1]);
        key = created![2]!;
        const t = { app: { sdkAppId }, url: first.url, sig: (userId: string) => genUserSig({ sdkAppId, key, userId, expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) }) };

        const host = await loggedInClient(t, 'host');
        const viewer = await loggedInClient(t, 'viewer');
        try {
          await host.updateMyProfile({ nick: 'Host' });
          groupID = (await host.createGroup({ name: 'On PostgreSQL', type: TIM.TYPES.GRP_AVCHATROOM })).data.group.groupID;
          await host.joinGroup({ groupID });
          await viewer.joinGroup({ groupID });
          const inbox = collectMessages(viewer);
          const sent = await host.sendMessage(host.createTextMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text: 'hello from postgres' } }));
          expect(sent.code).toBe(0);
          const got = await waitForMessage(viewer, inbox, (m) => m.type === TIM.TYPES.MSG_TEXT && m.from === 'host');
          expect(got.payload).toEqual({ text: 'hello from postgres' });
          expect(got.nick).toBe('Host');
        } finally {
          await host.logout().catch(() => undefined);
          await viewer.logout().catch(() => undefined);
        }
      } finally {
        expect(await first.stop()).toBe(0);
      }

      // Same database, fresh data folder: the app and the room come from PostgreSQL.
      const otherDir = await mkdtemp(join(tmpdir(), 'stadium-pg-start-'));
      const second = await startCli(db, otherDir);
      try {
        expect(second.output).toContain(`App ${sdkAppId} (`);
        expect(second.output).not.toContain('Created a development app');
        const t = { app: { sdkAppId }, url: second.url, sig: (userId: string) => genUserSig({ sdkAppId, key, userId, expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) }) };
        const viewer = await loggedInClient(t, 'viewer');
        try {
          const joined = await viewer.joinGroup({ groupID });
          expect(joined.data.group).toMatchObject({ groupID, name: 'On PostgreSQL', ownerID: 'host' });
        } finally {
          await viewer.logout().catch(() => undefined);
        }
      } finally {
        expect(await second.stop()).toBe(0);
        await rm(otherDir, { recursive: true, force: true });
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

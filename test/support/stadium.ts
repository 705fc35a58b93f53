/**
 * Test fixtures: a real server on port 0 with a real SQLite file in a temporary folder, an
 * app, and userSigs for it. Clean up with `await using`.
 *
 * With STADIUM_TEST_WORKERS=N (N > 1) the server is the real CLI, `stadium start --workers N`,
 * in child processes, so the same tests check a multi-process node (the `cluster` test
 * project does this; it runs the built packages, which `npm test` builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { genUserSig } from '../../packages/server/src/auth/user-sig.js';
import { createApp } from '../../packages/server/src/apps/create-app.js';
import { systemClock, type Clock } from '../../packages/server/src/clock/clock.js';
import type { ManualClock } from '../../packages/server/src/clock/manual-clock.js';
import type { CallbackDispatcher } from '../../packages/server/src/callbacks/callback-dispatcher.js';
import type { Metrics } from '../../packages/server/src/metrics/metrics.js';
import type { ServerOptions } from '../../packages/server/src/config/options.js';
import { startStadium } from '../../packages/server/src/server.js';
import { openStore } from '../../packages/server/src/storage/open-store.js';
import type { AppRecord } from '../../packages/server/src/storage/store.js';

/** Worker processes of the server under test (1 = in this process). */
export const TEST_WORKERS = Number(process.env.STADIUM_TEST_WORKERS ?? '1');

/** A running server, whichever way it runs. */
export interface RunningServer {
  url: string;
  port: number;
  /** The server's metrics, when it runs in this process. */
  metrics?: Metrics;
  /** The server's callbacks (after-event queue), when it runs in this process. */
  callbacks?: CallbackDispatcher;
  close(): Promise<void>;
}

/** A running test server with one app. */
export interface TestStadium {
  server: RunningServer;
  url: string;
  app: AppRecord;
  dataDir: string;
  /** A valid userSig for `userId` in the app. */
  sig(userId: string, expireSec?: number): string;
  /** Stop the server gracefully and start it again on the same port and data. */
  restart(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../packages/server/bin/stadium.js', import.meta.url));

async function startInProcess(options: Partial<ServerOptions>, clock?: Clock, logger?: Logger): Promise<RunningServer> {
  const server = await startStadium(options, { logger: logger ?? pino({ level: process.env.STADIUM_TEST_LOG ?? 'silent' }), ...(clock ? { clock } : {}) });
  return { url: server.url, port: server.port, metrics: server.metrics, callbacks: server.callbacks, close: () => server.close() };
}

async function startCluster(options: Partial<ServerOptions>, workers: number): Promise<RunningServer> {
  const { port = 0, host = '127.0.0.1', dataDir = '.', ...rest } = options;
  const config = join(dataDir, 'test-config.json');
  await writeFile(config, JSON.stringify(rest));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      BIN,
      'start',
      '--workers',
      String(workers),
      '--port',
      String(port),
      '--host',
      host,
      '--data',
      dataDir,
      '--config',
      config,
      '--log-level',
      process.env.STADIUM_TEST_LOG ?? 'silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STADIUM_WORKERS: '' } },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster did not start in time:\n${out}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = /Stadium is running at (\S+)[\s\S]*Workers:/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cluster exited with ${code}:\n${out}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    port: Number(new URL(url).port),
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Test-only inputs of {@link startTestStadium}. */
export interface TestDeps {
  /** Drive the server's time by hand (in-process servers only; ignored for a multi-process one). */
  clock?: ManualClock;
  /** The server's logger (in-process servers only), e.g. to collect what it logs. */
  logger?: Logger;
  /** Turn on the app's development login (setting `devLogin`, used by the live page). */
  devLogin?: boolean;
}

/** Start a server (options merged over quiet test defaults) and create an app in it. */
export async function startTestStadium(options: Partial<ServerOptions> = {}, deps: TestDeps = {}): Promise<TestStadium> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stadium-test-'));
  const store = await openStore({ db: options.db ?? '', dataDir });
  const app = await createApp(store, { name: 'test', devLogin: deps.devLogin === true }, systemClock);
  await store.close();
  const full: Partial<ServerOptions> = { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', ...options };
  const start = (o: Partial<ServerOptions>): Promise<RunningServer> => (TEST_WORKERS > 1 ? startCluster(o, TEST_WORKERS) : startInProcess(o, deps.clock, deps.logger));
  const t: TestStadium = {
    server: await start(full),
    url: '',
    app,
    dataDir,
    sig: (userId, expireSec = 3600) => genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId, expireSec, nowSec: Math.floor((deps.clock?.now() ?? Date.now()) / 1000) }),
    async restart() {
      await t.server.close();
      t.server = await start({ ...full, port: t.server.port });
    },
    async [Symbol.asyncDispose]() {
      await t.server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  t.url = t.server.url;
  return t;
}

/**
 * Test fixtures: a real server on port 0 with a real SQLite file in a temporary folder, an
 * app, and userSigs for it. Clean up with `await using`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { genUserSig } from '../../packages/server/src/auth/user-sig.js';
import { createApp } from '../../packages/server/src/apps/create-app.js';
import { systemClock } from '../../packages/server/src/clock/clock.js';
import type { ServerOptions } from '../../packages/server/src/config/options.js';
import { startStadium, type StadiumServer } from '../../packages/server/src/server.js';
import type { AppRecord } from '../../packages/server/src/storage/store.js';

/** A running test server with one app. */
export interface TestStadium {
  server: StadiumServer;
  url: string;
  app: AppRecord;
  dataDir: string;
  /** A valid userSig for `userId` in the app. */
  sig(userId: string, expireSec?: number): string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Start a server (options merged over quiet test defaults) and create an app in it. */
export async function startTestStadium(options: Partial<ServerOptions> = {}): Promise<TestStadium> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stadium-test-'));
  const server = await startStadium(
    { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', createDevApp: false, ...options },
    { logger: pino({ level: process.env.STADIUM_TEST_LOG ?? 'silent' }) },
  );
  const app = await createApp(server.store, { name: 'test' }, systemClock);
  return {
    server,
    url: server.url,
    app,
    dataDir,
    sig: (userId, expireSec = 3600) =>
      genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId, expireSec, nowSec: Math.floor(Date.now() / 1000) }),
    async [Symbol.asyncDispose]() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerOptions } from '../config/options.js';
import { verifyPassword } from '../http/console/operator-password.js';
import { MemoryStore } from '../storage/memory-store.js';
import type { Store } from '../storage/store.js';
import { main } from './main.js';
import { availableParallelism } from 'node:os';
import { drainThenClose, runStart, startRequest, type StartDeps } from './start.js';
import { testIo } from './test-io.js';

function fakeServer(store: Store = new MemoryStore()) {
  const calls: Array<Partial<ServerOptions>> = [];
  const close = vi.fn(async () => {});
  const deps: StartDeps = {
    startStadium: async (options) => {
      calls.push(options);
      return { url: 'http://127.0.0.1:8080', store, close };
    },
  };
  return { deps, calls, close, store };
}

/** Wait until `check` passes (polling output; the CLI emits no event to await), at most 10 s. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('stadium start', () => {
  it('maps flags to server options; flags win over STADIUM_* variables', () => {
    const env = {
      STADIUM_PORT: '9000',
      STADIUM_HOST: '0.0.0.0',
      STADIUM_DATA: '/env/data',
      STADIUM_DB: 'memory:',
      STADIUM_BUS: 'local:',
      STADIUM_LOG_LEVEL: 'warn',
    };
    expect(startRequest([], testIo({ ...env, STADIUM_WORKERS: '3' }).io)).toEqual({
      options: { port: 9000, host: '0.0.0.0', dataDir: '/env/data', db: 'memory:', bus: 'local:', logLevel: 'warn' },
      workers: 3,
    });
    expect(
      startRequest(['--port', '0', '--host', '::1', '--data', '/flag/data', '--db', 'sqlite:/x.db', '--bus', 'nats://x', '--log-level', 'debug', '--workers', '1'], testIo(env).io),
    ).toEqual({ options: { port: 0, host: '::1', dataDir: '/flag/data', db: 'sqlite:/x.db', bus: 'nats://x', logLevel: 'debug' }, workers: 1 });
    expect(startRequest([], testIo().io)).toEqual({ options: { dataDir: './data', db: '' }, workers: availableParallelism() });
  });

  it('takes the store from the --config file unless --db / --data or STADIUM_DB / STADIUM_DATA name one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stadium-start-config-'));
    try {
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ db: 'postgres://db.internal/stadium', dataDir: '/file/data' }));
      expect(startRequest(['--config', config, '--workers', '1'], testIo().io)).toEqual({ options: { db: 'postgres://db.internal/stadium', dataDir: '/file/data' }, workers: 1 });
      expect(startRequest(['--config', config, '--workers', '1', '--db', 'memory:'], testIo().io)).toMatchObject({ options: { db: 'memory:', dataDir: '/file/data' } });
      expect(startRequest(['--config', config, '--workers', '1'], testIo({ STADIUM_DB: 'sqlite:/x.db', STADIUM_DATA: '/env' }).io)).toMatchObject({
        options: { db: 'sqlite:/x.db', dataDir: '/env' },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad port from a flag or the environment with exit 2', async () => {
    const flag = testIo();
    expect(await main(['start', '--port', '70000'], flag.io)).toBe(2);
    expect(flag.stderr()).toContain('--port must be an integer 0–65535');
    const env = testIo({ STADIUM_PORT: 'eighty' });
    expect(await main(['start'], env.io)).toBe(2);
    expect(env.stderr()).toContain('STADIUM_PORT must be an integer');
  });

  it('creates and prints the development app on first start, closes once on SIGTERM and exits 0', async () => {
    const fake = fakeServer();
    const t = testIo();
    const done = runStart(['--port', '8080', '--workers', '1'], t.io, fake.deps);
    await until(() => t.stdout().includes('Live page'));
    const [app] = await fake.store.listApps();
    expect(app?.name).toBe('Development');
    const out = t.stdout();
    expect(out).toContain('Stadium is running at http://127.0.0.1:8080');
    expect(out).toContain(`SDKAppID:       ${app?.sdkAppId}`);
    expect(out).toContain('Admin user ID:  administrator');
    expect(out).toContain(`Secret key:     ${app?.secretKey}`);
    expect(out).toContain(`Make a userSig: npx stadium usersig --sdkappid ${app?.sdkAppId} --key ${app?.secretKey} --user <userID>`);
    expect(out).toMatch(/Console: .*\/console\/ {2}\(sign in as "operator"\)/);
    const password = /Console password \(shown once[^)]*\): (\S+)/.exec(out)?.[1];
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(await verifyPassword(password!, (await fake.store.getOperator('operator'))!.passwordHash)).toBe(true);
    expect(out).not.toMatch(/Live page: .*not in this build/);
    expect(app?.settings.devLogin).toBe(true);
    expect(out).toContain('http://127.0.0.1:8080/console/');
    expect(out).toContain('http://127.0.0.1:8080/live/');
    expect(out).toContain('http://127.0.0.1:8080/sdk/stadium.js');

    t.signals.emit('SIGTERM');
    t.signals.emit('SIGINT');
    expect(await done).toBe(0);
    expect(fake.close).toHaveBeenCalledTimes(1);
    expect(t.exitCodes).toEqual([0]);
    expect(t.signals.listenerCount('SIGTERM') + t.signals.listenerCount('SIGINT')).toBe(0);
  });

  it('drains before closing on SIGTERM when the server can drain, and closes even if the drain fails', async () => {
    const order: string[] = [];
    const store = new MemoryStore();
    const close = vi.fn(async () => void order.push('close'));
    const drain = vi.fn(async () => void order.push('drain'));
    const t = testIo();
    const done = runStart(['--port', '8080', '--workers', '1'], t.io, { startStadium: async () => ({ url: 'http://127.0.0.1:8080', store, close, drain }) });
    await until(() => t.stdout().includes('Live page'));
    t.signals.emit('SIGTERM');
    expect(await done).toBe(0);
    expect(order).toEqual(['drain', 'close']);

    order.length = 0;
    await expect(
      drainThenClose({
        close,
        drain: async () => {
          throw new Error('drain failed');
        },
      }),
    ).rejects.toThrow('drain failed');
    expect(order).toEqual(['close']);
  });

  it('prints a short line when an app already exists, and SIGINT also shuts down', async () => {
    const fake = fakeServer();
    const first = testIo();
    const run1 = runStart(['--workers', '1'], first.io, fake.deps);
    await until(() => first.stdout().includes('Live page'));
    first.signals.emit('SIGINT');
    await run1;
    const [app] = await fake.store.listApps();

    const second = testIo();
    const run2 = runStart(['--data', '/srv/stadium', '--workers', '1'], second.io, fake.deps);
    await until(() => second.stdout().includes('Live page'));
    expect(second.stdout()).toContain(`App ${app?.sdkAppId} ("Development"); \`stadium app list --data /srv/stadium\` shows its secret key.`);
    expect(second.stdout()).not.toContain(app?.secretKey ?? 'unreachable');
    expect(second.stdout()).not.toContain('Console password');
    second.signals.emit('SIGINT');
    expect(await run2).toBe(0);
    expect(await fake.store.listApps()).toHaveLength(1);
  });

  it('passes a failed start on to main, which prints it and exits 1', async () => {
    const t = testIo();
    const failing: StartDeps = {
      startStadium: async () => {
        throw new Error('listen EADDRINUSE: address already in use 127.0.0.1:8080');
      },
    };
    await expect(runStart(['--workers', '1'], t.io, failing)).rejects.toThrow('EADDRINUSE');
    const bad = testIo();
    expect(await main(['start', '--bus', 'redis://nowhere:6379', '--db', 'memory:', '--workers', '1'], bad.io)).toBe(1);
    expect(bad.stderr()).toMatch(/^error: bus "redis:\/\/nowhere:6379" is not supported/);
    const down = testIo();
    expect(await main(['start', '--bus', 'nats://127.0.0.1:1', '--db', 'memory:', '--workers', '1'], down.io)).toBe(1);
    expect(down.stderr()).toMatch(/^error: cannot connect to NATS at nats:\/\/127\.0\.0\.1:1 .*is nats-server running there\?/);
  });

  describe('with the real server', () => {
    let dataDir: string | undefined;
    afterEach(async () => {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('serves on an ephemeral port with the SQLite store under --data and stops on SIGTERM', async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'stadium-start-'));
      const t = testIo();
      const done = main(['start', '--port', '0', '--data', dataDir, '--log-level', 'silent', '--workers', '1'], t.io);
      await until(() => t.stdout().includes('Live page') || t.stderr() !== '');
      expect(t.stderr()).toBe('');
      const url = /Stadium is running at (http:\/\/\S+)/.exec(t.stdout())?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // A connected client is told to move on (4012, with the suggested delay) before the process stops.
      const sdkAppId = /SDKAppID: +(\d+)/.exec(t.stdout())?.[1];
      const ws = new WebSocket(`${url!.replace('http', 'ws')}/ws?sdkappid=${sdkAppId}&v=1`);
      const frames: Array<{ t: string; name?: string; retryAfterMs?: number }> = [];
      ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as { t: string }));
      await new Promise((resolve) => ws.once('open', resolve));
      await until(() => frames.length > 0);
      const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
      t.signals.emit('SIGTERM');
      expect(await closed).toBe(4012);
      expect(frames.at(-1)).toMatchObject({ t: 'err', name: 'SERVER_DRAINING', retryAfterMs: 1000 });
      expect(await done).toBe(0);
      const list = testIo();
      expect(await main(['app', 'list', '--json', '--data', dataDir], list.io)).toBe(0);
      expect((JSON.parse(list.stdout()) as Array<{ name: string }>).map((a) => a.name)).toEqual(['Development']);
    });
  });
});

/**
 * A throwaway PostgreSQL server for tests: Debian's binaries (`/usr/lib/postgresql/<version>/bin`,
 * or the folder in STADIUM_PG_BIN), a temporary data folder, a free TCP port on 127.0.0.1 and
 * its unix socket in the temporary folder too. Each test file starts one, makes a database per
 * store it needs, and disposes of it (server stopped, folder removed) with `await using`.
 *
 * PostgreSQL refuses to run as root: when the tests run as root, the server runs as the
 * `postgres` user (which Debian's package creates) and its folders belong to that user.
 *
 * Missing binaries fail the test loudly; they are never a reason to skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The superuser initdb creates (trust authentication: local tests only). */
const SUPERUSER = 'stadium';
/** How long the server may take to start or stop. */
const READY_TIMEOUT_MS = 30_000;

/** A running (or stopped, restartable) PostgreSQL server. */
export interface TestPostgres {
  port: number;
  /** Folder of the server's unix socket. */
  socketDir: string;
  /** A URL for `database` over TCP: `postgres://stadium@127.0.0.1:<port>/<database>`. */
  url(database: string): string;
  /** The same database over the unix socket in the temporary folder. */
  socketUrl(database: string): string;
  /** Create a new empty database and return its TCP URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Stop the server (`fast`: connections are ended; `immediate`: as if it crashed). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Start the stopped server again on the same port and data. */
  start(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The folder of PostgreSQL's server binaries: STADIUM_PG_BIN, else Debian's newest version. */
export function postgresBinDir(): string {
  const fromEnv = process.env.STADIUM_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `PostgreSQL server binaries not found in ${root}/<version>/bin (install Debian's "postgresql" package, or set STADIUM_PG_BIN to the folder of initdb and postgres)`,
    );
  }
  return join(root, versions[0]!, 'bin');
}

/** uid/gid to run the server as: the postgres user when we are root, else ourselves. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root, but there is no "postgres" user to run PostgreSQL as (it refuses root); install Debian\'s "postgresql" package');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Start a throwaway PostgreSQL server. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const user = serverUser();
  const root = await mkdtemp(join(tmpdir(), 'stadium-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'socket');
  chmodSync(root, 0o755);
  for (const dir of [dataDir, socketDir]) {
    mkdirSync(dir, { mode: 0o700 });
    if (user) chownSync(dir, user.uid, user.gid);
  }
  const spawnOptions = { ...(user ?? {}), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' } };
  const init = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { ...spawnOptions, encoding: 'utf8' });
  if (init.status !== 0) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.error?.message ?? `exit ${String(init.status)}`}):\n${init.stdout}\n${init.stderr}`);
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let counter = 0;

  async function start(): Promise<void> {
    if (child) throw new Error('the test PostgreSQL is already running');
    // fsync off only risks data when the machine itself crashes; commits stay synchronous, so
    // a crash of PostgreSQL (stop('immediate')) keeps every committed transaction, as in production.
    const args = ['-D', dataDir, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'];
    const proc = spawn(join(bin, 'postgres'), args, { ...spawnOptions, stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within ${READY_TIMEOUT_MS} ms:\n${log}`)), READY_TIMEOUT_MS);
      proc.stderr.on('data', (chunk: Buffer) => {
        if (log.length < 100_000) log += chunk.toString();
        if (log.includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`PostgreSQL exited with ${String(code)} while starting:\n${log}`));
      });
    }).catch((err: unknown) => {
      child = undefined;
      throw err;
    });
    // Drain later output so the pipe never fills.
    proc.stderr.resume();
  }

  async function stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const proc = child;
    if (!proc) return;
    // postgres: SIGINT = fast shutdown, SIGQUIT = immediate.
    proc.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    const timer = setTimeout(() => proc.kill('SIGKILL'), READY_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    child = undefined;
  }

  const url = (database: string): string => `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
  const socketUrl = (database: string): string => `postgres://${SUPERUSER}@/${database}?host=${encodeURIComponent(socketDir)}&port=${port}`;

  // If the test process ends without disposing (a crash), do not leave a server behind.
  const onExit = (): void => {
    child?.kill('SIGQUIT');
  };
  process.once('exit', onExit);

  try {
    await start();
  } catch (err) {
    process.off('exit', onExit);
    await rm(root, { recursive: true, force: true });
    throw err;
  }

  return {
    port,
    socketDir,
    url,
    socketUrl,
    async createDatabase(prefix = 'test') {
      const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${++counter}`;
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`create database "${name}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
    start,
    async [Symbol.asyncDispose]() {
      await stop('fast');
      process.off('exit', onExit);
      await rm(root, { recursive: true, force: true });
    },
  };
}

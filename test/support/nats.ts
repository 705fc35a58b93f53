/**
 * A real nats-server for tests: started on a free port of 127.0.0.1 (JetStream on, its data
 * in a temporary folder), awaited until it accepts connections, stopped, and restarted on the
 * same port (to test reconnects). Fails loudly when the binary is not installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's `nats-server` package puts the binary; `NATS_SERVER` overrides it. */
const BINARY = process.env['NATS_SERVER'] ?? ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));

/** A running nats-server. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Stop it (SIGTERM, then SIGKILL); resolves when it exited. */
  stop(): Promise<void>;
  /** Start it again on the same port; resolves when it accepts connections. */
  restart(): Promise<void>;
  /** Stop it and remove its data. */
  [Symbol.asyncDispose](): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when something accepts TCP connections on `port`; rejects after `ms`. */
async function accepting(port: number, child: ChildProcess, output: () => string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode} before accepting connections:\n${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not accept connections on ${port} within ${ms} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /** The server's `max_payload` in bytes. @default NATS's (1 MB) */
  maxPayload?: number;
}

/** Start a nats-server on a free port. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  if (!BINARY) throw new Error('nats-server is not installed (Debian: apt-get install nats-server; or set NATS_SERVER to the binary)');
  const binary = BINARY;
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'stadium-nats-'));
  const config: string[] = [];
  if (options.maxPayload !== undefined) {
    const file = join(dataDir, 'nats.conf');
    writeFileSync(file, `max_payload: ${options.maxPayload}\n`);
    config.push('-c', file);
  }
  let child: ChildProcess;
  let output = '';
  const launch = async (): Promise<void> => {
    output = '';
    child = spawn(binary, [...config, '-p', String(port), '-a', '127.0.0.1', '-js', '-sd', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await accepting(port, child, () => output);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    async [Symbol.asyncDispose]() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

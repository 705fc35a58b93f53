/**
 * One `stadium start` process (the real CLI, built packages) for cluster tests: started on
 * port 0 with a config file of its own, awaited until it says where it runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../packages/server/bin/stadium.js', import.meta.url));

/** A running `stadium start` process. */
export interface NodeProcess {
  node: string;
  url: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/** What to start. */
export interface NodeProcessOptions {
  /** Node ID. */
  node: string;
  /** Store URL (`--db`). */
  db: string;
  /** Bus URL (`--bus`). */
  bus: string;
  /** Folder for data and the config file. */
  dir: string;
  /** Server options in the config file (nodeId and batchWindowMs 0 are set). */
  options?: Record<string, unknown>;
  /** `--workers`. @default 1 */
  workers?: number;
  /** `--log-level`. @default 'error' */
  logLevel?: string;
}

/** Start a node and resolve once it runs. */
export async function startNodeProcess({ node, db, bus, dir, options = {}, workers = 1, logLevel = 'error' }: NodeProcessOptions): Promise<NodeProcess> {
  const config = join(dir, `${node}-${Date.now()}.json`);
  await writeFile(config, JSON.stringify({ nodeId: node, batchWindowMs: 0, ...options }));
  const child = spawn(
    process.execPath,
    [BIN, 'start', '--workers', String(workers), '--port', '0', '--host', '127.0.0.1', '--data', dir, '--db', db, '--bus', bus, '--config', config, '--log-level', logLevel],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STADIUM_WORKERS: '' } },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${node} did not start in time:\n${out}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Stadium is running at (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${node} exited with ${code}:\n${out}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { node, url, child, exited };
}

/** Stop every node still running (SIGTERM) and wait for all to exit. */
export async function stopNodeProcesses(nodes: readonly NodeProcess[]): Promise<void> {
  for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGTERM');
  await Promise.all(nodes.map((n) => n.exited));
}

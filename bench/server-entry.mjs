/**
 * Start Stadium in-process with options the CLI does not expose (batchWindowMs, …), for the
 * benchmarks. Usage: node --expose-gc bench/server-entry.mjs '<ServerOptions JSON>'
 * Prints `listening <port>` when ready. SIGUSR2 runs a full GC (idle-memory runs); SIGTERM /
 * SIGINT close the server (bounded) and exit.
 */
import { startStadium } from '@stadium/server';

const options = JSON.parse(process.argv[2] ?? '{}');
const server = await startStadium({ logLevel: 'warn', ...options });
process.stdout.write(`listening ${server.port}\n`);
process.on('SIGUSR2', () => globalThis.gc?.());
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 3000).unref();
  server.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

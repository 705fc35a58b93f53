/**
 * `stadium start`: the composition root's front door. Resolves flags over `STADIUM_*`
 * environment variables, starts the server, makes sure a development app exists (printing its
 * key the first time), and shuts down once on SIGTERM / SIGINT.
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { ServerOptions } from '../config/options.js';
import { ensureDevApp } from '../apps/dev-app.js';
import { systemClock } from '../clock/clock.js';
import { DEFAULT_OPERATOR, ensureOperator } from '../http/console/operators.js';
import { startStadium } from '../server.js';
import type { AppRecord, Store } from '../storage/store.js';
import { EXIT, parseFlags, parseIntegerFlag, reportError, STORE_FLAGS, storeHintFlags, storeLocation, UsageError } from './args.js';
import { runPrimary, runWorker } from './start-cluster.js';
import type { CliIo } from './io.js';
import { START_USAGE } from './usage.js';

/** What `runStart` needs from a started server. */
export interface StartedServer {
  url: string;
  store: Store;
  close(): Promise<void>;
  /** Send clients elsewhere before closing (SIGTERM). @default none: close at once */
  drain?(): Promise<void>;
}

/** Injected for tests; defaults to the real server. */
export interface StartDeps {
  startStadium: (options: Partial<ServerOptions>) => Promise<StartedServer>;
}

/** What `stadium start` was asked for. */
export interface StartRequest {
  options: Partial<ServerOptions>;
  /** Processes serving the port (1 = this process only). */
  workers: number;
}

function readConfigFile(file: string): Partial<ServerOptions> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read --config ${file}: ${(error as Error).message}`, START_USAGE);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--config ${file} must hold a JSON object of server options`, START_USAGE);
  return parsed;
}

/**
 * Server options from flags, then `STADIUM_*` environment variables, then the `--config`
 * JSON file; unset ones keep the server defaults.
 */
export function startRequest(argv: string[], io: CliIo): StartRequest | 'help' {
  const flags = parseFlags(
    argv,
    {
      ...STORE_FLAGS,
      port: { type: 'string' },
      host: { type: 'string' },
      bus: { type: 'string' },
      'log-level': { type: 'string' },
      workers: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    START_USAGE,
  );
  if (flags.help) return 'help';
  const port = flags.port ?? io.env['STADIUM_PORT'];
  const location = storeLocation(flags, io);
  const configFile = flags.config ?? io.env['STADIUM_CONFIG'];
  // The store location of a config file counts unless a flag or variable names one.
  const options: Partial<ServerOptions> = { dataDir: location.dataDir, db: location.db, ...(configFile ? readConfigFile(configFile) : {}) };
  if (flags.data !== undefined || io.env['STADIUM_DATA'] !== undefined) options.dataDir = location.dataDir;
  if (flags.db !== undefined || io.env['STADIUM_DB'] !== undefined) options.db = location.db;
  if (port !== undefined && port !== '') options.port = parseIntegerFlag(port, flags.port !== undefined ? '--port' : 'STADIUM_PORT', 0, 65535, START_USAGE);
  const host = flags.host ?? io.env['STADIUM_HOST'];
  if (host) options.host = host;
  const bus = flags.bus ?? io.env['STADIUM_BUS'];
  if (bus) options.bus = bus;
  const logLevel = flags['log-level'] ?? io.env['STADIUM_LOG_LEVEL'];
  if (logLevel) options.logLevel = logLevel;
  const workersValue = flags.workers ?? io.env['STADIUM_WORKERS'];
  const workers =
    workersValue === undefined || workersValue === ''
      ? availableParallelism()
      : parseIntegerFlag(workersValue, flags.workers !== undefined ? '--workers' : 'STADIUM_WORKERS', 1, 64, START_USAGE);
  return { options, workers };
}

/**
 * The text printed once the server is up. `operatorPassword` is the console password made at
 * this start (first start only): it is printed here once and never again.
 */
export function banner(url: string, app: AppRecord, created: boolean, storeHint: string, operatorPassword?: string): string {
  const links = [
    `  SDK:        ${url}/sdk/stadium.js`,
    `  Metrics:    ${url}/metrics`,
    `  Console:    ${url}/console/  (sign in as "${DEFAULT_OPERATOR}")`,
    ...(operatorPassword === undefined ? [] : [`  Console password (shown once; change it with \`npx stadium console password${storeHint}\`): ${operatorPassword}`]),
    `  Live page:  ${url}/live/  (open it in two tabs and chat)`,
  ];
  if (!created) {
    return [`Stadium is running at ${url}`, `App ${app.sdkAppId} ("${app.name}"); \`stadium app list${storeHint}\` shows its secret key.`, ...links, ''].join('\n');
  }
  return [
    `Stadium is running at ${url}`,
    '',
    'Created a development app:',
    `  SDKAppID:       ${app.sdkAppId}`,
    `  Admin user ID:  ${app.adminUserId}`,
    `  Secret key:     ${app.secretKey}`,
    `  Make a userSig: npx stadium usersig --sdkappid ${app.sdkAppId} --key ${app.secretKey} --user <userID>`,
    '',
    ...links,
    '',
  ].join('\n');
}

/**
 * Run `stadium start …` (argv after `start`). Resolves with the exit code after the server has
 * shut down on SIGTERM / SIGINT (and passes it to `io.exit` when given).
 */
export async function runStart(argv: string[], io: CliIo, deps: StartDeps = { startStadium }): Promise<number> {
  const request = startRequest(argv, io);
  if (request === 'help') {
    io.stdout.write(START_USAGE);
    return EXIT.OK;
  }
  const { options, workers } = request;
  if (cluster.isWorker) return runWorker(options, io);
  if (workers > 1) return runPrimary(options, workers, io);
  const server = await deps.startStadium(options);
  try {
    const { app, created } = await ensureDevApp(server.store, systemClock);
    const password = await ensureOperator(server.store, systemClock);
    io.stdout.write(banner(server.url, app, created, storeHintFlags({ dataDir: options.dataDir ?? './data', db: options.db ?? '' }), password));
  } catch (err) {
    await server.close();
    throw err;
  }
  return untilSignal(io, () => drainThenClose(server));
}

/** What SIGTERM / SIGINT do: drain (clients move to other nodes), then close. */
export async function drainThenClose(server: { close(): Promise<void>; drain?(): Promise<void> }): Promise<void> {
  try {
    await server.drain?.();
  } finally {
    await server.close();
  }
}

/** Wait for one of `names` (SIGTERM / SIGINT), then run `stop` once and resolve with the exit code. */
export async function untilSignal(
  io: CliIo,
  stop: () => Promise<void>,
  { quiet = false, names = ['SIGTERM', 'SIGINT'] }: { quiet?: boolean; names?: Array<'SIGTERM' | 'SIGINT'> } = {},
): Promise<number> {
  const signals = io.signals ?? process;
  const code = await new Promise<number>((resolve) => {
    const onSignal = (): void => {
      for (const name of names) signals.off(name, onSignal);
      if (!quiet) io.stdout.write('Stadium is shutting down…\n');
      stop().then(
        () => resolve(EXIT.OK),
        (err: unknown) => resolve(reportError(err, io)),
      );
    };
    for (const name of names) signals.once(name, onSignal);
  });
  io.exit?.(code);
  return code;
}

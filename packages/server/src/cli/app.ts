/** `stadium app create | list | update | delete`: manage applications in the store. */
import { StadiumError } from '@stadium/protocol';
import { assertValidAppName, assertValidCallbackUrl, createApp } from '../apps/create-app.js';
import { systemClock } from '../clock/clock.js';
import {
  allCallbacks,
  CALLBACK_COMMANDS,
  isCallbackCommand,
  MAX_CALLBACK_TIMEOUT_MS,
  MIN_CALLBACK_TIMEOUT_MS,
  type AppCallbacks,
  type CallbackCommand,
} from '../core/app-callbacks.js';
import { openStore } from '../storage/open-store.js';
import type { AppRecord, Store } from '../storage/store.js';
import { EXIT, parseFlags, parseIntegerFlag, required, sdkAppIdFlag, STORE_FLAGS, storeLocation, UsageError } from './args.js';
import type { CliIo } from './io.js';
import { APP_USAGE } from './usage.js';

/** Run `stadium app …` (argv after `app`). */
export async function runApp(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'create':
      return appCreate(rest, io);
    case 'list':
      return appList(rest, io);
    case 'update':
      return appUpdate(rest, io);
    case 'delete':
      return appDelete(rest, io);
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(APP_USAGE);
      return EXIT.OK;
    case undefined:
      throw new UsageError('missing app command: create, list, update or delete', APP_USAGE);
    default:
      throw new UsageError(`unknown app command "${sub}": use create, list, update or delete`, APP_USAGE);
  }
}

async function withStore<T>(location: { dataDir: string; db: string }, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(location);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function appCreate(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(
    argv,
    { ...STORE_FLAGS, name: { type: 'string' }, 'callback-url': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    APP_USAGE,
  );
  if (flags.help) {
    io.stdout.write(APP_USAGE);
    return EXIT.OK;
  }
  const name = required(flags.name, '--name', APP_USAGE);
  const location = storeLocation(flags, io);
  const app = await withStore(location, (store) => createApp(store, { name, callbackUrl: flags['callback-url'] ?? null }, systemClock));
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ SDKAppID: app.sdkAppId, secretKey: app.secretKey, adminUserID: app.adminUserId })}\n`);
    return EXIT.OK;
  }
  io.stdout.write(
    [
      `Created app "${app.name}"`,
      `  SDKAppID:       ${app.sdkAppId}`,
      `  Admin user ID:  ${app.adminUserId}`,
      `  Secret key:     ${app.secretKey}`,
      ...(app.callbackUrl ? [`  Callback URL:   ${app.callbackUrl} (every callback command; change with stadium app update)`] : []),
      '',
      'Make a userSig for the admin user (a command, not the userSig itself):',
      `  npx stadium usersig --sdkappid ${app.sdkAppId} --key ${app.secretKey} --user ${app.adminUserId}`,
      '',
    ].join('\n'),
  );
  return EXIT.OK;
}

function appJson(app: AppRecord): Record<string, unknown> {
  return {
    SDKAppID: app.sdkAppId,
    name: app.name,
    secretKey: app.secretKey,
    adminUserID: app.adminUserId,
    callbackUrl: app.callbackUrl,
    callbacks: { commands: app.callbacks.commands, timeoutMs: app.callbacks.timeoutMs, failPolicy: app.callbacks.failPolicy },
    roomRateLimitPerSec: app.settings.roomRateLimitPerSec,
    memberTips: app.settings.memberTips,
    devLogin: app.settings.devLogin,
    createdAt: new Date(app.createdAt).toISOString(),
  };
}

function parseOnOff(value: string, flag: string): boolean {
  if (value === 'on' || value === 'true') return true;
  if (value === 'off' || value === 'false') return false;
  throw new UsageError(`${flag} must be "on" or "off", got "${value}"`, APP_USAGE);
}

/** `--callbacks a,b|all|none` as the list of commands. */
function parseCallbackList(value: string): CallbackCommand[] {
  if (value === 'all') return [...CALLBACK_COMMANDS];
  if (value === 'none' || value === '') return [];
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!isCallbackCommand(name))
      throw new UsageError(`--callbacks: unknown callback command "${name}"; use all, none or a comma-separated list of: ${CALLBACK_COMMANDS.join(', ')}`, APP_USAGE);
  }
  return CALLBACK_COMMANDS.filter((c) => names.includes(c));
}

/** One line about an app's callbacks. */
function describeCallbacks(app: AppRecord): string {
  if (app.callbackUrl === null) return 'no callback URL (no callback is sent)';
  const { commands, timeoutMs, failPolicy } = app.callbacks;
  const which = commands.length === CALLBACK_COMMANDS.length ? 'every callback command' : commands.length === 0 ? 'no callback command' : commands.join(', ');
  return `${which} to ${app.callbackUrl}, timeout ${timeoutMs} ms, fail policy ${failPolicy}`;
}

async function appUpdate(argv: string[], io: CliIo): Promise<number> {
  // The SDKAppID may come first as a positional: `stadium app update 1400000001 --callbacks all`.
  const positional = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
  const flags = parseFlags(
    positional === undefined ? argv : argv.slice(1),
    {
      ...STORE_FLAGS,
      sdkappid: { type: 'string' },
      name: { type: 'string' },
      'callback-url': { type: 'string' },
      'rate-limit': { type: 'string' },
      'member-tips': { type: 'string' },
      callbacks: { type: 'string' },
      'callback-timeout': { type: 'string' },
      'callback-fail': { type: 'string' },
      'dev-login': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    APP_USAGE,
  );
  if (flags.help) {
    io.stdout.write(APP_USAGE);
    return EXIT.OK;
  }
  if (positional !== undefined && flags.sdkappid !== undefined && flags.sdkappid !== positional)
    throw new UsageError('give the SDKAppID once (positional or --sdkappid)', APP_USAGE);
  const sdkAppId = sdkAppIdFlag(positional ?? flags.sdkappid, APP_USAGE);
  const commands = flags.callbacks === undefined ? undefined : parseCallbackList(flags.callbacks);
  const timeoutMs =
    flags['callback-timeout'] === undefined
      ? undefined
      : parseIntegerFlag(flags['callback-timeout'], '--callback-timeout', MIN_CALLBACK_TIMEOUT_MS, MAX_CALLBACK_TIMEOUT_MS, APP_USAGE);
  const failFlag = flags['callback-fail'];
  if (failFlag !== undefined && failFlag !== 'allow' && failFlag !== 'reject') throw new UsageError(`--callback-fail must be "allow" or "reject", got "${failFlag}"`, APP_USAGE);
  const failPolicy = failFlag;
  const rate = flags['rate-limit'] === undefined ? undefined : parseIntegerFlag(flags['rate-limit'], '--rate-limit', 1, 100_000, APP_USAGE);
  const tips = flags['member-tips'] === undefined ? undefined : parseOnOff(flags['member-tips'], '--member-tips');
  const devLogin = flags['dev-login'] === undefined ? undefined : parseOnOff(flags['dev-login'], '--dev-login');
  if (flags.name !== undefined) assertValidAppName(flags.name);
  const callbackUrl = flags['callback-url'];
  if (callbackUrl !== undefined && callbackUrl !== '') assertValidCallbackUrl(callbackUrl);
  const app = await withStore(storeLocation(flags, io), async (store) => {
    const current = await store.getApp(sdkAppId);
    if (!current) throw new StadiumError('APP_NOT_FOUND', `SDKAppID ${sdkAppId}`);
    // A URL given to an app that had none receives every command, as with `app create --callback-url`.
    const firstUrl = callbackUrl !== undefined && callbackUrl !== '' && current.callbackUrl === null;
    const callbacks: AppCallbacks = {
      commands: commands ?? (firstUrl ? allCallbacks().commands : current.callbacks.commands),
      timeoutMs: timeoutMs ?? current.callbacks.timeoutMs,
      failPolicy: failPolicy ?? current.callbacks.failPolicy,
    };
    return store.updateApp(sdkAppId, {
      ...(flags.name === undefined ? {} : { name: flags.name }),
      ...(callbackUrl === undefined ? {} : { callbackUrl: callbackUrl === '' ? null : callbackUrl }),
      callbacks,
      settings: {
        roomRateLimitPerSec: rate ?? current.settings.roomRateLimitPerSec,
        memberTips: tips ?? current.settings.memberTips,
        devLogin: devLogin ?? current.settings.devLogin,
      },
    });
  });
  if (!app) throw new StadiumError('APP_NOT_FOUND', `SDKAppID ${sdkAppId}`);
  if (flags.json) io.stdout.write(`${JSON.stringify(appJson(app))}\n`);
  else
    io.stdout.write(
      `Updated app ${app.sdkAppId}: rooms admit ${app.settings.roomRateLimitPerSec} messages/s by default, join/quit tips ${app.settings.memberTips ? 'on' : 'off'}, development login ${app.settings.devLogin ? 'on (unsafe in production)' : 'off'}; callbacks: ${describeCallbacks(app)}.\n`,
    );
  return EXIT.OK;
}

async function appList(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(argv, { ...STORE_FLAGS, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, APP_USAGE);
  if (flags.help) {
    io.stdout.write(APP_USAGE);
    return EXIT.OK;
  }
  const apps = await withStore(storeLocation(flags, io), (store) => store.listApps());
  if (flags.json) {
    io.stdout.write(`${JSON.stringify(apps.map(appJson))}\n`);
    return EXIT.OK;
  }
  if (apps.length === 0) {
    io.stdout.write('No applications. Create one with: stadium app create --name NAME\n');
    return EXIT.OK;
  }
  const rows = [
    ['SDKAppID', 'NAME', 'ADMIN', 'SECRET KEY', 'DEV LOGIN', 'CALLBACK URL'],
    ...apps.map((a) => [String(a.sdkAppId), a.name, a.adminUserId, a.secretKey, a.settings.devLogin ? 'on' : 'off', a.callbackUrl ?? '-']),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  for (const row of rows) io.stdout.write(`${row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  ')}\n`);
  return EXIT.OK;
}

async function appDelete(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(argv, { ...STORE_FLAGS, sdkappid: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, APP_USAGE);
  if (flags.help) {
    io.stdout.write(APP_USAGE);
    return EXIT.OK;
  }
  const sdkAppId = sdkAppIdFlag(flags.sdkappid, APP_USAGE);
  const deleted = await withStore(storeLocation(flags, io), (store) => store.deleteApp(sdkAppId));
  if (!deleted) throw new StadiumError('APP_NOT_FOUND', `SDKAppID ${sdkAppId}`);
  io.stdout.write(`Deleted app ${sdkAppId} and all its data.\n`);
  return EXIT.OK;
}

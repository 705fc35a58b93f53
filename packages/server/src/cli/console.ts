/** `stadium console password`: set the console operator's password in the store (docs/console.md). */
import { systemClock } from '../clock/clock.js';
import { DEFAULT_OPERATOR, setOperatorPassword } from '../http/console/operators.js';
import { generatePassword } from '../http/console/operator-password.js';
import { openStore } from '../storage/open-store.js';
import { EXIT, parseFlags, STORE_FLAGS, storeLocation, UsageError } from './args.js';
import type { CliIo } from './io.js';
import { CONSOLE_USAGE } from './usage.js';

/** Environment variable holding the new password (so that it never appears in a process list). */
export const PASSWORD_ENV = 'STADIUM_CONSOLE_PASSWORD';

/** Run `stadium console …` (argv after `console`). */
export async function runConsole(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'password':
      return consolePassword(rest, io);
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(CONSOLE_USAGE);
      return EXIT.OK;
    case undefined:
      throw new UsageError('missing console command: password', CONSOLE_USAGE);
    default:
      throw new UsageError(`unknown console command "${sub}": use password`, CONSOLE_USAGE);
  }
}

async function consolePassword(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(argv, { ...STORE_FLAGS, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, CONSOLE_USAGE);
  if (flags.help) {
    io.stdout.write(CONSOLE_USAGE);
    return EXIT.OK;
  }
  const name = flags.name ?? DEFAULT_OPERATOR;
  if (name === '' || name.length > 64) throw new UsageError('--name must be 1–64 characters', CONSOLE_USAGE);
  const given = io.env[PASSWORD_ENV];
  const password = given === undefined || given === '' ? generatePassword() : given;
  const store = await openStore(storeLocation(flags, io));
  try {
    await setOperatorPassword(store, systemClock, name, password);
  } finally {
    await store.close();
  }
  io.stdout.write(
    given
      ? `Set the console password of "${name}" from ${PASSWORD_ENV}. Sessions signed in before are ended.\n`
      : `New console password of "${name}" (shown once): ${password}\nSessions signed in before are ended.\n`,
  );
  return EXIT.OK;
}

/** `stadium usersig`: print a TLSSigAPIv2 userSig. */
import { isValidUserId, StadiumError } from '@stadium/protocol';
import { genUserSig } from '../auth/user-sig.js';
import { EXIT, parseFlags, parseIntegerFlag, required, sdkAppIdFlag } from './args.js';
import type { CliIo } from './io.js';
import { USERSIG_USAGE } from './usage.js';

/** Default validity of a printed userSig: 180 days, as in the compatible service's samples. */
export const DEFAULT_USERSIG_EXPIRE_SEC = 86_400 * 180;
/** Longest validity accepted: about 100 years. */
const MAX_EXPIRE_SEC = 86_400 * 365 * 100;

/** Run `stadium usersig …` (argv after `usersig`); prints only the userSig and a newline. */
export async function runUsersig(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      sdkappid: { type: 'string' },
      key: { type: 'string' },
      user: { type: 'string' },
      expire: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USERSIG_USAGE,
  );
  if (flags.help) {
    io.stdout.write(USERSIG_USAGE);
    return EXIT.OK;
  }
  const sdkAppId = sdkAppIdFlag(flags.sdkappid, USERSIG_USAGE);
  const key = required(flags.key, '--key', USERSIG_USAGE);
  const userId = required(flags.user, '--user', USERSIG_USAGE);
  const expireSec = flags.expire === undefined ? DEFAULT_USERSIG_EXPIRE_SEC : parseIntegerFlag(flags.expire, '--expire', 1, MAX_EXPIRE_SEC, USERSIG_USAGE);
  if (key === '') throw new StadiumError('INVALID_PARAMETER', '--key must not be empty');
  if (!isValidUserId(userId)) throw new StadiumError('INVALID_USER_ID', `--user ${JSON.stringify(userId)}`);
  const userSig = genUserSig({ sdkAppId, key, userId, expireSec, nowSec: Math.floor(Date.now() / 1000) });
  io.stdout.write(`${userSig}\n`);
  return EXIT.OK;
}

/**
 * `im_open_login_svc/…`: accounts from the app's backend. Stadium keeps no account list apart
 * from profiles: importing an account stores its profile (nick, face URL) through the same
 * profile operation as the SDK's updateMyProfile, with the same bounds and the per-app profile
 * quota. `kick` invalidates the user's earlier userSigs and ends its sessions on every node.
 */
import { Type } from '@sinclair/typebox';
import { StadiumError } from '@stadium/protocol';
import { UserId, userIdSchema } from '../account-schema.js';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

/** `UserID`, or the legacy `Identifier` many clients still send (compat-spec Appendix C). */
const AccountFields = {
  UserID: Type.Optional(UserId),
  Identifier: Type.Optional(userIdSchema('Legacy name of UserID (1–32 bytes of printable ASCII)')),
  Type: Type.Optional(Type.Integer({ minimum: 0, maximum: 1, description: 'Legacy account type; accepted and ignored' })),
};
/** One of the two names is required: enforced by the schema, so a refusal names the field. */
const ONE_OF_THE_NAMES = { anyOf: [{ required: ['UserID'] }, { required: ['Identifier'] }] };

/** `account_import`. */
export const accountImport = defineCommand({
  path: 'im_open_login_svc/account_import',
  summary: 'Import one account: stores its profile with Nick and FaceUrl (re-importing updates them; fields left out stay as they are).',
  invalidBody: 'ACCOUNT_BAD_REQUEST',
  body: Type.Object(
    {
      ...AccountFields,
      Nick: Type.Optional(Type.String({ maxLength: 500, description: 'At most 500 bytes (UTF-8)' })),
      FaceUrl: Type.Optional(Type.String({ maxLength: 500, description: 'At most 500 bytes (UTF-8)' })),
    },
    ONE_OF_THE_NAMES,
  ),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    const userId = (body.UserID ?? body.Identifier)!;
    await deps.profiles.update(actor, { ...(body.Nick !== undefined ? { nick: body.Nick } : {}), ...(body.FaceUrl !== undefined ? { avatar: body.FaceUrl } : {}) }, userId);
    return {};
  },
});

/** `multiaccount_import`. */
export const multiaccountImport = defineCommand({
  path: 'im_open_login_svc/multiaccount_import',
  summary: 'Import up to 100 accounts at once (without nick or face URL); accounts that could not be stored are listed in FailAccounts.',
  invalidBody: 'ACCOUNT_BAD_REQUEST',
  ratePerSec: 100,
  body: Type.Object({ Accounts: Type.Array(UserId, { minItems: 1, maxItems: 100 }) }),
  response: Type.Object({ FailAccounts: Type.Array(Type.String()) }),
  async handle({ actor, deps }, body) {
    const accounts = [...new Set(body.Accounts)];
    const { missing } = await deps.profiles.find(actor, accounts);
    const failed: string[] = [];
    for (const userId of missing) {
      try {
        await deps.profiles.update(actor, {}, userId);
      } catch (error) {
        if (!(error instanceof StadiumError)) throw error;
        failed.push(userId);
      }
    }
    return { FailAccounts: failed };
  },
});

/** `kick`. */
export const kick = defineCommand({
  path: 'im_open_login_svc/kick',
  summary:
    'Invalidate every userSig of a user issued before now (a newly generated one works) and end its sessions on every node: each of its connections gets KICKED_OUT (REST_API_Kick) and the SDK does not reconnect.',
  invalidBody: 'ACCOUNT_BAD_REQUEST',
  body: Type.Object(AccountFields, ONE_OF_THE_NAMES),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    await deps.userSessions.kick(actor, (body.UserID ?? body.Identifier)!);
    return {};
  },
});

/** The account commands, in docs/rest-api.md order. */
export const ACCOUNT_COMMANDS: readonly AnyRestCommand[] = [accountImport, multiaccountImport, kick];

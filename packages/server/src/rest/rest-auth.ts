/**
 * Who calls the REST API: `?sdkappid=&identifier=&usersig=` must name an app and its admin
 * account, with a valid userSig for that account (TLSSigAPIv2, the same check as a login).
 * The result is the Actor every command acts as.
 */
import { StadiumError } from '@stadium/protocol';
import type { AppCache } from '../apps/app-cache.js';
import { verifyUserSig } from '../auth/user-sig.js';
import type { Clock } from '../clock/clock.js';
import type { Actor } from '../core/actor.js';
import { parseSdkAppId } from '../core/parse-sdk-app-id.js';

/** The query string of a REST call. */
export interface RestQuery {
  sdkappid?: string;
  identifier?: string;
  usersig?: string;
  random?: string;
  contenttype?: string;
}

/** Check a REST call's credentials; resolves with the app admin's Actor or rejects with the registry error. */
export async function authenticateRest(query: RestQuery, clientIp: string, apps: AppCache, clock: Clock): Promise<Actor> {
  if (query.sdkappid === undefined || query.sdkappid === '') throw new StadiumError('REST_SDKAPPID_MISSING');
  const sdkAppId = parseSdkAppId(query.sdkappid);
  const app = sdkAppId === undefined ? undefined : await apps.get(sdkAppId);
  if (!app) throw new StadiumError('APP_NOT_FOUND', `sdkappid ${query.sdkappid.slice(0, 20)}`);
  const identifier = query.identifier;
  if (identifier === undefined || identifier === '' || query.usersig === undefined) throw new StadiumError('REST_IDENTIFIER_INVALID');
  if (identifier !== app.adminUserId) throw new StadiumError('REST_NOT_ADMIN', `${identifier.slice(0, 32)} is not the admin of app ${app.sdkAppId}`);
  const verdict = verifyUserSig({ userSig: query.usersig, sdkAppId: app.sdkAppId, userId: identifier, key: app.secretKey, nowSec: Math.floor(clock.now() / 1000) });
  if (!verdict.ok) throw new StadiumError(verdict.reason);
  return { app, userId: identifier, kind: 'app-admin', origin: 'rest', platform: 'RESTAPI', clientIp, nick: '', avatar: '' };
}

/**
 * The development login of the live page, under /live/api/: it hands out userSigs, lists the
 * development app's rooms and names the development app. Each answers only for an app whose
 * setting `devLogin` is on (the development app made at first start; `stadium app update
 * --dev-login on|off`); for any other app it refuses with DEV_LOGIN_DISABLED (403). Anyone who
 * can reach the server can log in as any user of such an app, so it is for development only
 * (docs/live-page.md).
 */
import { ERRORS, StadiumError, isValidUserId, type ErrorName, type ErrorSpec } from '@stadium/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppCache } from '../../apps/app-cache.js';
import { genUserSig } from '../../auth/user-sig.js';
import type { Clock } from '../../clock/clock.js';
import { systemActor } from '../../core/actor.js';
import type { AppRecord } from '../../core/records.js';
import { parseSdkAppId } from '../../core/parse-sdk-app-id.js';
import type { GroupService } from '../../groups/group-service.js';
import type { Store } from '../../storage/store.js';

/** What the development login needs. */
export interface DevLoginDeps {
  store: Store;
  apps: AppCache;
  groups: GroupService;
  clock: Clock;
}

/** Lifetime of a development userSig, seconds (one day). */
export const DEV_USERSIG_EXPIRE_SEC = 86_400;
/** Most rooms `GET /live/api/rooms` lists (the newest). */
export const DEV_ROOMS_LISTED = 50;
/** Custom field of a room that holds its video URL (read by the live page). */
export const VIDEO_FIELD = 'video';

function refuse(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof StadiumError)) reply.log.error({ err: error }, 'live page API failed');
  const name: ErrorName = error instanceof StadiumError ? error.reason : 'INTERNAL_ERROR';
  const message = error instanceof StadiumError ? error.message : ERRORS.INTERNAL_ERROR.message;
  return reply
    .code((ERRORS[name] as ErrorSpec).http ?? 500)
    .header('cache-control', 'no-store')
    .send({ error: { name, code: ERRORS[name].code, message } });
}

/** Register the /live/api/ routes. */
export function registerDevLogin(app: FastifyInstance, deps: DevLoginDeps): void {
  async function devApp(value: unknown): Promise<AppRecord> {
    const sdkAppId = parseSdkAppId(typeof value === 'number' ? String(value) : (value as string | undefined));
    if (sdkAppId === undefined) throw new StadiumError('INVALID_PARAMETER', `sdkAppId must be an SDKAppID (decimal), got ${JSON.stringify(value) ?? 'nothing'}`);
    const record = await deps.apps.get(sdkAppId);
    if (!record) throw new StadiumError('APP_NOT_FOUND', `SDKAppID ${sdkAppId}`);
    if (!record.settings.devLogin) throw new StadiumError('DEV_LOGIN_DISABLED', `SDKAppID ${sdkAppId} has devLogin off`);
    return record;
  }

  const hide = { schema: { hide: true } };

  app.get('/live/api/dev-app', hide, async (_req, reply) => {
    const first = (await deps.store.listApps()).find((a) => a.settings.devLogin === true);
    if (!first) return refuse(reply, new StadiumError('APP_NOT_FOUND', 'no app has the development login (devLogin) on'));
    return reply.header('cache-control', 'no-store').send({ SDKAppID: first.sdkAppId, name: first.name });
  });

  app.post('/live/api/dev-login', hide, async (req, reply) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body !== 'object' || Array.isArray(body)) throw new StadiumError('INVALID_PARAMETER', 'the body must be a JSON object {"sdkAppId": N, "userID": "…"}');
      const record = await devApp(body.sdkAppId);
      if (!isValidUserId(body.userID)) throw new StadiumError('INVALID_USER_ID', `got ${JSON.stringify(body.userID) ?? 'nothing'}`);
      const userSig = genUserSig({
        sdkAppId: record.sdkAppId,
        key: record.secretKey,
        userId: body.userID,
        expireSec: DEV_USERSIG_EXPIRE_SEC,
        nowSec: Math.floor(deps.clock.now() / 1000),
      });
      return await reply.header('cache-control', 'no-store').send({ SDKAppID: record.sdkAppId, userID: body.userID, userSig, expireSec: DEV_USERSIG_EXPIRE_SEC });
    } catch (error) {
      return refuse(reply, error);
    }
  });

  app.get('/live/api/rooms', hide, async (req, reply) => {
    try {
      const record = await devApp((req.query as Record<string, unknown>).sdkappid);
      const all = await deps.store.listGroups(record.sdkAppId);
      const newest = all.slice(-DEV_ROOMS_LISTED).reverse();
      const actor = systemActor(record);
      const rooms = await Promise.all(
        newest.map(async (g) => {
          const { memberCount } = await deps.groups.onlineCount(actor, g.groupId).catch(() => ({ memberCount: 0 }));
          const video = g.customFields.find((f) => f.key === VIDEO_FIELD)?.value ?? '';
          return { groupID: g.groupId, name: g.name, memberCount, video };
        }),
      );
      return await reply.header('cache-control', 'no-store').send({ total: all.length, rooms });
    } catch (error) {
      return refuse(reply, error);
    }
  });
}

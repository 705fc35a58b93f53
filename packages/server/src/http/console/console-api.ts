/**
 * The console's own endpoints under /console/api/ (docs/console.md): operator sign-in and
 * session, the applications of the deployment (the REST API works inside one app, so listing,
 * creating and deleting apps lives here, through the same `createApp` / `Store.deleteApp` the
 * CLI uses), and a short-lived admin userSig for one app, with which the browser calls the
 * documented REST API (`/v4/…`) itself. Every answer is `no-store`; every POST needs the
 * session's CSRF token (header x-csrf-token) except sign-in, which has none yet.
 */
import { randomBytes } from 'node:crypto';
import { ERRORS, StadiumError, type ErrorName, type ErrorSpec } from '@stadium/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createApp } from '../../apps/create-app.js';
import { genUserSig } from '../../auth/user-sig.js';
import type { Clock } from '../../clock/clock.js';
import { parseSdkAppId } from '../../core/parse-sdk-app-id.js';
import type { AppRecord, OperatorRecord, Store } from '../../storage/store.js';
import { hashPassword, MAX_PASSWORD_CHARS, verifyPassword } from './operator-password.js';
import { checkCsrf, claimedOperator, csrfToken, CSRF_HEADER, issueSession, SESSION_COOKIE, SESSION_TTL_SEC, verifySession } from './console-session.js';
import { SignInLimiter } from './sign-in-limiter.js';

/** What the console API needs. */
export interface ConsoleApiDeps {
  store: Store;
  clock: Clock;
  /** Tell the node an app was deleted (drops caches and rooms at once; the app watcher would within seconds). */
  appDeleted?: (sdkAppId: number) => void;
}

/** Lifetime of the admin userSig the console hands the browser, seconds (10 minutes; the console asks again before it ends). */
export const CONSOLE_USERSIG_EXPIRE_SEC = 600;
/** Longest operator name read, characters. */
const MAX_OPERATOR_CHARS = 64;

function fail(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof StadiumError)) reply.log.error({ err: error }, 'console API failed');
  const name: ErrorName = error instanceof StadiumError ? error.reason : 'INTERNAL_ERROR';
  const message = error instanceof StadiumError ? error.message : ERRORS.INTERNAL_ERROR.message;
  return reply
    .code((ERRORS[name] as ErrorSpec).http ?? 500)
    .header('cache-control', 'no-store')
    .send({ error: { name, code: ERRORS[name].code, message } });
}

function cookies(req: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

function sessionCookie(req: FastifyRequest, value: string, maxAgeSec: number): string {
  const secure = req.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSec}${secure}`;
}

function body(req: FastifyRequest): Record<string, unknown> {
  const value: unknown = req.body ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StadiumError('INVALID_PARAMETER', 'the body must be a JSON object');
  return value as Record<string, unknown>;
}

function appView(app: AppRecord): Record<string, unknown> {
  return { SDKAppID: app.sdkAppId, name: app.name, createdAt: app.createdAt, devLogin: app.settings.devLogin };
}

interface Session {
  operator: OperatorRecord;
  token: string;
}

/** Register /console/api/. */
export function registerConsoleApi(app: FastifyInstance, deps: ConsoleApiDeps): void {
  const limiter = new SignInLimiter(deps.clock);
  let dummy: Promise<string> | undefined;
  const dummyHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(18).toString('base64url')));
  const hide = { schema: { hide: true } };

  async function session(req: FastifyRequest, stateChanging: boolean): Promise<Session> {
    const token = cookies(req).get(SESSION_COOKIE) ?? '';
    const name = claimedOperator(token);
    const operator = name === undefined ? undefined : await deps.store.getOperator(name);
    if (!operator || !verifySession(token, operator.passwordHash, deps.clock.now())) throw new StadiumError('CONSOLE_SESSION_REQUIRED');
    if (stateChanging) {
      const sent = req.headers[CSRF_HEADER];
      if (!checkCsrf(typeof sent === 'string' ? sent : undefined, token, operator.passwordHash)) throw new StadiumError('CONSOLE_CSRF_FAILED');
    }
    return { operator, token };
  }

  async function targetApp(value: unknown): Promise<AppRecord> {
    const sdkAppId = parseSdkAppId(typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined);
    if (sdkAppId === undefined) throw new StadiumError('INVALID_PARAMETER', `SDKAppID must be an SDKAppID (decimal), got ${JSON.stringify(value) ?? 'nothing'}`);
    const record = await deps.store.getApp(sdkAppId);
    if (!record) throw new StadiumError('APP_NOT_FOUND', `SDKAppID ${sdkAppId}`);
    return record;
  }

  function route(method: 'GET' | 'POST', path: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void {
    app.route({
      method,
      url: `/console/api/${path}`,
      ...hide,
      handler: async (req, reply) => {
        try {
          const result = await handler(req, reply);
          return await reply.header('cache-control', 'no-store').send(result);
        } catch (error) {
          return fail(reply, error);
        }
      },
    });
  }

  route('POST', 'sign-in', async (req, reply) => {
    const { name, password } = body(req);
    if (typeof name !== 'string' || name === '' || name.length > MAX_OPERATOR_CHARS)
      throw new StadiumError('INVALID_PARAMETER', `name must be the operator's name (1–${MAX_OPERATOR_CHARS} characters)`);
    if (typeof password !== 'string' || password.length > MAX_PASSWORD_CHARS)
      throw new StadiumError('INVALID_PARAMETER', `password must be a string of at most ${MAX_PASSWORD_CHARS} characters`);
    const wait = limiter.attempt(req.ip, name);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new StadiumError('CONSOLE_SIGN_IN_LIMITED', `retry in ${wait} s`);
    }
    const operator = await deps.store.getOperator(name);
    // An unknown account costs the same scrypt work, so the answer time does not tell which names exist.
    const ok = (await verifyPassword(password, operator?.passwordHash ?? (await dummyHash()))) && operator !== undefined;
    limiter.outcome(name, ok);
    if (!ok) throw new StadiumError('CONSOLE_SIGN_IN_FAILED');
    const token = issueSession(operator.name, operator.passwordHash, deps.clock.now());
    reply.header('set-cookie', sessionCookie(req, token, SESSION_TTL_SEC));
    return { operator: operator.name, csrfToken: csrfToken(token, operator.passwordHash) };
  });

  route('GET', 'session', async (req) => {
    const { operator, token } = await session(req, false);
    return { operator: operator.name, csrfToken: csrfToken(token, operator.passwordHash) };
  });

  route('POST', 'sign-out', async (req, reply) => {
    await session(req, true);
    reply.header('set-cookie', sessionCookie(req, '', 0));
    return {};
  });

  route('GET', 'apps', async (req) => {
    await session(req, false);
    return { apps: (await deps.store.listApps()).map(appView) };
  });

  route('GET', 'app', async (req) => {
    await session(req, false);
    const record = await targetApp((req.query as Record<string, unknown>).sdkappid);
    return { ...appView(record), secretKey: record.secretKey, adminUserID: record.adminUserId };
  });

  route('POST', 'apps/create', async (req) => {
    await session(req, true);
    const { name } = body(req);
    const record = await createApp(deps.store, { name: name as string }, deps.clock);
    return { ...appView(record), secretKey: record.secretKey, adminUserID: record.adminUserId };
  });

  route('POST', 'apps/delete', async (req) => {
    await session(req, true);
    const { SDKAppID, confirm } = body(req);
    const record = await targetApp(SDKAppID);
    if (confirm !== record.name) throw new StadiumError('CONSOLE_CONFIRMATION_MISMATCH', `type "${record.name}" to delete app ${record.sdkAppId}`);
    if (!(await deps.store.deleteApp(record.sdkAppId))) throw new StadiumError('APP_NOT_FOUND', `SDKAppID ${record.sdkAppId}`);
    deps.appDeleted?.(record.sdkAppId);
    return { deleted: record.sdkAppId };
  });

  route('POST', 'usersig', async (req) => {
    await session(req, true);
    const record = await targetApp(body(req).SDKAppID);
    const userSig = genUserSig({
      sdkAppId: record.sdkAppId,
      key: record.secretKey,
      userId: record.adminUserId,
      expireSec: CONSOLE_USERSIG_EXPIRE_SEC,
      nowSec: Math.floor(deps.clock.now() / 1000),
    });
    return { SDKAppID: record.sdkAppId, identifier: record.adminUserId, userSig, expireSec: CONSOLE_USERSIG_EXPIRE_SEC };
  });
}

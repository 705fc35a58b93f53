/**
 * The HTTP side of the one port: health, metrics, the browser SDK bundle, the REST API and the
 * live page and the console. WebSocket upgrades on the same server are taken by
 * the gateway.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.js';
import { registerRest, type RestPluginOptions } from '../rest/rest-plugin.js';
import { registerConsoleApi, type ConsoleApiDeps } from './console/console-api.js';
import { registerConsolePage } from './console/console-page.js';
import { registerDevLogin, type DevLoginDeps } from './live/dev-login.js';
import { registerWebPages } from './live/web-pages.js';

/** What the HTTP app shows. */
export interface HttpAppDeps {
  logger: Logger;
  metrics: Metrics;
  /** Text of /metrics. */
  metricsText(): Promise<string>;
  nodeId: string;
  /** Folder holding stadium.js; empty to find the installed @stadium/sdk. */
  sdkBundleDir: string;
  health(): Record<string, unknown>;
  /** Whether the node takes new connections (`/readyz`); false once it drains. @default always */
  ready?: () => boolean;
  /** The REST API under /v4/. */
  rest: Omit<RestPluginOptions, 'logger'>;
  /** Folder of the built web pages; empty to find the installed @stadium/web. */
  webDir: string;
  /** The development login of the live page (/live/api/). */
  devLogin: DevLoginDeps;
  /** The console's own endpoints (/console/api/). */
  console: ConsoleApiDeps;
  /**
   * Reverse proxies whose X-Forwarded-For is believed (option `trustedProxies`), so that REST's
   * `ClientIP` and the console's sign-in limits see the client's address as the WebSocket side
   * does. Empty: the socket's peer address.
   */
  trustedProxies?: readonly string[];
}

/** Where the built browser bundle of @stadium/sdk is. */
export function defaultSdkBundleDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@stadium/sdk'));
}

async function readBundleFile(dir: string, name: string): Promise<Buffer | null> {
  try {
    return await readFile(join(dir, name));
  } catch {
    return null;
  }
}

/** Build the Fastify app. */
export function createHttpApp(deps: HttpAppDeps): FastifyInstance {
  const app = Fastify({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- picks Fastify's logger type parameter (the app is typed FastifyInstance with FastifyBaseLogger)
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.rest.maxBodyBytes,
    // req.ip: the right-most X-Forwarded-For address that is not a trusted proxy, as for WebSockets.
    trustProxy: deps.trustedProxies && deps.trustedProxies.length > 0 ? [...deps.trustedProxies] : false,
    // REST bodies are checked as they are: no type coercion, no silently removed fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });
  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Stadium REST API',
        version: '1',
        description:
          'The compatible REST API of Stadium: POST /v4/<service>/<command>?sdkappid=&identifier=&usersig=&random=&contenttype=json. Every answer is HTTP 200 with ActionStatus / ErrorCode / ErrorInfo.',
      },
    },
  });
  registerRest(app, { ...deps.rest, logger: deps.logger });
  app.get('/v4/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  const bundleDir = deps.sdkBundleDir || defaultSdkBundleDir();
  const bundles = new Map<string, Promise<Buffer | null>>();
  // The bundle compressed once, on first request, for clients that accept gzip.
  const gzipped = new Map<string, Buffer>();

  registerDevLogin(app, deps.devLogin);
  registerWebPages(app, deps.webDir);
  registerConsolePage(app, deps.webDir);
  registerConsoleApi(app, deps.console);

  app.get('/healthz', async () => ({ status: 'ok', node: deps.nodeId, ...deps.health() }));
  // Readiness for load balancers and rolling restarts: 503 as soon as the node drains.
  app.get('/readyz', async (_req, reply) => {
    const ready = deps.ready?.() ?? true;
    if (!ready) reply.code(503);
    return { status: ready ? 'ready' : 'draining', node: deps.nodeId };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metricsText();
  });

  for (const [name, type] of [
    ['stadium.js', 'application/javascript; charset=utf-8'],
    ['stadium.js.map', 'application/json; charset=utf-8'],
  ] as const) {
    app.get(`/sdk/${name}`, async (req, reply) => {
      let pending = bundles.get(name);
      if (!pending) bundles.set(name, (pending = readBundleFile(bundleDir, name)));
      const body = await pending;
      if (!body) {
        bundles.delete(name);
        return reply.code(404).type('text/plain').send(`The browser SDK bundle ${name} is not built; run "npm run build".\n`);
      }
      reply.type(type).header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').header('vary', 'accept-encoding');
      if (!/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.send(body);
      let zipped = gzipped.get(name);
      if (!zipped) gzipped.set(name, (zipped = gzipSync(body)));
      return reply.header('content-encoding', 'gzip').send(zipped);
    });
  }

  return app;
}

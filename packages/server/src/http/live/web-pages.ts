/**
 * The built web pages (packages/web/dist) under /live/: hashed assets are immutable, HTML is
 * revalidated on every load, and the gzip / brotli files made at build time are served when the
 * client accepts them. Without a build, /live/ answers 503 with what to run; the server never
 * needs Vite at run time.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Cache-Control of the hashed files under assets/ (their name changes with their content). */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** Cache-Control of the HTML and of the other unhashed files. */
export const REVALIDATE_CACHE = 'no-cache';
/**
 * Content-Security-Policy of the pages: scripts only from this server (so even an injected
 * `<img onerror>` could not run), video, images and HLS playlists from anywhere (a room's
 * video is usually on a CDN), hls.js's worker from a blob.
 */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data: blob:; media-src * blob:; connect-src *; worker-src 'self' blob:; object-src 'none'; base-uri 'none'";

/** Where the built pages of @stadium/web are, or '' when the package is not installed. */
export function defaultWebDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@stadium/web/package.json')), 'dist');
  } catch {
    return '';
  }
}

/** Serve the live page from `webDir` ('' finds the installed @stadium/web). */
export function registerWebPages(app: FastifyInstance, webDir: string): void {
  const root = webDir || defaultWebDir();
  app.get('/live', { schema: { hide: true } }, async (req, reply) => {
    const query = req.url.indexOf('?');
    return reply.redirect(`/live/${query >= 0 ? req.url.slice(query) : ''}`, 301);
  });
  if (!root || !existsSync(join(root, 'index.html'))) {
    app.get('/live/*', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', REVALIDATE_CACHE)
        .send('The live page is not built. Run "npm run build" (npm install runs it too), then restart the server.\n'),
    );
    return;
  }
  const assets = `${sep}assets${sep}`;
  void app.register(fastifyStatic, {
    root,
    prefix: '/live/',
    preCompressed: true,
    cacheControl: false,
    index: ['index.html'],
    schemaHide: true,
    setHeaders(res, path) {
      res.setHeader('cache-control', path.includes(assets) ? IMMUTABLE_CACHE : REVALIDATE_CACHE);
      res.setHeader('x-content-type-options', 'nosniff');
      if (/\.html(\.br|\.gz)?$/.test(path)) res.setHeader('content-security-policy', PAGE_CSP);
    },
  });
}

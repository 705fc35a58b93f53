/**
 * The console page at /console/: `console.html` of the web build (packages/web/dist), sent
 * pre-compressed when the client accepts it, revalidated on every load, with the pages'
 * Content-Security-Policy. Its scripts and styles are the hashed files of the same build under
 * /live/assets/ (one Vite build, one asset folder). Without a build it answers 503 with what
 * to run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { defaultWebDir, PAGE_CSP, REVALIDATE_CACHE } from '../live/web-pages.js';

/** Serve /console/ from `webDir` ('' finds the installed @stadium/web). */
export function registerConsolePage(app: FastifyInstance, webDir: string): void {
  const root = webDir || defaultWebDir();
  const file = root ? join(root, 'console.html') : '';
  app.get('/console', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/', 301));
  const html = file && existsSync(file) ? readFileSync(file) : undefined;
  const read = (suffix: string): Buffer | undefined => (existsSync(file + suffix) ? readFileSync(file + suffix) : undefined);
  const br = html && read('.br');
  const gz = html && read('.gz');
  app.get('/console/', { schema: { hide: true } }, async (req, reply) => {
    reply.header('cache-control', REVALIDATE_CACHE).header('x-content-type-options', 'nosniff');
    if (!html) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The console is not built. Run "npm run build" (npm install runs it too), then restart the server.\n');
    }
    reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('vary', 'accept-encoding');
    const accept = String(req.headers['accept-encoding'] ?? '');
    if (br && /\bbr\b/.test(accept)) return reply.header('content-encoding', 'br').send(br);
    if (gz && /\bgzip\b/.test(accept)) return reply.header('content-encoding', 'gzip').send(gz);
    return reply.send(html);
  });
}

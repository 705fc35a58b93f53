/**
 * Builds the browser bundle dist/stadium.js (served by the server at /sdk/stadium.js): an IIFE
 * that defines the global `TIM` (the default export). Run after `tsc -b` (the `#websocket`
 * import resolves to dist/transport/websocket-browser.js under the `browser` condition).
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const result = await build({
  entryPoints: [join(root, 'src/index.ts')],
  outfile: join(root, 'dist/stadium.js'),
  bundle: true,
  platform: 'browser',
  conditions: ['browser'],
  format: 'iife',
  globalName: 'TIM',
  footer: { js: 'TIM=TIM.default;' },
  target: ['es2020'],
  minify: true,
  sourcemap: true,
  external: ['ws'],
  metafile: true,
  logLevel: 'warning',
});

const inputs = Object.keys(result.metafile.inputs);
const leaked = inputs.filter((path) => /(^|\/)node_modules\/ws\//.test(path) || path.endsWith('websocket-node.js'));
if (leaked.length > 0) {
  console.error(`stadium.js must not include the ws package, but it includes: ${leaked.join(', ')}`);
  process.exit(1);
}

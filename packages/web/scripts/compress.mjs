/**
 * After `vite build`: write a .gz and a .br beside every text file of dist/ (the server sends
 * them with Content-Encoding when the client accepts them), and print the compressed size of
 * what the live page loads on first view.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const TEXT = new Set(['.html', '.js', '.css', '.svg', '.json', '.map', '.txt']);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const firstLoad = (path) =>
  path.endsWith('index.html') ||
  html.includes(
    `/live/${path
      .slice(dist.length + 1)
      .split(sep)
      .join('/')}"`,
  );
let gzipTotal = 0;
for (const path of files(dist)) {
  if (!TEXT.has(extname(path))) continue;
  const body = readFileSync(path);
  const gz = gzipSync(body, { level: 9 });
  writeFileSync(`${path}.gz`, gz);
  writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
  if (firstLoad(path)) gzipTotal += gz.length;
}
console.log(`packages/web: dist/ compressed; first load ${(gzipTotal / 1024).toFixed(1)} KB gzip without the SDK bundle (hls.js loads only for HLS videos)`);

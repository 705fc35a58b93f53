/**
 * Every registered REST command has a request schema (which also feeds the OpenAPI
 * document), a section in docs/rest-api.md, and a test. The test rule, kept simple: some test
 * file under test/ other than this one uses the REST helper (`./support/rest.js`, which sends
 * real HTTP requests) and contains the command's path as a quoted string, e.g.
 * `'openim/sendmsg'`. Legacy names (aliases) must be named in the doc and in a test the same way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REST_COMMANDS } from '../packages/server/src/rest/commands/index.js';
import { startTestStadium } from './support/stadium.js';

const DOC = readFileSync(new URL('../docs/rest-api.md', import.meta.url), 'utf8');
const HEADINGS = [...DOC.matchAll(/^### `v4\/([^`]+)`$/gm)].map((m) => m[1]!);
const THIS_FILE = 'rest-commands-meta.test.ts';

/** Test files (recursively under test/) that call the REST API through the helper. */
function restTestSources(): Array<{ file: string; text: string }> {
  const dir = new URL('./', import.meta.url);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts') && !file.endsWith(THIS_FILE))
    .map((file) => ({ file, text: readFileSync(new URL(file, dir), 'utf8') }))
    .filter(({ text }) => /from '\.\/support\/rest\.js'/.test(text));
}

const quoted = (path: string): RegExp => new RegExp(`['"\`]${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"\`]`);

describe('the REST command registry', () => {
  const paths = REST_COMMANDS.flatMap((c) => [c.path, ...(c.aliases ?? [])]);
  const sources = restTestSources();

  it('has commands, each path once', () => {
    expect(REST_COMMANDS.length).toBeGreaterThan(0);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it.each(REST_COMMANDS.map((c) => [c.path, c] as const))('%s has an object request schema and a response schema', (_path, command) => {
    expect(command.body.type).toBe('object');
    expect(typeof command.body.properties).toBe('object');
    expect(command.response.type).toBe('object');
    expect(command.summary.length).toBeGreaterThan(0);
  });

  it.each(REST_COMMANDS.map((c) => [c.path, c] as const))('%s has a section in docs/rest-api.md', (path, command) => {
    expect(HEADINGS, `docs/rest-api.md needs a heading ### \`v4/${path}\``).toContain(path);
    for (const alias of command.aliases ?? []) expect(DOC, `docs/rest-api.md must name the legacy path ${alias}`).toContain(alias.split('/').pop()!);
  });

  it.each(paths.map((p) => [p]))('%s is sent by a test', (path) => {
    const users = sources.filter(({ text }) => quoted(path).test(text)).map(({ file }) => file);
    expect(users, `no test under test/ sends '${path}' through ./support/rest.js`).not.toEqual([]);
  });

  it('documents no command that is not registered', () => {
    expect(HEADINGS.filter((h) => !REST_COMMANDS.some((c) => c.path === h))).toEqual([]);
  });

  it('serves every command, with its request schema, in the OpenAPI document', async () => {
    await using t = await startTestStadium();
    const doc = (await (await fetch(`${t.url}/v4/openapi.json`)).json()) as { paths: Record<string, { post?: { requestBody?: unknown } }> };
    for (const path of paths) expect(doc.paths[`/v4/${path}`]?.post?.requestBody, path).toBeDefined();
  });
});

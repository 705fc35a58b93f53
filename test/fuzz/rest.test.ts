/**
 * Fuzzing the REST API, the second front door: for every command in REST_COMMANDS, bodies
 * generated from its own schema (each field near its limits, one field hostile, or the body not
 * an object at all), posted as the app admin. Properties: every answer is the JSON envelope,
 * never HTTP 500 nor `INTERNAL_ERROR` (10002), a refusal carries a registry code, and the server
 * logs nothing at warn or above.
 *
 * A failure message starts with `FUZZ_SEED=… FUZZ_PATH=…`: set both to replay it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '@stadium/protocol';
import { REST_COMMANDS } from '../../packages/server/src/rest/commands/index.js';
import { hostile, shortText, toJson } from './arbitraries.js';
import { assertProperty, expectNoLoggedErrors, expectOk, fuzzParameters, startFuzzStadium, type FuzzStadium } from './harness.js';

/** Requests per run (posted at once) and runs per command. */
const BATCH = 20;
const RUNS = 3;

const CODES = new Set<number>(Object.values(ERRORS).map((e) => e.code));

/** The JSON-schema fields of a TypeBox schema that the generator reads. */
interface Schema {
  type?: string;
  const?: unknown;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
}

/** Plausible values for a schema: valid most of the time, near its limits sometimes. */
function plausible(schema: Schema, key = ''): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => plausible(s, key)));
  switch (schema.type) {
    case 'string': {
      const max = schema.maxLength ?? 64;
      if (/GroupId/.test(key)) return fc.constantFrom('fz-rest', 'fz-none', '', 'x'.repeat(48), 'x'.repeat(49), '@TGS#nope');
      if (/Account/.test(key)) return fc.constantFrom('administrator', 'viewer', 'x'.repeat(32), '');
      if (key === 'Type') return fc.constantFrom('AVChatRoom', 'Public');
      return fc.oneof(
        { arbitrary: fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(max, 12) }), weight: 4 },
        { arbitrary: fc.constantFrom('x'.repeat(max), '名'.repeat(max)), weight: 1 },
      );
    }
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -(2 ** 31);
      const max = schema.maximum ?? 2 ** 32;
      return fc.oneof(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 32) }), fc.constantFrom(min, max, min - 1, max + 1));
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schema.items ? plausible(schema.items, key) : hostile, { maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length === 0) return fc.constant({});
      const required = new Set(schema.required ?? []);
      return fc.record(Object.fromEntries(properties.map(([k, s]) => [k, plausible(s, k)])), { requiredKeys: properties.map(([k]) => k).filter((k) => required.has(k)) });
    }
    case undefined:
    default:
      return hostile;
  }
}

/** A body for a command: its schema's plausible object with one field hostile, or anything at all. */
function bodyFor(schema: Schema): fc.Arbitrary<unknown> {
  const names = Object.keys(schema.properties ?? {});
  const valid = plausible(schema) as fc.Arbitrary<Record<string, unknown>>;
  const mutated = names.length === 0 ? valid : fc.tuple(valid, fc.constantFrom(...names), hostile).map(([body, name, bad]) => ({ ...body, [name]: bad }));
  return fc.oneof({ arbitrary: mutated, weight: 4 }, { arbitrary: valid, weight: 2 }, { arbitrary: hostile, weight: 1 });
}

let fz: FuzzStadium;

beforeAll(async () => {
  fz = await startFuzzStadium();
  const host = await fz.login('administrator');
  expectOk(await host.request('group.create', { name: 'rest', type: 'AVChatRoom', groupID: 'fz-rest' }), 'create fz-rest');
});

afterAll(async () => {
  await fz?.[Symbol.asyncDispose]();
});

async function post(path: string, text: string): Promise<void> {
  const t = fz.t;
  const query = `sdkappid=${t.app.sdkAppId}&identifier=${t.app.adminUserId}&usersig=${encodeURIComponent(t.sig(t.app.adminUserId))}&random=${Math.floor(Math.random() * 2 ** 32)}&contenttype=json`;
  const response = await fetch(`${t.url}/v4/${path}?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  const raw = await response.text();
  const fail = (why: string): never => {
    throw new Error(`${why}\n  ${path}: ${shortText(text)}\n  got ${response.status}: ${shortText(raw)}`);
  };
  if (response.status >= 500) fail('HTTP 5xx');
  let answer: { ActionStatus?: unknown; ErrorCode?: unknown };
  try {
    answer = JSON.parse(raw) as typeof answer;
  } catch {
    return fail('not a JSON envelope');
  }
  if (answer.ErrorCode === ERRORS.INTERNAL_ERROR.code) fail('INTERNAL_ERROR answered to client input');
  if (answer.ActionStatus === 'FAIL' && !CODES.has(answer.ErrorCode as number)) fail('refusal without a registry code');
}

describe('every REST command, as the app admin', () => {
  it.each(REST_COMMANDS.map((c) => [c.path, c]))('%s: never 5xx nor INTERNAL_ERROR, nothing logged', async (path, command) => {
    await assertProperty(
      path,
      fc.asyncProperty(fc.array(bodyFor(command.body as Schema), { minLength: BATCH, maxLength: BATCH }), async (bodies) => {
        await Promise.all(bodies.map((body) => post(path, toJson(body))));
        expectNoLoggedErrors(fz);
      }),
      fuzzParameters(RUNS),
    );
    expect(fz.errors).toEqual([]);
  });
});

/**
 * Fuzzing the frame level (issue 7, items 5 and 6): text that is not JSON, JSON that is not an
 * object, objects that are not a request (bad `t`, `id`, `cmd` or `body`) and binary frames.
 * Each gets exactly one answer (`err`, or `res` when the frame had a usable id) with a registry
 * error; every one counts toward the bad-frame limit, and the frame past the limit closes the
 * connection with a code from the close-code table. Time is the server's ManualClock, so the
 * one-minute window of the limit never rolls over during a run.
 *
 * A failure message starts with `FUZZ_SEED=… FUZZ_PATH=…`: set both to replay it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLOSE_CODES, ERRORS, isCommandName, type ServerFrame } from '@stadium/protocol';
import { ManualClock } from '../../packages/server/src/clock/manual-clock.js';
import { deepValue, hostile, shortText, toJson, weirdString } from './arbitraries.js';
import { FuzzClient } from './fuzz-client.js';
import { assertProperty, Bystander, expectNoLoggedErrors, fuzzParameters, startFuzzStadium, type FuzzStadium } from './harness.js';

/** The server's bad-frame limit per connection and minute (the default). */
const LIMIT = 20;

/** A malformed frame: its text or bytes. */
type BadFrame = { text: string } | { bytes: Uint8Array };

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a parsed value is a frame the server would serve (a ping or a well-formed request). */
function wellFormed(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { t, id, cmd, body } = value as Record<string, unknown>;
  if (t === 'ping') return true;
  return t === 'req' && typeof id === 'number' && Number.isSafeInteger(id) && isCommandName(cmd) && (body === undefined || isObject(body));
}

/** Command names that are not commands: short strings (see the skipped property below for any value). */
const shortCmd = fc.oneof(fc.constantFrom('login', 'group.join', 'msg.send', 'LOGIN', 'group.', '__proto__', 'constructor', 'toString', ''), fc.string({ maxLength: 12 }));

const badFrameWith = (cmdValue: fc.Arbitrary<unknown>): fc.Arbitrary<BadFrame> =>
  fc
    .oneof(
      // Text that is mostly not JSON.
      fc.oneof(weirdString, fc.string({ unit: 'binary' }), fc.constantFrom('', '{', '{"t":', 'null', '[]', '"req"', '1e400', 'NaN', '{"t":"req",}')).map((text) => ({ text })),
      // JSON that is not an object, or an object that is not a request.
      fc.oneof(hostile, fc.jsonValue()).map((v) => ({ text: toJson(v) })),
      fc
        .record(
          {
            t: fc.oneof(fc.constantFrom('req', 'REQ', 'res', 'pong', 'ping ', ''), hostile),
            id: fc.oneof(fc.integer(), fc.constantFrom(2 ** 53, -0.5, 1e300), hostile),
            cmd: cmdValue,
            body: hostile,
          },
          { requiredKeys: [] },
        )
        .map((frame) => ({ text: toJson(frame) })),
      // Binary frames.
      fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ bytes })),
    )
    .filter((f) => {
      if (!('text' in f)) return true;
      try {
        return !wellFormed(JSON.parse(f.text));
      } catch {
        return true;
      }
    })
    .filter((f) => ('text' in f ? Buffer.byteLength(f.text) : f.bytes.length) < 65_000);

const badFrame = badFrameWith(shortCmd);

const describeFrame = (f: BadFrame): string => ('text' in f ? shortText(f.text) : `binary ${Buffer.from(f.bytes).toString('hex').slice(0, 80)}`);

let fz: FuzzStadium;
let bystander: Bystander;
const clock = new ManualClock();

beforeAll(async () => {
  fz = await startFuzzStadium({ maxBadFramesPerMinute: LIMIT }, { clock });
  bystander = await Bystander.join(fz, 'bystander', 'fz-by');
});

afterAll(async () => {
  await fz?.[Symbol.asyncDispose]();
});

/** Send `frames` and a ping; return every frame the server sent back before the pong. */
async function answersTo(c: FuzzClient, frames: readonly BadFrame[]): Promise<ServerFrame[]> {
  c.clearOther();
  for (const f of frames) c.sendRaw('text' in f ? f.text : Buffer.from(f.bytes), !('text' in f));
  c.sendRaw('{"t":"ping"}');
  await c.next((f) => f.t === 'pong');
  const pong = c.other.findIndex((f) => f.t === 'pong');
  return c.other.slice(0, pong).filter((f) => f.t !== 'hello');
}

it('every malformed frame gets one registry error and counts toward the limit; the one past it closes the connection with 4002', async () => {
  await assertProperty(
    'bad frames',
    fc.asyncProperty(fc.array(badFrame, { minLength: LIMIT + 1, maxLength: LIMIT + 1, size: 'max' }), async (frames) => {
      const c = await fz.connect();
      const answers = await answersTo(c, frames.slice(0, LIMIT));
      if (answers.length !== LIMIT) throw new Error(`${LIMIT} bad frames got ${answers.length} answers: ${shortText(JSON.stringify(answers))}`);
      for (const [i, a] of answers.entries()) {
        const name = (a as { name?: string }).name;
        const ok = (a.t === 'err' && name === 'BAD_FRAME') || (a.t === 'res' && (name === 'BAD_FRAME' || name === 'UNKNOWN_COMMAND' || name === 'INVALID_PARAMETER'));
        if (!ok || ERRORS[name as keyof typeof ERRORS].code !== (a as { code: number }).code) {
          throw new Error(`frame ${describeFrame(frames[i]!)} got ${shortText(JSON.stringify(a))}`);
        }
        if ((a as { message: string }).message.length > 1000) throw new Error(`answer to ${describeFrame(frames[i]!)} is ${(a as { message: string }).message.length} characters`);
      }
      if (c.closeCode !== null) throw new Error(`closed with ${c.closeCode} after ${LIMIT} bad frames (the limit allows them)`);
      const last = frames[LIMIT]!;
      c.clearOther();
      c.sendRaw('text' in last ? last.text : Buffer.from(last.bytes), !('text' in last));
      // A pong after it would mean the connection stayed open.
      c.sendRaw('{"t":"ping"}');
      await Promise.race([c.closed(), c.next((f) => f.t === 'pong')]);
      if (c.closeCode !== CLOSE_CODES.TOO_MANY_BAD_FRAMES) throw new Error(`frame ${LIMIT + 1} (${describeFrame(last)}) closed with ${c.closeCode}, not 4002`);
      expectNoLoggedErrors(fz);
    }),
    fuzzParameters(60),
  );
  await bystander.check();
});

// A `cmd` that is not a short string (a 20,000-deep array, a 60 KB string) is named in
// UNKNOWN_COMMAND with JSON.stringify in gateway/ws-gateway.ts: a deep one throws a RangeError
// out of the socket's message listener (an uncaught exception), a long one comes back whole.
// The gateway names it with describe() (bounded depth and length).
it('an unknown command of any shape (deep, huge) gets a short UNKNOWN_COMMAND', async () => {
  await assertProperty(
    'unknown commands of any shape',
    fc.asyncProperty(fc.oneof(hostile, deepValue), async (cmd) => {
      const c = await fz.connect();
      const [answer] = await answersTo(c, [{ text: `{"t":"req","id":1,"cmd":${toJson(cmd)}}` }]);
      const message = (answer as { message?: string } | undefined)?.message ?? '';
      if (answer?.t !== 'res' || answer.code === 0 || message.length > 1000) throw new Error(`got ${shortText(JSON.stringify(answer) ?? 'nothing')}`);
      await c.close();
      expectNoLoggedErrors(fz);
    }),
    fuzzParameters(60),
  );
  await bystander.check();
});

it('a frame over maxFrameBytes closes only its connection, with 1009 from the close-code table', async () => {
  const c = await fz.connect();
  c.sendRaw(`{"t":"req","id":1,"cmd":"login","body":{"userID":"${'x'.repeat(70_000)}"}}`);
  await c.closed();
  expect(c.closeCode).toBe(CLOSE_CODES.FRAME_TOO_LARGE);
  expect(Object.values(CLOSE_CODES)).toContain(c.closeCode);
  await bystander.check();
  expectNoLoggedErrors(fz);
});

// Invalid UTF-8 in a text frame gets an `err` frame (INVALID_UTF8) and counts as a bad frame;
// the connection stays open (the bad-frame limit closes it, with 4002, after enough of them).
it('a text frame of invalid UTF-8 gets an INVALID_UTF8 err frame and leaves the connection usable', async () => {
  const invalidUtf8 = fc.oneof(
    fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf5, 0x80, 0x80, 0x80])),
    fc
      .tuple(fc.string({ maxLength: 20 }), fc.integer({ min: 0x80, max: 0xff }))
      .map(([s, b]) => Buffer.concat([Buffer.from(`{"t":"req","id":1,"cmd":"login","body":{"userID":"${s}`), Buffer.from([b, b]), Buffer.from('"}}')])),
  );
  await assertProperty(
    'invalid UTF-8',
    fc.asyncProperty(invalidUtf8, async (bytes) => {
      const c = await fz.connect();
      c.clearOther();
      c.sendRaw(bytes, false);
      await c.next((f) => f.t === 'err' && f.name === 'INVALID_UTF8');
      const after = await c.request('group.get', { groupID: 'nope' });
      if (after.code !== ERRORS.GROUP_NOT_FOUND.code) throw new Error(`the connection broke after invalid UTF-8: ${JSON.stringify(after)}`);
      await c.close();
      expectNoLoggedErrors(fz);
    }),
    fuzzParameters(20),
  );
  await bystander.check();
});

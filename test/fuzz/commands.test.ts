/**
 * Fuzzing every command of the protocol against a real server (issue 7, item 6): generated
 * bodies for each command in `COMMAND_NAMES` (wrong types, extreme sizes and depths, prototype
 * keys, huge / negative / non-finite numbers, lone surrogates), as a guest and as a logged-in
 * user, then random sequences of valid and invalid commands. Properties: every frame gets one
 * answer, no answer is INTERNAL_ERROR, every refusal is a registry error with a short message,
 * the server logs no error, and a bystander in another room is still served afterwards.
 *
 * A failure message starts with `FUZZ_SEED=… FUZZ_PATH=…`: set both to replay it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName } from '@stadium/protocol';
import { genUserSig } from '../../packages/server/src/auth/user-sig.js';
import { anyFrame, frameOf, type FuzzContext } from './arbitraries.js';
import type { FuzzClient } from './fuzz-client.js';
import { assertProperty, Bystander, expectNoLoggedErrors, expectOk, fuzzParameters, sendBatch, startFuzzStadium, type FuzzStadium } from './harness.js';

/** Frames per batch (sent at once, answers awaited by id) and batches per command and role. */
const BATCH = 100;
const RUNS_PER_COMMAND = 6;

let fz: FuzzStadium;
let bystander: Bystander;
let user: FuzzClient;
let guest: FuzzClient;
let userCtx: FuzzContext;
let guestCtx: FuzzContext;
let frames = 0;

/** Make sure the fuzzer's own room exists and its connection is in it, so msg.send reaches validation. */
async function ensureOwnRoom(c: FuzzClient): Promise<void> {
  const created = await c.request('group.create', { name: 'own', type: 'AVChatRoom', groupID: 'fz-own' });
  if (created.code !== 0) expect(created).toMatchObject({ name: 'GROUP_ID_IN_USE' });
  expectOk(await c.request('group.join', { groupID: 'fz-own' }), 'join fz-own');
}

/** Log `c` in again as `fuzzer` (a batch may have logged it out) and put it back in its room. */
async function reset(c: FuzzClient): Promise<void> {
  expectOk(await c.request('login', { userID: 'fuzzer', userSig: fz.t.sig('fuzzer') }), 'login fuzzer');
  await ensureOwnRoom(c);
}

beforeAll(async () => {
  fz = await startFuzzStadium();
  bystander = await Bystander.join(fz, 'bystander', 'fz-by');
  const other = await fz.login('other');
  expectOk(await other.request('group.create', { name: 'other', type: 'AVChatRoom', groupID: 'fz-other' }), 'create fz-other');
  user = await fz.login('fuzzer');
  await ensureOwnRoom(user);
  guest = await fz.connect();
  // An expired userSig and one for another app's key, so login is refused in many ways.
  const expired = genUserSig({ sdkAppId: fz.t.app.sdkAppId, key: fz.t.app.secretKey, userId: 'fuzzer', expireSec: 1, nowSec: Math.floor(Date.now() / 1000) - 100 });
  userCtx = { groupIds: ['fz-own', 'fz-other'], userIds: ['fuzzer', 'other', 'nobody', 'bystander'], sigs: [fz.t.sig('fuzzer'), fz.t.sig('fuzzer2'), expired] };
  guestCtx = { ...userCtx, sigs: [expired, 'eJyrVspOrSxWslIqSSxR0lEqSy0qzszPU7IyNDAw0FEqzkxPTcrJLMlMzoNJFGemAKWNDAwMDAyNjCzNzAwM9AA'] };
});

afterAll(async () => {
  await fz?.[Symbol.asyncDispose]();
});

/** Who fuzzes: its connection, the names its frames use, and what to do before each batch. */
type Role = [name: string, client: () => FuzzClient, ctx: () => FuzzContext, before: () => Promise<void>];
const ROLES: Role[] = [
  ['guest', () => guest, () => guestCtx, async () => undefined],
  ['logged-in user', () => user, () => userCtx, () => reset(user)],
];

describe.each(ROLES)('every command, as a %s', (role, client, ctx, before) => {
  it.each(COMMAND_NAMES.map((cmd) => [cmd]))('%s: no INTERNAL_ERROR, registry errors only, nothing logged, the bystander still served', async (cmd: CommandName) => {
    const details = await assertProperty(
      `${cmd} as ${role}`,
      fc.asyncProperty(fc.array(frameOf(cmd, ctx()), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        await before();
        const result = await sendBatch(client(), batch);
        frames += result.sent;
        expectNoLoggedErrors(fz);
      }),
      fuzzParameters(RUNS_PER_COMMAND),
    );
    expect(details.numRuns).toBeGreaterThan(0);
    await bystander.check();
  });
});

describe('random sequences of valid and invalid commands', () => {
  it('as a guest and as a user, interleaved on two connections: no INTERNAL_ERROR, the bystander still served', async () => {
    await assertProperty(
      'sequences',
      fc.asyncProperty(
        fc.array(anyFrame(userCtx), { minLength: 1, maxLength: 150, size: 'max' }),
        fc.array(anyFrame(guestCtx), { minLength: 1, maxLength: 150, size: 'max' }),
        async (mine, theirs) => {
          await reset(user);
          const [a, b] = await Promise.all([sendBatch(user, mine), sendBatch(guest, theirs)]);
          frames += a.sent + b.sent;
          expectNoLoggedErrors(fz);
        },
      ),
      fuzzParameters(20),
    );
    await bystander.check();
  });

  it('sent tens of thousands of frames in total and the server still answers', async () => {
    // The describe blocks above run first (vitest runs a file's tests in order).
    expect(frames, `${frames} frames answered`).toBeGreaterThan(15_000);
    const health = await fetch(`${fz.t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(user.closeCode).toBeNull();
    expect(guest.closeCode).toBeNull();
    expectNoLoggedErrors(fz);
  });
});

/**
 * A refused request changes nothing (issue 7, item 6): generated frames for every command that
 * can change state, sent one at a time by a logged-in room owner; after each refusal the state
 * is read back and must equal what it was before: the owner's room (profile, settings, mute,
 * custom fields, next sequence, member count), its counters, someone else's room, the caller's
 * profile, and how many rooms and profiles the app stores (read from the server's SQLite file).
 *
 * A failure message starts with `FUZZ_SEED=… FUZZ_PATH=…`: set both to replay it.
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CommandName } from '@stadium/protocol';
import { DEFAULT_SQLITE_FILE } from '../../packages/server/src/storage/open-store.js';
import { SqliteStore } from '../../packages/server/src/storage/sqlite-store.js';
import { anyFrame, Raw, requestText, shortText, type FuzzContext, type FuzzFrame } from './arbitraries.js';
import type { FuzzClient, Res } from './fuzz-client.js';
import { assertProperty, Bystander, checkAnswer, expectNoLoggedErrors, expectOk, fuzzParameters, startFuzzStadium, type FuzzStadium } from './harness.js';

/** Commands that may change stored or room state (login / logout change only the session). */
const CHANGING: readonly CommandName[] = [
  'profile.update',
  'group.create',
  'group.join',
  'group.quit',
  'group.dismiss',
  'group.settings',
  'group.counters',
  'msg.send',
  'msg.revoke',
];

let fz: FuzzStadium;
let owner: FuzzClient;
let reader: SqliteStore;
let bystander: Bystander;
let ctx: FuzzContext;
let refused = 0;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !(value instanceof Raw);

/**
 * Whether a frame would turn join / quit tips on. A tip is sequenced after the join or quit
 * that made it was answered, so it would show as a change during the next refusal.
 */
function enablesTips({ body }: FuzzFrame): boolean {
  return isObject(body) && (body.memberTips === true || (isObject(body.settings) && body.settings.memberTips === true));
}

async function ensureOwnRoom(): Promise<void> {
  const created = await owner.request('group.create', { name: 'own', type: 'AVChatRoom', groupID: 'fz-own', introduction: 'intro', settings: { memberTips: false } });
  if (created.code !== 0) expect(created).toMatchObject({ name: 'GROUP_ID_IN_USE' });
  const joined = await owner.request('group.join', { groupID: 'fz-own' });
  expectOk(joined, 'join fz-own');
  expectOk(await owner.request('group.counters', { groupID: 'fz-own', op: 'set', counters: { likes: 3 } }), 'set counters');
}

/** Everything a refused request must leave as it was. */
async function snapshot(): Promise<Record<string, unknown>> {
  const strip = (res: Res): unknown => ('data' in res ? res.data : { name: res.name });
  const [room, counters, other, profile] = await Promise.all([
    owner.request('group.get', { groupID: 'fz-own' }),
    owner.request('group.counters', { groupID: 'fz-own', op: 'get' }),
    owner.request('group.get', { groupID: 'fz-other' }),
    owner.request('profile.get', { userIDList: ['fuzzer'] }),
  ]);
  const sdkAppId = fz.t.app.sdkAppId;
  return {
    room: strip(room),
    // Entries, so a counter named "__proto__" is compared like any other.
    counters: 'data' in counters ? Object.entries((counters.data as { counters: Record<string, number> }).counters) : strip(counters),
    other: strip(other),
    profile: strip(profile),
    rooms: await reader.countGroups(sdkAppId),
    profiles: await reader.countProfiles(sdkAppId),
  };
}

beforeAll(async () => {
  fz = await startFuzzStadium();
  reader = await SqliteStore.open(join(fz.t.dataDir, DEFAULT_SQLITE_FILE));
  bystander = await Bystander.join(fz, 'bystander', 'fz-by');
  const other = await fz.login('other');
  expectOk(await other.request('group.create', { name: 'other', type: 'AVChatRoom', groupID: 'fz-other', settings: { memberTips: false } }), 'create fz-other');
  owner = await fz.login('fuzzer');
  expectOk(await owner.request('profile.update', { nick: 'Fuzzer', level: 7, profileCustomField: [{ key: 'Tag_Profile_Custom_A', value: 'a' }] }), 'profile');
  await ensureOwnRoom();
  ctx = { groupIds: ['fz-own', 'fz-other'], userIds: ['fuzzer', 'other', 'nobody'], sigs: [fz.t.sig('fuzzer')] };
});

afterAll(async () => {
  await reader?.close();
  await fz?.[Symbol.asyncDispose]();
});

it('a refused request of any state-changing command leaves rooms, counters, profiles and stored counts as they were', async () => {
  await assertProperty(
    'refusals change nothing',
    fc.asyncProperty(
      fc.array(
        anyFrame(ctx, CHANGING).filter((f) => !enablesTips(f)),
        { minLength: 1, maxLength: 40, size: 'max' },
      ),
      async (frames) => {
        await ensureOwnRoom();
        let before = await snapshot();
        for (const frame of frames) {
          const id = owner.id();
          const text = requestText(id, frame);
          if (Buffer.byteLength(text) > 65_000) continue;
          const answer = owner.answer(id);
          owner.sendRaw(text);
          const res = await answer;
          checkAnswer(res, id, text);
          const after = await snapshot();
          if (res.code !== 0) {
            refused++;
            const changed = Object.keys(before).filter((key) => !isDeepStrictEqual(before[key], after[key]));
            if (changed.length > 0) {
              const diff = changed.map((key) => `\n  ${key} before: ${shortText(JSON.stringify(before[key]))}\n  ${key} after:  ${shortText(JSON.stringify(after[key]))}`);
              throw new Error(`refused ${(res as { name: string }).name} changed state\n  sent: ${shortText(text)}${diff.join('')}`);
            }
          }
          before = after;
        }
        expectNoLoggedErrors(fz);
      },
    ),
    fuzzParameters(30),
  );
  expect(refused, `${refused} refusals checked`).toBeGreaterThan(250);
  await bystander.check();
});

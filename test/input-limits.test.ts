/**
 * Every stored field is bounded and every number range-checked, over a real server and raw
 * clients: each refusal is a clear registry error, changes nothing, and stays short even
 * when the input is huge or deep (docs/security.md, "Limits").
 */
import { describe, expect, it } from 'vitest';
import { ERRORS, type ServerFrame } from '@stadium/protocol';
import { RawClient } from './support/raw-client.js';
import { startTestStadium, type TestStadium } from './support/stadium.js';

type Res = ServerFrame & { t: 'res' };
type Ok<T> = Res & { data: T };

async function loggedIn(t: TestStadium, userID: string): Promise<RawClient> {
  const c = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
  expect((await c.request('login', { userID, userSig: t.sig(userID) })).code).toBe(0);
  return c;
}

async function profileOf(c: RawClient, userID: string): Promise<unknown> {
  const res = (await c.request('profile.get', { userIDList: [userID] })) as Ok<{ profiles: unknown[] }>;
  expect(res.code).toBe(0);
  return res.data.profiles[0];
}

function deepArray(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** Expect a refusal by `name`, with a short message that holds the registry text once. */
function expectRefused(res: Res, name: string): void {
  expect(res).toMatchObject({ t: 'res', name });
  const message = (res as { message: string }).message;
  expect(message.length).toBeLessThan(600);
  const registry = ERRORS[name as keyof typeof ERRORS].message;
  expect(message.split(registry).length - 1).toBe(1);
}

const custom = (n: number, value = 'v', prefix = 'Tag_Profile_Custom_K') => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value }));

describe('profile limits', () => {
  it('refuses oversized, misnamed and out-of-range fields and changes nothing', async () => {
    await using t = await startTestStadium();
    const alice = await loggedIn(t, 'alice');
    expect((await alice.request('profile.update', { nick: 'Alice', profileCustomField: [{ key: 'Tag_Profile_Custom_Lvl', value: '3' }] })).code).toBe(0);
    const before = await profileOf(alice, 'alice');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ profileCustomField: [{ key: 'k'.repeat(60_000), value: 'x' }] }, 'INVALID_PROFILE_CUSTOM_KEY'],
      [{ profileCustomField: [{ key: 'Tag_Profile_Custom_TooLong12', value: 'x' }] }, 'INVALID_PROFILE_CUSTOM_KEY'],
      [
        {
          profileCustomField: [
            { key: 'Tag_Profile_Custom_A', value: '1' },
            { key: 'Tag_Profile_Custom_A', value: '2' },
          ],
        },
        'INVALID_PROFILE_CUSTOM_KEY',
      ],
      [{ profileCustomField: [{ key: 'Lvl', value: 'x' }] }, 'INVALID_PROFILE_CUSTOM_KEY'],
      [{ profileCustomField: [{ key: '__proto__', value: 'x' }] }, 'INVALID_PROFILE_CUSTOM_KEY'],
      [{ profileCustomField: custom(21) }, 'PROFILE_TOO_LARGE'],
      [{ profileCustomField: custom(20, 'v'.repeat(500)) }, 'PROFILE_TOO_LARGE'],
      [{ profileCustomField: [{ key: 'Tag_Profile_Custom_A', value: 'v'.repeat(501) }] }, 'PROFILE_VALUE_TOO_LONG'],
      [{ profileCustomField: [null] }, 'INVALID_PARAMETER'],
      [{ profileCustomField: 'x' }, 'INVALID_PARAMETER'],
      [{ nick: '名'.repeat(167) }, 'PROFILE_VALUE_TOO_LONG'],
      [{ avatar: 'a'.repeat(501) }, 'PROFILE_VALUE_TOO_LONG'],
      [{ selfSignature: 's'.repeat(501) }, 'PROFILE_VALUE_TOO_LONG'],
      [{ location: 'l'.repeat(17) }, 'INVALID_PROFILE_FIELD'],
      [{ gender: 'robot' }, 'INVALID_PROFILE_FIELD'],
      [{ allowType: '' }, 'INVALID_PROFILE_FIELD'],
      [{ adminForbidType: 'x'.repeat(5000) }, 'INVALID_PROFILE_FIELD'],
      [{ level: 1e300 }, 'INVALID_PROFILE_FIELD'],
      [{ birthday: 2 ** 32 }, 'INVALID_PROFILE_FIELD'],
      [{ role: -1 }, 'INVALID_PROFILE_FIELD'],
      [{ language: 1.5 }, 'INVALID_PROFILE_FIELD'],
      [{ messageSettings: '1' }, 'INVALID_PROFILE_FIELD'],
      [{ nick: 5 }, 'INVALID_PARAMETER'],
      // A valid field with an invalid one: the valid one is not applied either.
      [{ nick: 'Changed', level: -1 }, 'INVALID_PROFILE_FIELD'],
    ];
    for (const [body, name] of cases) expectRefused(await alice.request('profile.update', body), name);
    expect(await profileOf(alice, 'alice')).toEqual(before);
  });

  it('accepts fields at their limits, and bounds the largest profile and the largest profile.get', async () => {
    await using t = await startTestStadium();
    const users = await Promise.all(['u0', 'u1'].map((id) => loggedIn(t, id)));
    const full = {
      nick: '名'.repeat(166),
      avatar: 'a'.repeat(500),
      selfSignature: 's'.repeat(500),
      location: 'l'.repeat(16),
      gender: 'Gender_Type_Female',
      level: 2 ** 32 - 1,
      birthday: 20190419,
    };
    // 14 custom values of 500 bytes, their keys and ~1,600 bytes of strings are over 8,192 bytes …
    expectRefused(await users[0]!.request('profile.update', { ...full, profileCustomField: custom(14, 'v'.repeat(500), 'Tag_Profile_Custom_') }), 'PROFILE_TOO_LARGE');
    // … 10 of them fit.
    const fits = { ...full, profileCustomField: custom(10, 'v'.repeat(500), 'Tag_Profile_Custom_') };
    for (const u of users) expect((await u.request('profile.update', fits)).code).toBe(0);
    expect(await profileOf(users[0]!, 'u0')).toMatchObject({ level: 2 ** 32 - 1, location: 'l'.repeat(16) });
    // The reply to the largest profile.get (100 IDs, all the largest profile) stays under 1 MB.
    const before = users[1]!.frames.length;
    const ids = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 'u0' : 'u1'));
    expect((await users[1]!.request('profile.get', { userIDList: ids })).code).toBe(0);
    const bytes = JSON.stringify(users[1]!.frames.slice(before)).length;
    expect(bytes).toBeLessThan(1_000_000);
    expectRefused(await users[1]!.request('profile.get', { userIDList: [...ids, 'u0'] }), 'INVALID_PARAMETER');
  });

  it('caps the profiles an app stores (maxProfilesPerApp); existing ones stay writable', async () => {
    await using t = await startTestStadium({ maxProfilesPerApp: 2 });
    // One after the other: a first login stores an empty profile within the quota, and the
    // quota is a count checked before the write (logins racing on two workers may both fit).
    const a = await loggedIn(t, 'a');
    const b = await loggedIn(t, 'b');
    const c = await loggedIn(t, 'c');
    expect((await a.request('profile.update', { nick: 'A' })).code).toBe(0);
    expect((await b.request('profile.update', { nick: 'B' })).code).toBe(0);
    expectRefused(await c.request('profile.update', { nick: 'C' }), 'PROFILE_QUOTA_REACHED');
    expect(await profileOf(c, 'c')).toMatchObject({ nick: '' });
    expect((await a.request('profile.update', { nick: 'A2' })).code).toBe(0);
    expect(await profileOf(c, 'a')).toMatchObject({ nick: 'A2' });
  });
});

describe('message ranges', () => {
  it('range-checks face index, location, random and names bad values briefly', async () => {
    await using t = await startTestStadium();
    const host = await loggedIn(t, 'host');
    const created = (await host.request('group.create', { name: 'live', type: 'AVChatRoom' })) as Ok<{ group: { groupID: string } }>;
    const groupID = created.data.group.groupID;
    expect((await host.request('group.join', { groupID })).code).toBe(0);
    const send = (message: Record<string, unknown>) => host.request('msg.send', { groupID, message: { id: `m${Math.random()}`, ...message } });
    const face = (index: unknown) => send({ type: 'TIMFaceElem', payload: { index, data: 'x' } });
    const place = (longitude: unknown, latitude: unknown) => send({ type: 'TIMLocationElem', payload: { description: 'here', longitude, latitude } });
    const text = { type: 'TIMTextElem', payload: { text: 'hi' } };
    for (const index of [-5, 2 ** 31, 1.5, '3', 1e300]) expectRefused(await face(index), 'INVALID_PARAMETER');
    expect((await face(0)).code).toBe(0);
    expect((await face(2 ** 31 - 1)).code).toBe(0);
    for (const [lng, lat] of [
      [181, 0],
      [-180.5, 0],
      [0, 90.1],
      [0, -91],
      [1e300, 0],
      ['1', 0],
    ])
      expectRefused(await place(lng, lat), 'INVALID_PARAMETER');
    expect((await place(-180, 90)).code).toBe(0);
    expect((await place(180, -90)).code).toBe(0);
    for (const random of [-1, 2 ** 32, 0.5, '7']) expectRefused(await send({ ...text, random }), 'INVALID_PARAMETER');
    expect((await send({ ...text, random: 2 ** 32 - 1 })).code).toBe(0);
    expectRefused(await send({ ...text, priority: 'p'.repeat(50_000) }), 'INVALID_PRIORITY');
    expectRefused(await send({ ...text, type: 'T'.repeat(50_000) }), 'UNSUPPORTED_MESSAGE_TYPE');
  });
});

describe('clear errors for wrong types and deep values', () => {
  it('group.create refuses bad settings and a 20,000-deep groupID quickly, creating nothing', async () => {
    await using t = await startTestStadium();
    const host = await loggedIn(t, 'host');
    expectRefused(await host.request('group.create', { name: 'live', type: 'AVChatRoom', groupID: 'r1', settings: null }), 'INVALID_PARAMETER');
    expectRefused(await host.request('group.create', { name: 'live', type: 'AVChatRoom', groupID: 'r1', settings: 'fast' }), 'INVALID_PARAMETER');
    expectRefused(await host.request('group.create', { name: 'live', type: 'AVChatRoom', groupID: 'r1', settings: [] }), 'INVALID_PARAMETER');
    expectRefused(await host.request('group.get', { groupID: 'r1' }), 'GROUP_NOT_FOUND');
    const began = Date.now();
    const commands = ['group.create', 'group.join', 'group.get', 'group.quit', 'group.dismiss', 'group.online', 'group.settings', 'group.counters', 'msg.send'];
    for (const [i, cmd] of commands.entries()) {
      const message = '{"id":"m1","type":"TIMTextElem","payload":{"text":"hi"}}';
      host.sendRaw(`{"t":"req","id":${900 + i},"cmd":"${cmd}","body":{"name":"x","type":"AVChatRoom","op":"get","message":${message},"groupID":${deepArray(20_000)}}}`);
      // msg.send checks the type first ("groupID must be a string"); the rest find no such ID.
      const expected = cmd === 'msg.send' ? 'INVALID_PARAMETER' : 'INVALID_GROUP_ID';
      const res = (await host.next((f) => f.t === 'res' && f.id === 900 + i)) as Res;
      expect([cmd, (res as { name?: string }).name]).toEqual([cmd, expected]);
      expectRefused(res, expected);
    }
    expect(Date.now() - began).toBeLessThan(5000);
  });

  it('login refuses a non-string userSig and a deep userID with short messages', async () => {
    await using t = await startTestStadium();
    const c = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    for (const userSig of [5, null, [], { a: 1 }]) expectRefused(await c.request('login', { userID: 'u', userSig }), 'INVALID_PARAMETER');
    c.sendRaw(`{"t":"req","id":77,"cmd":"login","body":{"userSig":"x","userID":${deepArray(20_000)}}}`);
    expectRefused((await c.next((f) => f.t === 'res' && f.id === 77)) as Res, 'INVALID_USER_ID');
    expect((await c.request('login', { userID: 'u', userSig: t.sig('u') })).code).toBe(0);
  });
});

describe('counter limits', () => {
  it('keeps "__proto__" and "constructor" as ordinary counters, readable and writable', async () => {
    await using t = await startTestStadium();
    const host = await loggedIn(t, 'host');
    const groupID = ((await host.request('group.create', { name: 'live', type: 'AVChatRoom' })) as Ok<{ group: { groupID: string } }>).data.group.groupID;
    expect((await host.request('group.join', { groupID })).code).toBe(0);
    const counters = (body: Record<string, unknown>) => host.request('group.counters', { groupID, ...body }) as Promise<Ok<{ counters: Record<string, number> }>>;
    // Raw text, so the key really is an own "__proto__" property on the wire.
    host.sendRaw(`{"t":"req","id":500,"cmd":"group.counters","body":{"groupID":${JSON.stringify(groupID)},"op":"set","counters":{"__proto__":5,"constructor":2}}}`);
    const set = (await host.next((f) => f.t === 'res' && f.id === 500)) as Ok<{ counters: Record<string, number> }>;
    expect(set.code).toBe(0);
    expect(Object.entries(set.data.counters)).toEqual([
      ['__proto__', 5],
      ['constructor', 2],
    ]);
    expect(Object.entries((await counters({ op: 'increase', key: '__proto__', value: 2 })).data.counters)).toEqual([['__proto__', 7]]);
    expect(Object.entries((await counters({ op: 'get', keys: ['__proto__'] })).data.counters)).toEqual([['__proto__', 7]]);
    expect(Object.entries((await counters({ op: 'get' })).data.counters)).toEqual([
      ['__proto__', 7],
      ['constructor', 2],
    ]);
  });

  it('refuses bad keys and values with the registry text once, changing nothing', async () => {
    await using t = await startTestStadium();
    const host = await loggedIn(t, 'host');
    const groupID = ((await host.request('group.create', { name: 'live', type: 'AVChatRoom' })) as Ok<{ group: { groupID: string } }>).data.group.groupID;
    expect((await host.request('group.join', { groupID })).code).toBe(0);
    const counters = (body: Record<string, unknown>) => host.request('group.counters', { groupID, ...body });
    expect((await counters({ op: 'set', counters: { likes: 1 } })).code).toBe(0);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ op: 'increase', key: 'k'.repeat(129), value: 1 }, 'INVALID_COUNTER'],
      [{ op: 'increase', key: '', value: 1 }, 'INVALID_COUNTER'],
      [{ op: 'increase', key: 'likes', value: 1e300 }, 'INVALID_COUNTER'],
      [{ op: 'increase', key: 'likes', value: 2 ** 53 }, 'INVALID_COUNTER'],
      [{ op: 'increase', key: 'likes', value: Number.MAX_SAFE_INTEGER }, 'INVALID_COUNTER'],
      [{ op: 'set', counters: { likes: 2, bad: 0.5 } }, 'INVALID_COUNTER'],
      [{ op: 'set', counters: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) }, 'COUNTER_KEY_LIMIT'],
      [{ op: 'set', counters: [1] }, 'INVALID_COUNTER'],
      [{ op: 'get', keys: 'likes' }, 'INVALID_COUNTER'],
      [{ op: 'get', keys: [['likes']] }, 'INVALID_COUNTER'],
      [{ op: 'explode' }, 'INVALID_PARAMETER'],
    ];
    for (const [body, name] of cases) expectRefused(await counters(body), name);
    host.sendRaw(`{"t":"req","id":600,"cmd":"group.counters","body":{"groupID":${JSON.stringify(groupID)},"op":"increase","key":${deepArray(20_000)},"value":1}}`);
    expectRefused((await host.next((f) => f.t === 'res' && f.id === 600)) as Res, 'INVALID_COUNTER');
    expect(((await counters({ op: 'get' })) as Ok<{ counters: unknown }>).data.counters).toEqual({ likes: 1 });
  });
});

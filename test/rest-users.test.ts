/**
 * The user-level REST commands against a real server, observed by real SDK clients:
 * `openim/sendmsg` reaches every connection of the recipient as a C2C message (and the
 * sender's own with SyncOtherMachine 1) and nobody else; `im_open_login_svc/kick` ends every
 * session of the user with KICKED_OUT REST_API_Kick and close 4011; account imports and
 * `profile/portrait_set` / `portrait_get` are the same profile operation as the SDK's.
 */
import type { Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import TIM, { type Client, type Message } from '@stadium/sdk';
import { genUserSig } from '../packages/server/src/auth/user-sig.js';
import { createApp } from '../packages/server/src/apps/create-app.js';
import { LocalBus } from '../packages/server/src/bus/local-bus.js';
import { LocalHub } from '../packages/server/src/bus/local-hub.js';
import { systemClock } from '../packages/server/src/clock/clock.js';
import { startStadium, type StadiumServer } from '../packages/server/src/server.js';
import { MemoryStore } from '../packages/server/src/storage/memory-store.js';
import { collectMessages, nextEvent, waitForMessage } from './support/events.js';
import { RawClient } from './support/raw-client.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
});

async function loggedIn(t: Pick<TestStadium, 'url' | 'sig'> & { app: { sdkAppId: number } }, userID: string): Promise<Client> {
  const client = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
  client.setLogLevel(4);
  clients.push(client);
  await client.login({ userID, userSig: t.sig(userID) });
  return client;
}

const text = (Text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text } }];

describe('openim/sendmsg', () => {
  it('reaches every connection of To_Account as a C2C message, and nobody else', async () => {
    await using t = await startTestStadium();
    const [bob1, bob2, alice] = [await loggedIn(t, 'bob'), await loggedIn(t, 'bob'), await loggedIn(t, 'alice')];
    const guest = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
    guest.setLogLevel(4);
    clients.push(guest);
    const inboxes = [bob1, bob2, alice, guest].map(collectMessages);
    const answer = await rest(t, 'openim/sendmsg', { To_Account: 'bob', MsgRandom: 7, MsgSeq: 99, MsgBody: text('quit-sync'), CloudCustomData: 'hidden' });
    expect(answer).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, MsgKey: `99_7_${answer.MsgTime as number}` });
    expect(Math.abs((answer.MsgTime as number) - Date.now() / 1000)).toBeLessThan(5);
    for (const [i, bob] of [bob1, bob2].entries()) {
      const got = await waitForMessage(bob, inboxes[i]!, (m) => m.conversationType === TIM.TYPES.CONV_C2C);
      expect(got).toMatchObject({
        type: TIM.TYPES.MSG_TEXT,
        payload: { text: 'quit-sync' },
        conversationID: `C2C${t.app.adminUserId}`,
        from: t.app.adminUserId,
        to: 'bob',
        flow: 'in',
        sequence: 99,
        random: 7,
        cloudCustomData: 'hidden',
      });
    }
    // A marker to alice proves she was connected and got nothing before it; the guest gets nothing.
    await rest(t, 'openim/sendmsg', { To_Account: 'alice', MsgRandom: 8, MsgBody: text('marker') });
    await waitForMessage(alice, inboxes[2]!, (m) => m.payload.text === 'marker');
    expect(inboxes[2]!.map((m) => m.payload.text)).toEqual(['marker']);
    expect(inboxes[3]).toEqual([]);
    expect(inboxes[0]).toHaveLength(1);
  });

  it("with SyncOtherMachine 1 also reaches the sender's own connections as flow out, with its nick", async () => {
    await using t = await startTestStadium();
    const [host, bob] = [await loggedIn(t, 'host'), await loggedIn(t, 'bob')];
    expect(await rest(t, 'profile/portrait_set', { From_Account: 'host', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'The Host' }] })).toMatchObject({ ErrorCode: 0 });
    const [hostInbox, bobInbox] = [collectMessages(host), collectMessages(bob)];
    const body = {
      From_Account: 'host',
      To_Account: 'bob',
      SyncOtherMachine: 1,
      MsgRandom: 1,
      MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'quit', Desc: 'd', Ext: 'e' } }],
    };
    expect(await rest(t, 'openim/sendmsg', body)).toMatchObject({ ErrorCode: 0 });
    const mine = await waitForMessage(host, hostInbox, () => true);
    expect(mine).toMatchObject({ conversationID: 'C2Cbob', flow: 'out', from: 'host', to: 'bob', nick: 'The Host', payload: { data: 'quit', description: 'd', extension: 'e' } });
    const theirs = await waitForMessage(bob, bobInbox, () => true);
    expect(theirs).toMatchObject({ conversationID: 'C2Chost', flow: 'in', nick: 'The Host' });
    // SyncOtherMachine 2: the sender's connections get nothing (the marker arrives alone).
    expect(await rest(t, 'openim/sendmsg', { ...body, SyncOtherMachine: 2, MsgRandom: 2 })).toMatchObject({ ErrorCode: 0 });
    await waitForMessage(bob, bobInbox, (m) => m.random === 2);
    await rest(t, 'openim/sendmsg', { To_Account: 'host', MsgRandom: 3, MsgBody: text('marker') });
    await waitForMessage(host, hostInbox, (m) => m.random === 3);
    expect(hostInbox.map((m) => m.random)).toEqual([1, 3]);
  });

  it('refuses bad bodies with the compatible codes, naming the field', async () => {
    await using t = await startTestStadium();
    const missing = await rest(t, 'openim/sendmsg', { MsgRandom: 1, MsgBody: text('x') });
    expect(missing).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 20001 });
    expect(missing.ErrorInfo).toMatch(/^To_Account: is required/);
    expect(await rest(t, 'im_open_login_svc/account_import', { UserID: 'bob' })).toMatchObject({ ErrorCode: 0 });
    const noRandom = await rest(t, 'openim/sendmsg', { To_Account: 'bob', MsgBody: text('x') });
    expect(noRandom).toMatchObject({ ErrorCode: 90005 });
    expect(noRandom.ErrorInfo).toMatch(/^MsgRandom: is required/);
    expect(await rest(t, 'openim/sendmsg', { To_Account: 'bob', MsgRandom: -1, MsgBody: text('x') })).toMatchObject({ ErrorCode: 90005 });
    expect((await rest(t, 'openim/sendmsg', { To_Account: 'b o b', MsgRandom: 1, MsgBody: text('x') })).ErrorInfo).toMatch(/^To_Account: must match pattern/);
    expect(await rest(t, 'openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgLifeTime: 604_801, MsgBody: text('x') })).toMatchObject({ ErrorCode: 20001 });
    expect(await rest(t, 'openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, SyncOtherMachine: 3, MsgBody: text('x') })).toMatchObject({ ErrorCode: 20001 });
    expect(await rest(t, 'openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: [{ MsgType: 'TIMImageElem', MsgContent: {} }] })).toMatchObject({ ErrorCode: 10004 });
    expect(await rest(t, 'openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: text('') })).toMatchObject({ ErrorCode: 10004 });
    expect(await rest(t, 'openim/sendmsg', { To_Account: 'bob', MsgRandom: 1, MsgBody: text('x'.repeat(12_001)) })).toMatchObject({ ErrorCode: 80002 });
  });

  it('sends only between known accounts: imported, or logged in once (90012 for To_Account, 90048 for From_Account)', async () => {
    await using t = await startTestStadium();
    const unknownTo = await rest(t, 'openim/sendmsg', { To_Account: 'stranger', MsgRandom: 1, MsgBody: text('x') });
    expect(unknownTo).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 90012 });
    expect(unknownTo.ErrorInfo).toMatch(/stranger/);
    const bob = await loggedIn(t, 'bob');
    const inbox = collectMessages(bob);
    expect(await rest(t, 'openim/sendmsg', { From_Account: 'ghost', To_Account: 'bob', MsgRandom: 1, MsgBody: text('x') })).toMatchObject({ ErrorCode: 90048 });
    expect(await rest(t, 'im_open_login_svc/account_import', { UserID: 'ghost', Nick: 'Ghost' })).toMatchObject({ ErrorCode: 0 });
    expect(await rest(t, 'openim/sendmsg', { From_Account: 'ghost', To_Account: 'bob', MsgRandom: 2, MsgBody: text('boo') })).toMatchObject({ ErrorCode: 0 });
    expect(await waitForMessage(bob, inbox, () => true)).toMatchObject({ from: 'ghost', nick: 'Ghost', random: 2 });
    // An imported account that never logged in can be a recipient.
    expect(await rest(t, 'openim/sendmsg', { To_Account: 'ghost', MsgRandom: 3, MsgBody: text('x') })).toMatchObject({ ErrorCode: 0 });
  });

  // In-process only: the window is per node (docs/rest-api.md), and with --workers 2 a retry may reach the other worker.
  it.skipIf(TEST_WORKERS > 1)('de-duplicates on (From, To, MsgSeq, MsgRandom): a retry answers the first MsgTime and MsgKey and is not delivered again', async () => {
    await using t = await startTestStadium();
    const bob = await loggedIn(t, 'bob');
    const inbox = collectMessages(bob);
    const body = { To_Account: 'bob', MsgSeq: 41, MsgRandom: 77, MsgBody: text('once') };
    const first = await rest(t, 'openim/sendmsg', body);
    expect(first).toMatchObject({ ErrorCode: 0, MsgKey: `41_77_${String(first.MsgTime)}` });
    expect(first.MsgTime).toBeGreaterThan(1_600_000_000);
    // Only the answer: the HTTP Date header of the two responses may differ by a second.
    const { headers: _firstHeaders, ...firstAnswer } = first;
    const { headers: _retryHeaders, ...retryAnswer } = await rest(t, 'openim/sendmsg', body);
    expect(retryAnswer).toEqual(firstAnswer);
    // Another MsgRandom (or MsgSeq) is another message.
    expect(await rest(t, 'openim/sendmsg', { ...body, MsgRandom: 78, MsgBody: text('marker') })).toMatchObject({ ErrorCode: 0, MsgKey: expect.stringMatching(/^41_78_/) });
    await waitForMessage(bob, inbox, (m) => m.random === 78);
    expect(inbox.map((m) => m.random)).toEqual([77, 78]);
  });
});

describe('openim/sendmsg to a stalled connection', () => {
  it('closes it as a slow consumer (4008) instead of buffering without bound; the user’s other connection gets everything', async () => {
    await using t = await startTestStadium({ maxPendingBytes: 65_536, socketHighWaterBytes: 16_384 });
    const [stalled, fast] = [await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`), await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`)];
    for (const c of [stalled, fast]) expect((await c.request('login', { userID: 'bob', userSig: t.sig('bob') })).code).toBe(0);
    (stalled.ws as unknown as { _socket: Socket })._socket.pause();
    const big = 'x'.repeat(11_000);
    // The MsgRandom of every send the server accepted (the app's REST rate may refuse some: 60007).
    const accepted: number[] = [];
    let next = 0;
    // Until the stalled socket's unsent bytes pass maxPendingBytes (the kernel buffers fill first).
    for (let burst = 0; burst < 40 && stalled.closeCode === null; burst++) {
      const randoms = Array.from({ length: 50 }, () => next++);
      const answers = await Promise.all(randoms.map((r) => rest(t, 'openim/sendmsg', { To_Account: 'bob', MsgRandom: r, MsgBody: text(big) })));
      answers.forEach((a, i) => {
        if (a.ErrorCode === 0) accepted.push(randoms[i]!);
        else expect(a.ErrorCode).toBe(60007);
      });
      if ((await metric(t.url, 'stadium_slow_consumer_closes_total')) > 0) break;
    }
    await expect.poll(() => metric(t.url, 'stadium_slow_consumer_closes_total'), { timeout: 10_000 }).toBe(1);
    // Sends of one burst run concurrently, so the fast connection may get them in any order.
    const received = (): number[] => fast.frames.filter((f) => f.t === 'c2c').map((f) => f.m.random as number);
    await expect.poll(() => received().length, { timeout: 10_000 }).toBe(accepted.length);
    expect(received().sort((a, b) => a - b)).toEqual(accepted);
    (stalled.ws as unknown as { _socket: Socket })._socket.resume();
    await stalled.closed();
    // The server counted the 4008 close (above); the client sees it only if it read the close
    // frame before the server gave up on the socket, otherwise the connection just drops.
    expect([4008, 1006]).toContain(stalled.closeCode);
    await fast.close();
  });
});

async function metric(url: string, name: string): Promise<number> {
  const body = await (await fetch(`${url}/metrics`)).text();
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('im_open_login_svc/kick', () => {
  it('ends every session of the user with KICKED_OUT REST_API_Kick and close 4011; others stay', async () => {
    await using t = await startTestStadium();
    const [bob1, bob2, alice] = [await loggedIn(t, 'bob'), await loggedIn(t, 'bob'), await loggedIn(t, 'alice')];
    const raw = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    expect((await raw.request('login', { userID: 'bob', userSig: t.sig('bob') })).code).toBe(0);
    const kicked = [bob1, bob2].map((c) => nextEvent<{ type: string }>(c, TIM.EVENT.KICKED_OUT));
    expect(await rest(t, 'im_open_login_svc/kick', { UserID: 'bob' })).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    for (const event of await Promise.all(kicked)) expect(event.type).toBe(TIM.TYPES.KICKED_OUT_REST_API);
    await raw.closed();
    expect(raw.closeCode).toBe(4011);
    expect(raw.frames.find((f) => f.t === 'kick')).toMatchObject({ type: 'REST_API_Kick', code: 3006, name: 'KICKED_BY_ADMIN' });
    // alice is still logged in and reachable.
    const inbox = collectMessages(alice);
    await rest(t, 'openim/sendmsg', { To_Account: 'alice', MsgRandom: 1, MsgBody: text('still here') });
    await waitForMessage(alice, inbox, () => true);
    // The legacy field name works too; a body with neither names the field.
    expect(await rest(t, 'im_open_login_svc/kick', { Identifier: 'alice' })).toMatchObject({ ErrorCode: 0 });
    const neither = await rest(t, 'im_open_login_svc/kick', {});
    expect(neither).toMatchObject({ ErrorCode: 70402 });
    expect(neither.ErrorInfo).toMatch(/^UserID: is required/);
  });

  it('invalidates every userSig issued before the kick, on every node; a userSig generated after it logs in', async () => {
    await using t = await startTestStadium();
    const nowSec = Math.floor(Date.now() / 1000);
    const issuedBefore = genUserSig({ sdkAppId: t.app.sdkAppId, key: t.app.secretKey, userId: 'carol', expireSec: 3600, nowSec: nowSec - 5 });
    const login = async (userSig: string) => {
      const raw = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
      try {
        return await raw.request('login', { userID: 'carol', userSig });
      } finally {
        await raw.close();
      }
    };
    expect((await login(issuedBefore)).code).toBe(0);
    expect(await rest(t, 'im_open_login_svc/kick', { UserID: 'carol' })).toMatchObject({ ErrorCode: 0 });
    // Several logins, so in the cluster project they reach both workers: each one refuses the old userSig.
    for (let i = 0; i < 4; i++) expect(await login(issuedBefore)).toMatchObject({ code: 70001, name: 'USERSIG_REVOKED' });
    expect((await login(t.sig('carol'))).code).toBe(0);
    // Another user's old userSig is untouched.
    const daveBefore = genUserSig({ sdkAppId: t.app.sdkAppId, key: t.app.secretKey, userId: 'dave', expireSec: 3600, nowSec: nowSec - 5 });
    const raw = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    expect((await raw.request('login', { userID: 'dave', userSig: daveBefore })).code).toBe(0);
    await raw.close();
  });
});

describe('two nodes', () => {
  const running: StadiumServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });

  it('deliver sendmsg and kick to the connections of the user on every node', async () => {
    const store = new MemoryStore();
    const hub = new LocalHub();
    const nodes = ['n0', 'n1'];
    const app = await createApp(store, { name: 'two' }, systemClock);
    for (const nodeId of nodes) {
      running.push(
        await startStadium(
          { port: 0, host: '127.0.0.1', nodeId, logLevel: 'silent' },
          { store, bus: new LocalBus({ hub, clock: systemClock }), nodes, logger: pino({ level: 'silent' }) },
        ),
      );
    }
    const sig = (userId: string): string => genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId, expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) });
    const bobs = await Promise.all(running.map((s) => loggedIn({ url: s.url, sig, app }, 'bob')));
    const inboxes = bobs.map(collectMessages);
    const t0 = { url: running[0]!.url, app, sig } as unknown as TestStadium;
    expect(await rest(t0, 'openim/sendmsg', { To_Account: 'bob', MsgRandom: 5, MsgBody: text('hi') })).toMatchObject({ ErrorCode: 0 });
    const got: Message[] = await Promise.all(bobs.map((b, i) => waitForMessage(b, inboxes[i]!, () => true)));
    expect(got.map((m) => m.payload.text)).toEqual(['hi', 'hi']);
    const kicked = bobs.map((c) => nextEvent<{ type: string }>(c, TIM.EVENT.KICKED_OUT));
    expect(await rest(t0, 'im_open_login_svc/kick', { UserID: 'bob' })).toMatchObject({ ErrorCode: 0 });
    expect((await Promise.all(kicked)).map((e) => e.type)).toEqual(['REST_API_Kick', 'REST_API_Kick']);
  });
});

describe('accounts and profiles', () => {
  it('account_import stores nick and face URL that the SDK and portrait_get read; re-import updates; legacy Identifier', async () => {
    await using t = await startTestStadium();
    expect(await rest(t, 'im_open_login_svc/account_import', { UserID: 'vi', Nick: 'Vi', FaceUrl: 'https://example.com/vi.png' })).toMatchObject({
      ActionStatus: 'OK',
      ErrorCode: 0,
    });
    const reader = await loggedIn(t, 'reader');
    expect((await reader.getUserProfile({ userIDList: ['vi'] })).data).toMatchObject([{ userID: 'vi', nick: 'Vi', avatar: 'https://example.com/vi.png' }]);
    // Re-importing with only Nick keeps the face URL.
    expect(await rest(t, 'im_open_login_svc/account_import', { Identifier: 'vi', Type: 0, Nick: 'Vivi' })).toMatchObject({ ErrorCode: 0 });
    const got = await rest(t, 'profile/portrait_get', { To_Account: ['vi'], TagList: ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Image'] });
    expect(got).toMatchObject({
      ActionStatus: 'OK',
      ErrorDisplay: '',
      UserProfileItem: [
        {
          To_Account: 'vi',
          ResultCode: 0,
          ProfileItem: [
            { Tag: 'Tag_Profile_IM_Nick', Value: 'Vivi' },
            { Tag: 'Tag_Profile_IM_Image', Value: 'https://example.com/vi.png' },
          ],
        },
      ],
    });
    expect(got.Fail_Account).toBeUndefined();
    // Bad bodies: named field, compatible code, nothing stored.
    const neither = await rest(t, 'im_open_login_svc/account_import', { Nick: 'x' });
    expect(neither).toMatchObject({ ErrorCode: 70402 });
    expect(neither.ErrorInfo).toMatch(/^UserID: is required/);
    expect((await rest(t, 'im_open_login_svc/account_import', { UserID: 'x'.repeat(33) })).ErrorInfo).toMatch(/^UserID: must NOT have more than 32 characters/);
    expect(await rest(t, 'im_open_login_svc/account_import', { UserID: 'long', Nick: '中'.repeat(200) })).toMatchObject({ ErrorCode: 40601 });
    expect((await rest(t, 'profile/portrait_get', { To_Account: ['long'], TagList: ['Tag_Profile_IM_Nick'] })).UserProfileItem).toMatchObject([{ ResultCode: 40003 }]);
  });

  it('multiaccount_import makes accounts known, leaves existing ones alone and reports what the quota refused', async () => {
    await using t = await startTestStadium({ maxProfilesPerApp: 3 });
    expect(await rest(t, 'im_open_login_svc/account_import', { UserID: 'a', Nick: 'A' })).toMatchObject({ ErrorCode: 0 });
    const answer = await rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: ['a', 'b', 'c', 'd', 'b'] });
    expect(answer).toMatchObject({ ActionStatus: 'OK', FailAccounts: ['d'] });
    const got = await rest(t, 'profile/portrait_get', { To_Account: ['a', 'b', 'c', 'd'], TagList: ['Tag_Profile_IM_Nick'] });
    expect((got.UserProfileItem as Array<{ ResultCode: number; ProfileItem: unknown[] }>).map((i) => i.ResultCode)).toEqual([0, 0, 0, 40003]);
    expect((got.UserProfileItem as Array<{ ProfileItem: unknown[] }>)[0]!.ProfileItem).toEqual([{ Tag: 'Tag_Profile_IM_Nick', Value: 'A' }]);
    expect(got.Fail_Account).toEqual(['d']);
    expect(await rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: [] })).toMatchObject({ ErrorCode: 70402 });
    expect(await rest(t, 'im_open_login_svc/multiaccount_import', { Accounts: Array.from({ length: 101 }, (_, i) => `u${i}`) })).toMatchObject({ ErrorCode: 70402 });
  });

  it('portrait_set is updateMyProfile: live sessions stamp the new nick, the same bounds, unknown tags and wrong types refused', async () => {
    await using t = await startTestStadium();
    const [vi, reader] = [await loggedIn(t, 'vi'), await loggedIn(t, 'reader')];
    const items = [
      { Tag: 'Tag_Profile_IM_Nick', Value: 'Vi' },
      { Tag: 'Tag_Profile_IM_Image', Value: 'https://example.com/vi.png' },
      { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Female' },
      { Tag: 'Tag_Profile_IM_Level', Value: 3 },
      { Tag: 'Tag_Profile_Custom_vip', Value: 'gold' },
    ];
    expect(await rest(t, 'profile/portrait_set', { From_Account: 'vi', ProfileItem: items })).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorDisplay: '' });
    // A second custom tag keeps the first.
    expect(await rest(t, 'profile/portrait_set', { From_Account: 'vi', ProfileItem: [{ Tag: 'Tag_Profile_Custom_seat', Value: 'A1' }] })).toMatchObject({ ErrorCode: 0 });
    expect((await vi.getMyProfile()).data).toMatchObject({
      nick: 'Vi',
      avatar: 'https://example.com/vi.png',
      gender: 'Gender_Type_Female',
      level: 3,
      profileCustomField: [
        { key: 'Tag_Profile_Custom_vip', value: 'gold' },
        { key: 'Tag_Profile_Custom_seat', value: 'A1' },
      ],
    });
    // The live session picked up the nick: its next room message carries it.
    const { data } = await vi.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM });
    await vi.joinGroup({ groupID: data.group.groupID });
    await reader.joinGroup({ groupID: data.group.groupID });
    const inbox = collectMessages(reader);
    await vi.sendMessage(vi.createTextMessage({ to: data.group.groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text: 'hello' } }));
    expect(await waitForMessage(reader, inbox, (m) => m.type === TIM.TYPES.MSG_TEXT)).toMatchObject({ nick: 'Vi', avatar: 'https://example.com/vi.png' });

    const got = await rest(t, 'profile/portrait_get', { To_Account: ['vi'], TagList: ['Tag_Profile_IM_Level', 'Tag_Profile_Custom_seat', 'Tag_Profile_Custom_none'] });
    expect((got.UserProfileItem as Array<{ ProfileItem: unknown[] }>)[0]!.ProfileItem).toEqual([
      { Tag: 'Tag_Profile_IM_Level', Value: 3 },
      { Tag: 'Tag_Profile_Custom_seat', Value: 'A1' },
    ]);

    // Refusals change nothing.
    const refusals: Array<[unknown, number]> = [
      [
        [
          { Tag: 'Tag_Profile_IM_Nick', Value: 'Changed' },
          { Tag: 'Tag_Profile_IM_Unknown', Value: 'x' },
        ],
        40009,
      ],
      [
        [
          { Tag: 'Tag_Profile_IM_Nick', Value: 'Changed' },
          { Tag: 'Tag_Profile_IM_Level', Value: 'high' },
        ],
        40610,
      ],
      [[{ Tag: 'Tag_Profile_IM_Nick', Value: 7 }], 40610],
      [
        [
          { Tag: 'Tag_Profile_IM_Nick', Value: 'Changed' },
          { Tag: 'Tag_Profile_IM_Gender', Value: 'Gender_Type_Robot' },
        ],
        40605,
      ],
      [[{ Tag: 'Tag_Profile_IM_Nick', Value: '中'.repeat(200) }], 40601],
      [[], 40001],
    ];
    for (const [ProfileItem, code] of refusals)
      expect(await rest(t, 'profile/portrait_set', { From_Account: 'vi', ProfileItem }), JSON.stringify(ProfileItem)).toMatchObject({ ErrorCode: code });
    expect((await rest(t, 'profile/portrait_set', { ProfileItem: items })).ErrorInfo).toMatch(/^From_Account: is required/);
    expect((await vi.getMyProfile()).data).toMatchObject({ nick: 'Vi', gender: 'Gender_Type_Female' });
    expect(await rest(t, 'profile/portrait_get', { To_Account: ['vi'], TagList: ['Tag_Profile_IM_Bogus'] })).toMatchObject({ ErrorCode: 40009 });
    expect(await rest(t, 'profile/portrait_get', { To_Account: [], TagList: ['Tag_Profile_IM_Nick'] })).toMatchObject({ ErrorCode: 40001 });
  });
});

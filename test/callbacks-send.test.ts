/**
 * The send callbacks against a real HTTP receiver: Group.CallbackBeforeSendMsg (allow,
 * reject, custom codes, silent drop, rewrite, timeout and failure under both fail policies,
 * ForbidCallbackControl), Group.CallbackAfterSendMsg and the signature header. Waiting on one
 * message's callback never holds up another room or another sender.
 *
 * The first group drives the server's clock by hand (EventTime, timeouts, a held receiver
 * released on the clock) or reads in-process metrics, so it runs in-process only; the others
 * run in both projects.
 */
import { describe, expect, it } from 'vitest';
import { verifyCallbackSignature } from '../packages/server/src/callbacks/callback-signature.js';
import { OK_REPLY, type CallbackReply } from './support/callback-receiver.js';
import { createRoom, dataOf, member, metricValue, startCallbackFixture, startSettledCallbackFixture, text } from './support/callback-setup.js';
import TIM, { type Message } from '@stadium/sdk';
import { loggedInClient } from './support/events.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS } from './support/stadium.js';

const BEFORE = 'Group.CallbackBeforeSendMsg';
const AFTER = 'Group.CallbackAfterSendMsg';
const EXCEPTION = 'Group.CallbackSendMsgException';

describe.skipIf(TEST_WORKERS > 1)('send callbacks', () => {
  it('sends before-send and after-send with the compatible query, body and a valid signature', async () => {
    await using f = await startCallbackFixture();
    const { t, receiver } = f;
    await createRoom(t, 'live-1');
    const alice = await member(t, 'alice', 'live-1', 'iOS');
    const sent = await alice.request('msg.send', { groupID: 'live-1', message: { ...text('m1', 'hello', 'Low', 4242), cloudCustomData: 'cc' } });
    expect(sent).toMatchObject({ code: 0 });
    const seq = dataOf(sent).seq as number;

    const before = await receiver.next((cb) => cb.command === BEFORE);
    expect(Object.fromEntries(before.query)).toEqual({ SdkAppid: String(t.app.sdkAppId), CallbackCommand: BEFORE, contenttype: 'json', ClientIP: '127.0.0.1', OptPlatform: 'iOS' });
    expect(before.body).toEqual({
      CallbackCommand: BEFORE,
      GroupId: 'live-1',
      Type: 'AVChatRoom',
      From_Account: 'alice',
      Operator_Account: 'alice',
      Random: 4242,
      OnlineOnlyFlag: 0,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }],
      CloudCustomData: 'cc',
      EventTime: f.clock.now(),
    });
    const after = await receiver.next((cb) => cb.command === AFTER);
    expect(after.body).toEqual({ ...before.body, CallbackCommand: AFTER, MsgSeq: seq, MsgTime: dataOf(sent).time });
    for (const cb of [before, after]) {
      expect(cb.headers['content-type']).toMatch(/^application\/json/);
      expect(verifyCallbackSignature(cb.headers['x-stadium-signature'] as string, cb.raw, t.app.secretKey, Math.floor(Date.now() / 1000))).toBe(true);
      // A forged body, or another key, does not verify.
      expect(verifyCallbackSignature(cb.headers['x-stadium-signature'] as string, cb.raw.replace('hello', 'hellO'), t.app.secretKey, Math.floor(Date.now() / 1000))).toBe(false);
      expect(verifyCallbackSignature(cb.headers['x-stadium-signature'] as string, cb.raw, 'another key', Math.floor(Date.now() / 1000))).toBe(false);
    }
    expect(await metricValue(t.server.metrics!.callbackRequests, { command: BEFORE, outcome: 'ok' })).toBe(1);

    // REST sends carry the admin as the operator, From_Account as the sender, OptPlatform RESTAPI.
    const restSent = await rest(t, 'group_open_http_svc/send_group_msg', {
      GroupId: 'live-1',
      From_Account: 'shop-bot',
      Random: 99,
      MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'like', Desc: 'd', Ext: 'e' } }],
    });
    expect(restSent).toMatchObject({ ErrorCode: 0 });
    const restBefore = await receiver.next((cb) => cb.command === BEFORE && cb.body.Random === 99);
    expect(restBefore.query.get('OptPlatform')).toBe('RESTAPI');
    expect(restBefore.body).toMatchObject({
      From_Account: 'shop-bot',
      Operator_Account: 'administrator',
      MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'like', Desc: 'd', Ext: 'e' } }],
    });
    expect((await receiver.next((cb) => cb.command === AFTER && cb.body.Random === 99)).body.MsgSeq).toBe(restSent.MsgSeq);
    await alice.close();
  });

  it('on timeout or failure, delivers with fail policy allow and refuses with 80003 with reject', async () => {
    for (const policy of ['allow', 'reject'] as const) {
      await using f = await startCallbackFixture({ TimeoutMs: 1500, FailPolicy: policy });
      const { t, receiver, clock } = f;
      await createRoom(t, 'live-3');
      const alice = await member(t, 'alice', 'live-3');
      receiver.answer = (cb) => {
        if (cb.command !== BEFORE) return {};
        const what = cb.body.MsgBody[0].MsgContent.Text as string;
        if (what === 'slow') return new Promise(() => undefined); // never answers
        if (what === '500') return { status: 500 };
        if (what === 'not-json') return { body: 'oops' };
        return {};
      };
      const slow = alice.request('msg.send', { groupID: 'live-3', message: text('s', 'slow') });
      await receiver.next((cb) => cb.command === BEFORE && cb.body.MsgBody[0].MsgContent.Text === 'slow');
      clock.advance(1499);
      const early = await Promise.race([slow.then(() => 'answered'), new Promise((r) => setImmediate(() => r('waiting')))]);
      expect(early).toBe('waiting');
      clock.advance(1);
      const results = [await slow];
      results.push(await alice.request('msg.send', { groupID: 'live-3', message: text('e', '500') }));
      results.push(await alice.request('msg.send', { groupID: 'live-3', message: text('j', 'not-json') }));
      if (policy === 'allow') for (const r of results) expect(r).toMatchObject({ code: 0 });
      else for (const r of results) expect(r).toMatchObject({ code: 80003, name: 'CALLBACK_FAILED' });
      const m = t.server.metrics!;
      expect(await metricValue(m.callbackTimeouts, { command: BEFORE })).toBe(1);
      expect(await metricValue(m.callbackFailures, { command: BEFORE })).toBe(2);
      await alice.close();
    }
  });

  it('a slow receiver delays only its own message: not another room, not another sender in the room', async () => {
    await using f = await startCallbackFixture({ TimeoutMs: 2000 });
    const { t, receiver, clock } = f;
    await createRoom(t, 'room-a');
    await createRoom(t, 'room-b');
    let release!: () => void;
    const held = new Promise<CallbackReply>((resolve) => (release = () => resolve({})));
    receiver.answer = (cb) => (cb.command === BEFORE && cb.body.MsgBody[0].MsgContent.Text === 'slow' ? held : {});
    const alice = await member(t, 'alice', 'room-a');
    const carol = await member(t, 'carol', 'room-a');
    const bob = await member(t, 'bob', 'room-b');
    const slow = alice.request('msg.send', { groupID: 'room-a', message: text('slow-1', 'slow') });
    await receiver.next((cb) => cb.body.MsgBody?.[0]?.MsgContent?.Text === 'slow');
    // Neither waits for the held callback (the clock does not move: no timeout helps them).
    expect(await bob.request('msg.send', { groupID: 'room-b', message: text('b1', 'other room') })).toMatchObject({ code: 0 });
    expect(await carol.request('msg.send', { groupID: 'room-a', message: text('c1', 'same room') })).toMatchObject({ code: 0 });
    await alice.next((fr) => fr.t === 'msgs' && fr.m.some((m) => m.id === 'c1'));
    const pending = await Promise.race([slow.then(() => 'answered'), new Promise((r) => setImmediate(() => r('waiting')))]);
    expect(pending).toBe('waiting');
    release();
    const answered = await slow;
    expect(answered).toMatchObject({ code: 0 });
    // The later message was numbered first: each message is ordered when it passes admission.
    expect(dataOf(answered).seq).toBeGreaterThan(0);
    clock.advance(0);
    await alice.close();
    await carol.close();
    await bob.close();
  });
});

describe('send callbacks on any node', () => {
  it('applies the answer: allow, reject (10016), a custom code, a silent drop, a rewrite', async () => {
    await using f = await startSettledCallbackFixture();
    const { t, receiver } = f;
    await createRoom(t, 'live-2');
    const alice = await member(t, 'alice', 'live-2');
    const bob = await member(t, 'bob', 'live-2');
    const answers: Record<string, CallbackReply> = {
      reject: { body: { ...OK_REPLY, ErrorCode: 1, ErrorInfo: 'not today' } },
      custom: { body: { ...OK_REPLY, ErrorCode: 10123, ErrorInfo: 'links are not allowed' } },
      drop: { body: { ...OK_REPLY, ErrorCode: 2 } },
      rewrite: { body: { ...OK_REPLY, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: '***' } }], CloudCustomData: 'masked' } },
      badRewrite: { body: { ...OK_REPLY, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: '' } }] } },
    };
    receiver.answer = (cb) => (cb.command === BEFORE ? (answers[cb.body.MsgBody[0].MsgContent.Text as string] ?? {}) : {});

    expect(await alice.request('msg.send', { groupID: 'live-2', message: text('a1', 'fine') })).toMatchObject({ code: 0 });
    expect(await alice.request('msg.send', { groupID: 'live-2', message: text('a2', 'reject') })).toMatchObject({
      code: 10016,
      name: 'CALLBACK_REJECTED',
      message: expect.stringContaining('not today'),
    });
    const custom = await alice.request('msg.send', { groupID: 'live-2', message: text('a3', 'custom') });
    // A code of the app's own reaches the sender (name CALLBACK_REJECTED, code 10123), over WebSocket and REST.
    expect(custom).toMatchObject({ code: 10123, name: 'CALLBACK_REJECTED', message: expect.stringContaining('links are not allowed') });
    const restCustom = await rest(t, 'group_open_http_svc/send_group_msg', { GroupId: 'live-2', Random: 5, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'custom' } }] });
    expect(restCustom).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10123, ErrorInfo: expect.stringContaining('links are not allowed') });
    const dropped = await alice.request('msg.send', { groupID: 'live-2', message: text('a4', 'drop') });
    expect(dropped).toMatchObject({ code: 0, data: { seq: 0, sampled: true } });
    // The sender learns what was published instead.
    expect(await alice.request('msg.send', { groupID: 'live-2', message: text('a5', 'rewrite') })).toMatchObject({
      code: 0,
      data: { rewritten: { type: 'TIMTextElem', payload: { text: '***' }, cloudCustomData: 'masked' } },
    });
    expect(dataOf(await alice.request('msg.send', { groupID: 'live-2', message: text('a7', 'fine') })).rewritten).toBeUndefined();
    // A rewrite that is not a valid message is a callback failure: the fail policy (allow) delivers the original.
    expect(await alice.request('msg.send', { groupID: 'live-2', message: text('a6', 'badRewrite') })).toMatchObject({ code: 0 });

    const rewritten = await bob.next((fr) => fr.t === 'msgs' && fr.m.some((m) => m.id === 'a5'));
    expect((rewritten as unknown as { m: Array<Record<string, unknown>> }).m.find((m) => m.id === 'a5')).toMatchObject({ payload: { text: '***' }, cloudCustomData: 'masked' });
    await bob.next((fr) => fr.t === 'msgs' && fr.m.some((m) => m.id === 'a6' && (m.payload as { text: string }).text === 'badRewrite'));
    const delivered = bob.frames.flatMap((fr) => (fr.t === 'msgs' ? fr.m.map((m) => m.id) : []));
    expect(delivered.filter((id) => id.startsWith('a'))).toEqual(['a1', 'a5', 'a7', 'a6']);
    // After-send for what was delivered (with the rewritten body), none for the refused or dropped.
    await receiver.count((cb) => cb.command === AFTER, 4);
    expect(
      receiver
        .of(AFTER)
        .filter((cb) => cb.body.GroupId === 'live-2')
        .map((cb) => cb.body.MsgBody[0].MsgContent.Text),
    ).toEqual(['fine', '***', 'fine', 'badRewrite']);
    expect(receiver.of(EXCEPTION)).toEqual([]);
    await alice.close();
    await bob.close();
  });

  it('gives a REST call through a trusted proxy the forwarded client address as ClientIP, and ignores the header from anyone else', async () => {
    await using f = await startCallbackFixture({ Commands: [BEFORE] }, { trustedProxies: '127.0.0.1' });
    const { t, receiver } = f;
    await createRoom(t, 'proxied');
    const send = (random: number, headers: Record<string, string>) =>
      rest(t, 'group_open_http_svc/send_group_msg', { GroupId: 'proxied', Random: random, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }] }, { headers });
    expect(await send(1, { 'X-Forwarded-For': '198.51.100.9, 203.0.113.7' })).toMatchObject({ ErrorCode: 0 });
    const via = await receiver.next((cb) => cb.command === BEFORE && cb.body.Random === 1);
    expect(via.query.get('ClientIP')).toBe('203.0.113.7');
    await using direct = await startCallbackFixture({ Commands: [BEFORE] });
    await createRoom(direct.t, 'direct');
    const forged = await rest(
      direct.t,
      'group_open_http_svc/send_group_msg',
      { GroupId: 'direct', Random: 2, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }] },
      { headers: { 'X-Forwarded-For': '203.0.113.7' } },
    );
    expect(forged).toMatchObject({ ErrorCode: 0 });
    const plain = await direct.receiver.next((cb) => cb.command === BEFORE && cb.body.Random === 2);
    expect(plain.query.get('ClientIP')).toBe('127.0.0.1');
  });

  it('honours ForbidCallbackControl on send_group_msg', async () => {
    await using f = await startSettledCallbackFixture();
    const { t, receiver } = f;
    await createRoom(t, 'live-4');
    const send = (Random: number, ForbidCallbackControl?: string[]) =>
      rest(t, 'group_open_http_svc/send_group_msg', {
        GroupId: 'live-4',
        Random,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `r${Random}` } }],
        ...(ForbidCallbackControl ? { ForbidCallbackControl } : {}),
      });
    expect(await send(1, ['ForbidBeforeSendMsgCallback'])).toMatchObject({ ErrorCode: 0 });
    expect(await send(2, ['ForbidAfterSendMsgCallback'])).toMatchObject({ ErrorCode: 0 });
    expect(await send(3, ['ForbidBeforeSendMsgCallback', 'ForbidAfterSendMsgCallback'])).toMatchObject({ ErrorCode: 0 });
    expect(await send(4)).toMatchObject({ ErrorCode: 0 });
    await receiver.next((cb) => cb.command === AFTER && cb.body.Random === 1);
    await receiver.next((cb) => cb.command === AFTER && cb.body.Random === 4);
    const inRoom = (command: string) => receiver.of(command).filter((cb) => cb.body.GroupId === 'live-4');
    expect(inRoom(BEFORE).map((cb) => cb.body.Random)).toEqual([2, 4]);
    expect(
      inRoom(AFTER)
        .map((cb) => cb.body.Random)
        .sort(),
    ).toEqual([1, 4]);
  });

  it("a before-send rewrite reaches the sender's SDK: the sent Message shows the published body", async () => {
    await using f = await startCallbackFixture({ Commands: [BEFORE] }, { appRefreshMs: 200 });
    const { t, receiver } = f;
    receiver.answer = (cb) =>
      cb.command === BEFORE ? { body: { ...OK_REPLY, MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: 'masked', Desc: 'd', Ext: 'e' } }], CloudCustomData: 'cc2' } } : {};
    await createRoom(t, 'rewrites');
    const alice = await loggedInClient(t, 'alice');
    try {
      await alice.joinGroup({ groupID: 'rewrites' });
      // With --workers 2 the room's authority may learn the callback settings up to appRefreshMs later.
      let message: Message | undefined;
      for (let i = 0; i < 100 && !(message && message.type === TIM.TYPES.MSG_CUSTOM); i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20));
        const sent = await alice.sendMessage(alice.createTextMessage({ to: 'rewrites', conversationType: TIM.TYPES.CONV_GROUP, payload: { text: `hello ${i}` } }));
        message = sent.data.message;
      }
      expect(message).toMatchObject({ type: TIM.TYPES.MSG_CUSTOM, payload: { data: 'masked', description: 'd', extension: 'e' }, cloudCustomData: 'cc2', status: 'success' });
      expect(receiver.of(BEFORE).length).toBeGreaterThan(0);
    } finally {
      await alice.destroy();
    }
  });

  // Runs in both projects: with --workers 2 the room's authority may be another worker than the
  // one that took the settings, which applies them within appRefreshMs.
  it('a REST message reaches the receiver as before-send and after-send, signed', async () => {
    await using f = await startCallbackFixture({ Commands: [BEFORE, AFTER] }, { appRefreshMs: 200 });
    const { t, receiver } = f;
    await createRoom(t, 'anywhere');
    for (let random = 1; receiver.of(AFTER).length === 0 && random < 200; random++) {
      const sent = await rest(t, 'group_open_http_svc/send_group_msg', { GroupId: 'anywhere', Random: random, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }] });
      expect(sent).toMatchObject({ ErrorCode: 0 });
      if (receiver.of(AFTER).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const after = await receiver.next((cb) => cb.command === AFTER);
    const before = await receiver.next((cb) => cb.command === BEFORE && cb.body.Random === after.body.Random);
    expect(before.body).toMatchObject({ GroupId: 'anywhere', From_Account: 'administrator', MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }] });
    expect(after.body.MsgSeq).toBeGreaterThan(0);
    for (const cb of [before, after])
      expect(verifyCallbackSignature(cb.headers['x-stadium-signature'] as string, cb.raw, t.app.secretKey, Math.floor(Date.now() / 1000))).toBe(true);
  });
});

/**
 * Idempotent sends (docs/protocol.md#idempotent-sends): the answer of a send is lost (the
 * proxy drops what the server sends, then cuts the connection); the sender comes back on
 * another connection (in the cluster project possibly another worker) and sends the same
 * message again: members get one message, and the resend's answer has its seq and ID.
 */
import { describe, expect, it } from 'vitest';
import type { ServerFrame, WireMessage } from '@stadium/protocol';
import type { Message } from '@stadium/sdk';
import TIM from '@stadium/sdk';
import { collectMessages, nextEvent, waitForMessage } from './support/events.js';
import { RawClient } from './support/raw-client.js';
import { startTestStadium, type TestStadium } from './support/stadium.js';
import { startTcpProxy } from './support/tcp-proxy.js';
import { rest } from './support/rest.js';

type Res = ServerFrame & { t: 'res'; data?: { seq: number; time: number; id?: string } };

async function loggedIn(t: TestStadium, userID: string, url = t.url): Promise<RawClient> {
  const c = await RawClient.connect(url, `sdkappid=${t.app.sdkAppId}&v=1`);
  expect((await c.request('login', { userID, userSig: t.sig(userID) })).code).toBe(0);
  return c;
}

async function joined(t: TestStadium, userID: string, groupID: string, url = t.url): Promise<RawClient> {
  const c = await loggedIn(t, userID, url);
  expect((await c.request('group.join', { groupID })).code).toBe(0);
  return c;
}

const text = (id: string, body: string) => ({ id, type: 'TIMTextElem', payload: { text: body }, priority: 'Normal', random: 5 });

/** The user messages `c` received in `groupID`, in order. */
function textsOf(c: RawClient, groupID: string): WireMessage[] {
  return c.frames.flatMap((f) => (f.t === 'msgs' && f.g === groupID ? f.m : [])).filter((m) => m.type === 'TIMTextElem');
}

function received(c: RawClient, groupID: string, id: string): Promise<ServerFrame> {
  return c.next((f) => f.t === 'msgs' && f.g === groupID && f.m.some((m) => m.id === id));
}

async function room(t: TestStadium, owner: RawClient): Promise<string> {
  const res = (await owner.request('group.create', { name: 'live', type: 'AVChatRoom' })) as Res & { data: { group: { groupID: string } } };
  expect(res.code).toBe(0);
  const groupID = res.data.group.groupID;
  expect((await owner.request('group.join', { groupID })).code).toBe(0);
  return groupID;
}

describe('idempotent sends', () => {
  it('a resend after a lost answer, on another connection, is one message with the same seq and ID', async () => {
    await using t = await startTestStadium();
    await using proxy = await startTcpProxy(t.url);
    const owner = await loggedIn(t, 'owner');
    const groupID = await room(t, owner);
    const bob = await joined(t, 'bob', groupID);
    const alice = await joined(t, 'alice', groupID, proxy.url);

    // The send reaches the room, but its answer is lost with the connection.
    proxy.dropToClient = true;
    alice.ws.send(JSON.stringify({ t: 'req', id: 99, cmd: 'msg.send', body: { groupID, message: text('a-1', 'hello') } }));
    await received(bob, groupID, 'a-1');
    proxy.cut();
    await alice.closed();
    expect(alice.frames.some((f) => f.t === 'res' && f.id === 99)).toBe(false);
    const published = textsOf(bob, groupID).find((m) => m.id === 'a-1')!;

    // Back on two other connections (maybe other workers): both resends get the first answer.
    const again = await joined(t, 'alice', groupID);
    const third = await joined(t, 'alice', groupID);
    const [r1, r2] = (await Promise.all([
      again.request('msg.send', { groupID, message: text('a-1', 'hello') }),
      third.request('msg.send', { groupID, message: text('a-1', 'hello') }),
    ])) as Res[];
    expect(r1).toMatchObject({ code: 0, data: { seq: published.seq, time: published.time, id: 'a-1' } });
    expect(r2).toMatchObject({ code: 0, data: { seq: published.seq, time: published.time, id: 'a-1' } });

    // The next message follows it directly: nobody got a second copy.
    const next = (await again.request('msg.send', { groupID, message: text('a-2', 'next') })) as Res;
    expect(next).toMatchObject({ code: 0, data: { id: 'a-2' } });
    await received(bob, groupID, 'a-2');
    expect(textsOf(bob, groupID).map((m) => [m.id, m.seq])).toEqual([
      ['a-1', published.seq],
      ['a-2', next.data!.seq],
    ]);
    // Another sender may use the same ID: that is another message.
    const fromBob = (await bob.request('msg.send', { groupID, message: text('a-1', 'mine') })) as Res;
    expect(fromBob.data!.seq).toBeGreaterThan(next.data!.seq);
    for (const c of [owner, bob, again, third]) await c.close();
  });

  it('the SDK resends by itself after a lost answer: members see one message, the sender its final seq', async () => {
    await using t = await startTestStadium();
    await using proxy = await startTcpProxy(t.url);
    const owner = await loggedIn(t, 'owner');
    const groupID = await room(t, owner);
    const bob = await joined(t, 'bob', groupID);

    const alice = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: proxy.url });
    alice.setLogLevel(4);
    const ready = nextEvent(alice, TIM.EVENT.SDK_READY);
    await alice.login({ userID: 'alice', userSig: t.sig('alice') });
    await ready;
    await alice.joinGroup({ groupID });
    const echoes: Message[] = collectMessages(alice);

    proxy.dropToClient = true;
    const message = alice.createTextMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text: 'once' } });
    const sent = alice.sendMessage(message);
    await received(bob, groupID, message.ID);
    proxy.cut();
    proxy.dropToClient = false;
    const result = await sent;
    const published = textsOf(bob, groupID).find((m) => m.id === message.ID)!;
    expect(result.data.message).toMatchObject({ ID: message.ID, status: 'success', sequence: published.seq });

    const second = alice.createTextMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text: 'twice?' } });
    await alice.sendMessage(second);
    await received(bob, groupID, second.ID);
    expect(textsOf(bob, groupID).map((m) => m.id)).toEqual([message.ID, second.ID]);
    // The sender's own echo is dropped, also when the rejoin's resume carries it.
    const fromOwner = await owner.request('msg.send', { groupID, message: text('o-1', 'after') });
    expect(fromOwner.code).toBe(0);
    await waitForMessage(alice, echoes, (m) => m.ID === 'o-1');
    expect(echoes.map((m) => m.ID)).not.toContain(message.ID);
    await alice.destroy();
    for (const c of [owner, bob]) await c.close();
  });

  it('holds across a restart (a change of authority) in a room that keeps history', async () => {
    await using t = await startTestStadium();
    const owner = await loggedIn(t, 'owner');
    const groupID = await room(t, owner);
    expect(await rest(t, 'stadium_admin/set_group_history', { GroupId: groupID, HistorySize: 10 })).toMatchObject({ ActionStatus: 'OK' });
    const alice = await joined(t, 'alice', groupID);
    const first = (await alice.request('msg.send', { groupID, message: text('r-1', 'before') })) as Res;
    expect(first.code).toBe(0);
    await alice.close();
    await owner.close();
    await t.restart();

    const back = await joined(t, 'alice', groupID);
    const again = (await back.request('msg.send', { groupID, message: text('r-1', 'before') })) as Res;
    expect(again).toMatchObject({ code: 0, data: { seq: first.data!.seq, time: first.data!.time, id: 'r-1' } });
    const history = (await back.request('msg.history', { groupID })) as Res & { data: { messages: WireMessage[] } };
    expect(history.data.messages.map((m) => m.id)).toEqual(['r-1']);
    await back.close();
  });
});

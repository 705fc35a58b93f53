/**
 * B1 and graceful restarts: a client that drops and comes back gets every missed message
 * once, in order; a server that stops closes with "going away" and SDKs come back by
 * themselves to the restarted server, where profiles, rooms and sequence numbers survive.
 */
import { describe, expect, it } from 'vitest';
import TIM, { type Message } from '@stadium/sdk';
import { collectMessages, nextEvent, waitForMessage } from './support/events.js';
import { startTestStadium } from './support/stadium.js';
import { startTcpProxy } from './support/tcp-proxy.js';

const fast = { reconnectBaseMs: 20, reconnectMaxMs: 200 };

describe('resume after a drop', () => {
  it('delivers every missed message once, in order, then live ones', async () => {
    await using t = await startTestStadium();
    await using proxy = await startTcpProxy(t.url);
    const host = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
    const viewer = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: proxy.url, ...fast });
    host.setLogLevel(4);
    viewer.setLogLevel(4);
    await host.login({ userID: 'host', userSig: t.sig('host') });
    const { groupID } = (await host.createGroup({ name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })).data.group;
    await host.joinGroup({ groupID });
    await viewer.login({ userID: 'viewer', userSig: t.sig('viewer') });
    await viewer.joinGroup({ groupID });
    const inbox = collectMessages(viewer);
    const states: string[] = [];
    viewer.on(TIM.EVENT.NET_STATE_CHANGE, (e: { data: { state: string } }) => states.push(e.data.state));
    const recoveries: unknown[] = [];
    viewer.on(TIM.EVENT.GROUP_RESUMED, (e: { data: unknown }) => recoveries.push(e.data));

    const send = async (text: string): Promise<Message> =>
      (await host.sendMessage(host.createTextMessage({ to: groupID, conversationType: 'GROUP', payload: { text } }))).data.message;
    await send('before');
    await waitForMessage(viewer, inbox, (m) => (m.payload as { text?: string }).text === 'before');

    proxy.refuse = true;
    const down = nextEvent<{ state: string }>(viewer, TIM.EVENT.NET_STATE_CHANGE, (d) => d.state === TIM.TYPES.NET_STATE_DISCONNECTED);
    proxy.cut();
    await down;
    for (let i = 0; i < 5; i++) await send(`missed ${i}`);
    const back = nextEvent<{ state: string }>(viewer, TIM.EVENT.NET_STATE_CHANGE, (d) => d.state === TIM.TYPES.NET_STATE_CONNECTED);
    proxy.refuse = false;
    await back;
    await waitForMessage(viewer, inbox, (m) => (m.payload as { text?: string }).text === 'missed 4');
    await send('after');
    await waitForMessage(viewer, inbox, (m) => (m.payload as { text?: string }).text === 'after');

    const texts = inbox.filter((m) => m.type === TIM.TYPES.MSG_TEXT).map((m) => (m.payload as { text: string }).text);
    expect(texts).toEqual(['before', 'missed 0', 'missed 1', 'missed 2', 'missed 3', 'missed 4', 'after']);
    const seqs = inbox.map((m) => m.sequence);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(states).toContain(TIM.TYPES.NET_STATE_CONNECTING);
    // The SDK says the recovery was complete.
    expect(recoveries).toEqual([{ groupID, complete: true }]);
    await host.destroy();
    await viewer.destroy();
  });
});

describe('graceful restart', () => {
  it('closes with going-away; SDKs reconnect to the restarted server and state survives', async () => {
    await using t = await startTestStadium();
    const sdk = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url, ...fast });
    sdk.setLogLevel(4);
    await sdk.login({ userID: 'host', userSig: t.sig('host') });
    await sdk.updateMyProfile({ nick: 'Persisted' });
    const { groupID } = (await sdk.createGroup({ name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })).data.group;
    await sdk.joinGroup({ groupID });
    const first = await sdk.sendMessage(sdk.createTextMessage({ to: groupID, conversationType: 'GROUP', payload: { text: 'one' } }));

    const down = nextEvent<{ state: string }>(sdk, TIM.EVENT.NET_STATE_CHANGE, (d) => d.state === TIM.TYPES.NET_STATE_DISCONNECTED);
    const restarted = t.restart();
    await down;
    await restarted;
    try {
      await expect.poll(async () => (await sdk.getGroupOnlineMemberCount(groupID)).data.memberCount, { timeout: 10_000 }).toBe(1);
      expect((await sdk.getMyProfile()).data.nick).toBe('Persisted');
      const second = await sdk.sendMessage(sdk.createTextMessage({ to: groupID, conversationType: 'GROUP', payload: { text: 'two' } }));
      expect(second.data.message.sequence).toBe(first.data.message.sequence + 1);
    } finally {
      await sdk.destroy();
    }
  });
});

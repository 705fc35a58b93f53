/**
 * The browser bundle served at /sdk/stadium.js, in real Chromium: a page loads it with a
 * script tag, finds the global TIM with the compatible constants, joins a room as a guest,
 * receives a message sent from Node, and is refused when it tries to send.
 */
import { describe, expect, it } from 'vitest';
import TIM from '@stadium/sdk';
import { launchChromium } from './support/browser.js';
import { startTestStadium } from './support/stadium.js';

describe('browser SDK bundle', () => {
  it('works from a <script> tag as a guest', async () => {
    await using t = await startTestStadium();
    const browser = await launchChromium();
    try {
      const host = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
      host.setLogLevel(4);
      await host.login({ userID: 'host', userSig: t.sig('host') });
      await host.updateMyProfile({ nick: 'Host' });
      const { groupID } = (await host.createGroup({ name: 'live', type: 'AVChatRoom' })).data.group;
      await host.joinGroup({ groupID });

      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${t.url}/healthz`);
      await page.addScriptTag({ url: '/sdk/stadium.js' });
      const constants = await page.evaluate(() => {
        const T = (window as unknown as { TIM: typeof TIM }).TIM;
        return { ready: T.EVENT.SDK_READY, received: T.EVENT.MESSAGE_RECEIVED, high: T.TYPES.MSG_PRIORITY_HIGH, av: T.TYPES.GRP_AVCHATROOM };
      });
      expect(constants).toEqual({ ready: 'sdkStateReady', received: 'onMessageReceived', high: 'High', av: 'AVChatRoom' });

      const status = await page.evaluate(
        async ({ SDKAppID, groupID }) => {
          const T = (window as unknown as { TIM: typeof TIM }).TIM;
          const tim = T.create({ SDKAppID });
          tim.setLogLevel(4);
          const w = window as unknown as { received: unknown[] };
          w.received = [];
          tim.on(T.EVENT.MESSAGE_RECEIVED, (e: { data: unknown[] }) => w.received.push(...e.data));
          const res = await tim.joinGroup({ groupID, type: T.TYPES.GRP_AVCHATROOM });
          return res.data.status;
        },
        { SDKAppID: t.app.sdkAppId, groupID },
      );
      expect(status).toBe('JoinedSuccess');

      await host.sendMessage(host.createTextMessage({ to: groupID, conversationType: 'GROUP', payload: { text: 'hello browser' } }));
      await page.waitForFunction(() => (window as unknown as { received: Array<{ payload: { text?: string } }> }).received.some((m) => m.payload.text === 'hello browser'));
      const seen = await page.evaluate(() =>
        (window as unknown as { received: Array<Record<string, unknown>> }).received.find((m) => (m.payload as { text?: string }).text === 'hello browser'),
      );
      expect(seen).toMatchObject({ type: 'TIMTextElem', from: 'host', nick: 'Host', flow: 'in', conversationID: `GROUP${groupID}` });

      const refused = await page.evaluate(
        async ({ SDKAppID, groupID }) => {
          const T = (window as unknown as { TIM: typeof TIM }).TIM;
          const tim = T.create({ SDKAppID });
          const msg = tim.createTextMessage({ to: groupID, conversationType: T.TYPES.CONV_GROUP, payload: { text: 'guest' } });
          try {
            await tim.sendMessage(msg);
            return 0;
          } catch (e) {
            return (e as { code: number }).code;
          }
        },
        { SDKAppID: t.app.sdkAppId, groupID },
      );
      expect(refused).toBe(2999);
      expect(errors).toEqual([]);
      await host.destroy();
    } finally {
      await browser.close();
    }
  });
});

/** Await SDK events instead of sleeping. */
import type { Message } from '@stadium/sdk';
import TIM from '@stadium/sdk';

import type { Client } from '@stadium/sdk';

/** Wait for the next `event` whose data matches. */
export function nextEvent<T = unknown>(client: Client, event: string, match: (data: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, handler);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const handler = (e: { data: T }): void => {
      if (!match(e.data)) return;
      clearTimeout(timer);
      client.off(event, handler);
      resolve(e.data);
    };
    client.on(event, handler);
  });
}

/** Collect every message a client receives. */
export function collectMessages(client: Client): Message[] {
  const all: Message[] = [];
  client.on(TIM.EVENT.MESSAGE_RECEIVED, (e: { data: Message[] }) => all.push(...e.data));
  return all;
}

/** Wait until `messages` holds one that matches. */
export async function waitForMessage(client: Client, messages: Message[], match: (m: Message) => boolean): Promise<Message> {
  const seen = messages.find(match);
  if (seen) return seen;
  const batch = await nextEvent<Message[]>(client, TIM.EVENT.MESSAGE_RECEIVED, (data) => data.some(match));
  return batch.find(match)!;
}

/** A new SDK instance logged in as `userID`, once SDK_READY has fired. */
export async function loggedInClient(t: { app: { sdkAppId: number }; url: string; sig(userID: string): string }, userID: string): Promise<Client> {
  const c = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
  c.setLogLevel(4);
  const ready = nextEvent(c, TIM.EVENT.SDK_READY);
  await c.login({ userID, userSig: t.sig(userID) });
  await ready;
  return c;
}

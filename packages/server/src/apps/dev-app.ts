/**
 * The development app: created on the first start of an empty store so that
 * `npm install && npm start` gives a working SDKAppID and key with no further step.
 */
import type { Clock } from '../clock/clock.js';
import type { AppRecord, Store } from '../storage/store.js';
import { createApp } from './create-app.js';

/** Name of the app {@link ensureDevApp} creates. */
export const DEV_APP_NAME = 'Development';

/**
 * Return the store's first app, creating one named "Development" when the store has none. The
 * app made here has the development login on (`devLogin`), so the live page works at once.
 * `created` tells whether it was made now (the caller prints its key only then).
 */
export async function ensureDevApp(store: Store, clock: Clock): Promise<{ app: AppRecord; created: boolean }> {
  const [existing] = await store.listApps();
  if (existing) return { app: existing, created: false };
  return { app: await createApp(store, { name: DEV_APP_NAME, devLogin: true }, clock), created: true };
}

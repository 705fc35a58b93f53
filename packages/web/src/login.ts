/**
 * Logging a viewer in with the development login: a userSig from /live/api/dev-login, the
 * SDK's `login`, then `updateMyProfile` with the nickname, so every message and tip carries it.
 * A real app gets the userSig from its own backend; the SDK calls stay the same.
 */
import { devLogin } from './dev-api.js';
import type { Identity } from './identity.js';
import type { Client } from './sdk.js';

/** Log `identity` in on `tim` and set its nickname. */
export async function logIn(tim: Client, sdkAppId: number, identity: Identity): Promise<void> {
  const { userSig } = await devLogin(sdkAppId, identity.userID);
  await tim.login({ userID: identity.userID, userSig });
  await tim.updateMyProfile({ nick: identity.nick });
}

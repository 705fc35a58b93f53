/**
 * The development endpoints of the server under /live/api/ (docs/live-page.md): the
 * development app, its rooms, and a userSig for a user. They answer only for apps with the
 * development login on; a real app makes userSigs on its own backend instead.
 */

/** A room of the landing page. */
export interface RoomSummary {
  groupID: string;
  name: string;
  memberCount: number;
  video: string;
}

/** An error answer of /live/api/. */
export class DevApiError extends Error {
  constructor(
    /** Registry name of the error, e.g. DEV_LOGIN_DISABLED. */
    readonly reason: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
  const body = (await res.json().catch(() => ({}))) as T & { error?: { name: string; code: number; message: string } };
  if (!res.ok || body.error) {
    const e = body.error ?? { name: 'HTTP_ERROR', code: res.status, message: `${path} answered ${res.status}` };
    throw new DevApiError(e.name, e.code, e.message);
  }
  return body;
}

/** The development app (the first app with the development login on). */
export function devApp(): Promise<{ SDKAppID: number; name: string }> {
  return call('/live/api/dev-app');
}

/** The newest rooms of an app. */
export function listRooms(sdkAppId: number): Promise<{ total: number; rooms: RoomSummary[] }> {
  return call(`/live/api/rooms?sdkappid=${sdkAppId}`);
}

/** A userSig for `userID`. */
export function devLogin(sdkAppId: number, userID: string): Promise<{ userSig: string }> {
  return call('/live/api/dev-login', { method: 'POST', body: JSON.stringify({ sdkAppId, userID }) });
}

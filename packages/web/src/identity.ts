/**
 * Who this tab is: a nickname and a userID made from it, kept in sessionStorage so a reload
 * keeps the login and two tabs are two viewers.
 */

/** A logged-in viewer of this tab. */
export interface Identity {
  userID: string;
  nick: string;
}

const KEY = 'stadium-live-identity';
/** Longest nickname, characters. */
export const MAX_NICK_CHARS = 24;

/** A userID for a nickname: ASCII letters and digits of the nick plus a random suffix (≤ 32 bytes). */
export function userIdFor(nick: string): string {
  const base =
    nick
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 16)
      .toLowerCase() || 'viewer';
  const suffix = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
  return `${base}-${suffix}`;
}

/** The identity this tab logged in with, if any. */
export function loadIdentity(): Identity | undefined {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Identity | null;
    return value && typeof value.userID === 'string' && typeof value.nick === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Remember (or forget, with undefined) the identity of this tab. */
export function saveIdentity(identity: Identity | undefined): void {
  try {
    if (identity) sessionStorage.setItem(KEY, JSON.stringify(identity));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage may be off (private mode): the login then lasts until reload.
  }
}

/**
 * User profiles (nick, avatar and the other compatible fields), persisted in the store and
 * cached on each live connection so that messages and tips carry nick and avatar without a
 * store read on the send path.
 */
import { LIMITS, StadiumError, emptyProfile, isValidUserId, utf8Length } from '@stadium/protocol';
import type { Profile } from '@stadium/protocol';
import type { Connection } from '../gateway/connection.js';
import type { Store } from '../storage/store.js';
import type { SessionRegistry } from '../gateway/session-registry.js';

const STRING_FIELDS = ['nick', 'avatar', 'gender', 'selfSignature', 'location', 'allowType', 'adminForbidType'] as const;
const NUMBER_FIELDS = ['birthday', 'language', 'level', 'role', 'messageSettings'] as const;

/** Profile reads and writes. */
export class ProfileService {
  readonly #store: Store;
  readonly #sessions: SessionRegistry;

  constructor(deps: { store: Store; sessions: SessionRegistry }) {
    this.#store = deps.store;
    this.#sessions = deps.sessions;
  }

  async get(sdkAppId: number, userId: string): Promise<Profile> {
    return (await this.#store.getProfile(sdkAppId, userId)) ?? emptyProfile(userId);
  }

  async getMany(conn: Connection, userIds: unknown): Promise<{ profiles: Profile[] }> {
    if (!Array.isArray(userIds) || userIds.length === 0 || userIds.length > 100 || !userIds.every(isValidUserId)) {
      throw new StadiumError('INVALID_PARAMETER', 'userIDList must be an array of 1–100 userIDs');
    }
    const found = await this.#store.getProfiles(conn.app.sdkAppId, userIds);
    const byId = new Map(found.map((p) => [p.userID, p]));
    return { profiles: userIds.map((id: string) => byId.get(id) ?? emptyProfile(id)) };
  }

  async update(conn: Connection, patch: Record<string, unknown>): Promise<Profile> {
    if (conn.userId === null) throw new StadiumError('NOT_LOGGED_IN');
    if (typeof patch !== 'object' || patch === null) throw new StadiumError('INVALID_PARAMETER', 'profile fields must be an object');
    const profile = { ...(await this.get(conn.app.sdkAppId, conn.userId)) };
    for (const field of STRING_FIELDS) {
      const value = patch[field];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw new StadiumError('INVALID_PARAMETER', `${field} must be a string`);
      if (utf8Length(value) > LIMITS.maxProfileValueBytes) throw new StadiumError('PROFILE_VALUE_TOO_LONG', field);
      profile[field] = value;
    }
    for (const field of NUMBER_FIELDS) {
      const value = patch[field];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new StadiumError('INVALID_PARAMETER', `${field} must be a non-negative integer`);
      profile[field] = value;
    }
    if (patch.profileCustomField !== undefined) {
      const custom = patch.profileCustomField;
      if (!Array.isArray(custom) || !custom.every((f: { key?: unknown; value?: unknown } | null | undefined) => typeof f?.key === 'string' && typeof f?.value === 'string')) {
        throw new StadiumError('INVALID_PARAMETER', 'profileCustomField must be an array of { key, value } strings');
      }
      if (custom.some((f: { value: string }) => utf8Length(f.value) > LIMITS.maxProfileValueBytes)) throw new StadiumError('PROFILE_VALUE_TOO_LONG', 'profileCustomField');
      profile.profileCustomField = custom.map((f: { key: string; value: string }) => ({ key: f.key, value: f.value }));
    }
    profile.lastUpdatedNumber = (profile.lastUpdatedNumber ?? 0) + 1;
    await this.#store.putProfile(conn.app.sdkAppId, profile);
    for (const c of this.#sessions.connectionsOf(conn.app.sdkAppId, conn.userId)) {
      c.nick = profile.nick;
      c.avatar = profile.avatar;
    }
    return profile;
  }
}

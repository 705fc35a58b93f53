/**
 * User profiles (nick, avatar and the other compatible fields) on an Actor, persisted in the
 * store. Front doors cache nick and avatar on live sessions (told through `onChanged`), so
 * messages and tips carry them without a store read on the send path.
 */
import { LIMITS, StadiumError, emptyProfile, isValidUserId, utf8Length } from '@stadium/protocol';
import type { Profile } from '@stadium/protocol';
import type { Actor } from '../core/actor.js';
import { authorize, roleOf } from '../core/permissions.js';
import type { Store } from '../storage/store.js';

const STRING_FIELDS = ['nick', 'avatar', 'gender', 'selfSignature', 'location', 'allowType', 'adminForbidType'] as const;
const NUMBER_FIELDS = ['birthday', 'language', 'level', 'role', 'messageSettings'] as const;

/** What the service needs. */
export interface ProfileServiceDeps {
  store: Store;
  /** Called after a user's profile changed (to refresh what live sessions show). */
  onChanged?: (sdkAppId: number, profile: Profile) => void;
}

/** Profile reads and writes. */
export class ProfileService {
  readonly #store: Store;
  readonly #onChanged: (sdkAppId: number, profile: Profile) => void;

  constructor(deps: ProfileServiceDeps) {
    this.#store = deps.store;
    this.#onChanged = deps.onChanged ?? (() => undefined);
  }

  /** A user's profile (empty fields when none is stored). */
  async get(sdkAppId: number, userId: string): Promise<Profile> {
    return (await this.#store.getProfile(sdkAppId, userId)) ?? emptyProfile(userId);
  }

  async getMany(actor: Actor, userIds: unknown): Promise<{ profiles: Profile[] }> {
    authorize('profile.read', roleOf(actor, null));
    if (!Array.isArray(userIds) || userIds.length === 0 || userIds.length > 100 || !userIds.every(isValidUserId)) {
      throw new StadiumError('INVALID_PARAMETER', 'userIDList must be an array of 1–100 userIDs');
    }
    const found = await this.#store.getProfiles(actor.app.sdkAppId, userIds);
    const byId = new Map(found.map((p) => [p.userID, p]));
    return { profiles: userIds.map((id: string) => byId.get(id) ?? emptyProfile(id)) };
  }

  /** Update the actor's own profile (or, for an app admin, `userId`'s). */
  async update(actor: Actor, patch: unknown, userId: string | null = actor.userId): Promise<Profile> {
    authorize('profile.update', roleOf(actor, null));
    if (userId === null) throw new StadiumError('NOT_LOGGED_IN');
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new StadiumError('INVALID_PARAMETER', 'profile fields must be an object');
    const fields = patch as Record<string, unknown>;
    const sdkAppId = actor.app.sdkAppId;
    const profile = { ...(await this.get(sdkAppId, userId)) };
    for (const field of STRING_FIELDS) {
      const value = fields[field];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw new StadiumError('INVALID_PARAMETER', `${field} must be a string`);
      if (utf8Length(value) > LIMITS.maxProfileValueBytes) throw new StadiumError('PROFILE_VALUE_TOO_LONG', field);
      profile[field] = value;
    }
    for (const field of NUMBER_FIELDS) {
      const value = fields[field];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new StadiumError('INVALID_PARAMETER', `${field} must be a non-negative integer`);
      profile[field] = value;
    }
    if (fields.profileCustomField !== undefined) {
      const custom = fields.profileCustomField;
      if (!Array.isArray(custom) || !custom.every((f: { key?: unknown; value?: unknown } | null) => typeof f?.key === 'string' && typeof f?.value === 'string')) {
        throw new StadiumError('INVALID_PARAMETER', 'profileCustomField must be an array of { key, value } strings');
      }
      if (custom.some((f: { value: string }) => utf8Length(f.value) > LIMITS.maxProfileValueBytes)) throw new StadiumError('PROFILE_VALUE_TOO_LONG', 'profileCustomField');
      profile.profileCustomField = custom.map((f: { key: string; value: string }) => ({ key: f.key, value: f.value }));
    }
    profile.lastUpdatedNumber = (profile.lastUpdatedNumber ?? 0) + 1;
    await this.#store.putProfile(sdkAppId, profile);
    this.#onChanged(sdkAppId, profile);
    return profile;
  }
}

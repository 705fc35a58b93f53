/**
 * User profiles (nick, avatar and the other compatible fields) on an Actor, persisted in the
 * store. Front doors cache nick and avatar on live sessions (told through `onChanged`), so
 * messages and tips carry them without a store read on the send path.
 */
import { LIMITS, StadiumError, TIM_TYPES, emptyProfile, isValidProfileCustomKey, isValidUserId, utf8Length } from '@stadium/protocol';
import type { Profile } from '@stadium/protocol';
import type { Actor } from '../core/actor.js';
import { describe } from '../core/describe.js';
import { authorize, roleOf } from '../core/permissions.js';
import type { Store } from '../storage/store.js';

/** String fields and their rule: longest value in bytes, or the only values accepted. */
const STRING_FIELDS = {
  nick: LIMITS.maxProfileValueBytes,
  avatar: LIMITS.maxProfileValueBytes,
  selfSignature: LIMITS.maxProfileValueBytes,
  location: LIMITS.maxProfileLocationBytes,
  gender: [TIM_TYPES.GENDER_UNKNOWN, TIM_TYPES.GENDER_FEMALE, TIM_TYPES.GENDER_MALE],
  allowType: [TIM_TYPES.ALLOW_TYPE_ALLOW_ANY, TIM_TYPES.ALLOW_TYPE_NEED_CONFIRM, TIM_TYPES.ALLOW_TYPE_DENY_ANY],
  adminForbidType: [TIM_TYPES.FORBID_TYPE_NONE, TIM_TYPES.FORBID_TYPE_SEND_OUT],
} as const satisfies Record<string, number | readonly string[]>;
/** Number fields: uint32 like the compatible service's tags. */
const NUMBER_FIELDS = ['birthday', 'language', 'level', 'role', 'messageSettings'] as const;

type StringField = keyof typeof STRING_FIELDS;

/** UTF-8 bytes of a profile's strings: what {@link LIMITS.maxProfileBytes} bounds. */
export function profileBytes(profile: Profile): number {
  let bytes = 0;
  for (const field of Object.keys(STRING_FIELDS) as StringField[]) bytes += utf8Length(profile[field] ?? '');
  for (const { key, value } of profile.profileCustomField ?? []) bytes += utf8Length(key) + utf8Length(value);
  return bytes;
}

function checkString(field: StringField, value: unknown): string {
  if (typeof value !== 'string') throw new StadiumError('INVALID_PARAMETER', `${field} must be a string`);
  const rule: number | readonly string[] = STRING_FIELDS[field];
  if (typeof rule !== 'number') {
    if (!rule.includes(value)) throw new StadiumError('INVALID_PROFILE_FIELD', `${field} must be one of ${rule.join(', ')}, got ${describe(value)}`);
  } else if (utf8Length(value) > rule) {
    throw new StadiumError(rule === LIMITS.maxProfileValueBytes ? 'PROFILE_VALUE_TOO_LONG' : 'INVALID_PROFILE_FIELD', `${field} is longer than ${rule} bytes`);
  }
  return value;
}

function checkCustomFields(custom: unknown): Array<{ key: string; value: string }> {
  if (!Array.isArray(custom)) throw new StadiumError('INVALID_PARAMETER', 'profileCustomField must be an array of { key, value } strings');
  if (custom.length > LIMITS.maxProfileCustomFields) throw new StadiumError('PROFILE_TOO_LARGE', `${custom.length} custom fields`);
  const seen = new Set<string>();
  return custom.map((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new StadiumError('INVALID_PARAMETER', `profileCustomField[${i}] must be a { key, value } object`);
    const { key, value } = entry as Record<string, unknown>;
    if (typeof key !== 'string' || typeof value !== 'string') throw new StadiumError('INVALID_PARAMETER', `profileCustomField[${i}] key and value must be strings`);
    if (!isValidProfileCustomKey(key)) throw new StadiumError('INVALID_PROFILE_CUSTOM_KEY', `got ${describe(key)}`);
    if (seen.has(key)) throw new StadiumError('INVALID_PROFILE_CUSTOM_KEY', `${key} appears twice`);
    seen.add(key);
    if (utf8Length(value) > LIMITS.maxProfileValueBytes) throw new StadiumError('PROFILE_VALUE_TOO_LONG', `profileCustomField ${key}`);
    return { key, value };
  });
}

/** What the service needs. */
export interface ProfileServiceDeps {
  store: Store;
  /** Profiles one app may store; a user without one cannot create it past this. */
  maxProfilesPerApp: number;
  /** Called after a user's profile changed (to refresh what live sessions show). */
  onChanged?: (sdkAppId: number, profile: Profile) => void;
}

/** Profile reads and writes. */
export class ProfileService {
  readonly #store: Store;
  readonly #maxProfilesPerApp: number;
  readonly #onChanged: (sdkAppId: number, profile: Profile) => void;

  constructor(deps: ProfileServiceDeps) {
    this.#store = deps.store;
    this.#maxProfilesPerApp = deps.maxProfilesPerApp;
    this.#onChanged = deps.onChanged ?? (() => undefined);
  }

  /** A user's profile (empty fields when none is stored). */
  async get(sdkAppId: number, userId: string): Promise<Profile> {
    return (await this.#store.getProfile(sdkAppId, userId)) ?? emptyProfile(userId);
  }

  /**
   * A logging-in user's profile; a user with none stored gets an empty one stored, so it is a
   * known account from then on (the recipient check of REST `openim/sendmsg`). Past the
   * per-app profile quota nothing is stored and the login goes on.
   */
  async getOnLogin(sdkAppId: number, userId: string): Promise<Profile> {
    const stored = await this.#store.getProfile(sdkAppId, userId);
    if (stored) return stored;
    const profile = emptyProfile(userId);
    if ((await this.#store.countProfiles(sdkAppId)) < this.#maxProfilesPerApp) await this.#store.putProfile(sdkAppId, profile);
    return profile;
  }

  async getMany(actor: Actor, userIds: unknown): Promise<{ profiles: Profile[] }> {
    authorize('profile.read', roleOf(actor, null));
    if (!Array.isArray(userIds) || userIds.length === 0 || userIds.length > LIMITS.maxProfileGetIds || !userIds.every(isValidUserId)) {
      throw new StadiumError('INVALID_PARAMETER', 'userIDList must be an array of 1–100 userIDs');
    }
    const found = await this.#store.getProfiles(actor.app.sdkAppId, userIds);
    const byId = new Map(found.map((p) => [p.userID, p]));
    return { profiles: userIds.map((id: string) => byId.get(id) ?? emptyProfile(id)) };
  }

  /**
   * The stored profiles among `userIds` (as `getMany` reads them) and the IDs that have none:
   * Stadium keeps no other account list, so an account is known once a profile is stored for
   * it (imported, set by REST or by `updateMyProfile`).
   */
  async find(actor: Actor, userIds: readonly string[]): Promise<{ found: Map<string, Profile>; missing: string[] }> {
    authorize('profile.read', roleOf(actor, null));
    if (userIds.length === 0 || userIds.length > LIMITS.maxProfileGetIds || !userIds.every(isValidUserId)) {
      throw new StadiumError('INVALID_PARAMETER', 'userIDList must be an array of 1–100 userIDs');
    }
    const found = new Map((await this.#store.getProfiles(actor.app.sdkAppId, userIds)).map((p) => [p.userID, p]));
    return { found, missing: userIds.filter((id) => !found.has(id)) };
  }

  /** Update the actor's own profile (or, for an app admin, `userId`'s). */
  async update(actor: Actor, patch: unknown, userId: string | null = actor.userId): Promise<Profile> {
    authorize('profile.update', roleOf(actor, null));
    if (userId === null) throw new StadiumError('NOT_LOGGED_IN');
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new StadiumError('INVALID_PARAMETER', 'profile fields must be an object');
    const fields = patch as Record<string, unknown>;
    const sdkAppId = actor.app.sdkAppId;
    // Check everything before reading or writing anything: a refused update changes nothing.
    const next: Partial<Profile> = {};
    for (const field of Object.keys(STRING_FIELDS) as StringField[]) {
      if (fields[field] !== undefined) next[field] = checkString(field, fields[field]);
    }
    for (const field of NUMBER_FIELDS) {
      const value = fields[field];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > LIMITS.maxProfileNumber) {
        throw new StadiumError('INVALID_PROFILE_FIELD', `${field} must be an integer 0–${LIMITS.maxProfileNumber}, got ${describe(value)}`);
      }
      next[field] = value;
    }
    if (fields.profileCustomField !== undefined) next.profileCustomField = checkCustomFields(fields.profileCustomField);
    const stored = await this.#store.getProfile(sdkAppId, userId);
    const profile: Profile = { ...(stored ?? emptyProfile(userId)), ...next };
    const bytes = profileBytes(profile);
    if (bytes > LIMITS.maxProfileBytes) throw new StadiumError('PROFILE_TOO_LARGE', `${bytes} bytes`);
    // Checked before the write, so updates racing on one node may pass it by the few in flight.
    if (!stored && (await this.#store.countProfiles(sdkAppId)) >= this.#maxProfilesPerApp) {
      throw new StadiumError('PROFILE_QUOTA_REACHED', `${this.#maxProfilesPerApp} profiles`);
    }
    profile.lastUpdatedNumber = (profile.lastUpdatedNumber ?? 0) + 1;
    await this.#store.putProfile(sdkAppId, profile);
    this.#onChanged(sdkAppId, profile);
    return profile;
  }
}

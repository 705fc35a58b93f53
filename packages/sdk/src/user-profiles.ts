/** Profile calls of the instance: the logged-in user's own profile and other users' profiles. */
import { StadiumError, type Profile, type ProfileUpdate } from '@stadium/protocol';
import type { IMResponse } from './client-types.js';
import type { Requester } from './connection.js';
import { ok } from './im-response.js';
import type { Session } from './session.js';

/** updateMyProfile / getMyProfile / getUserProfile. */
export class UserProfiles {
  constructor(
    private readonly request: Requester,
    private readonly session: Session,
  ) {}

  /** Update the logged-in user's profile; resolves with the updated profile. */
  async updateMine(fields: ProfileUpdate): Promise<IMResponse<Profile>> {
    this.session.requireReady();
    const profile = await this.request('profile.update', { ...(fields ?? {}) });
    this.session.setProfile(profile);
    return ok(profile);
  }

  /** The logged-in user's profile. */
  async getMine(): Promise<IMResponse<Profile>> {
    const userID = this.session.requireReady();
    const { profiles } = await this.request('profile.get', { userIDList: [userID] });
    const profile = profiles[0];
    if (!profile) throw new StadiumError('INVALID_USER_ID', `No profile for ${userID}`);
    return ok(profile);
  }

  /** Profiles of the given users. */
  async get(options: { userIDList: string[] }): Promise<IMResponse<Profile[]>> {
    this.session.requireReady();
    const { profiles } = await this.request('profile.get', { userIDList: [...(options?.userIDList ?? [])] });
    return ok(profiles);
  }
}

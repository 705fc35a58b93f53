import type { Profile } from './frames.js';
import { TIM_TYPES } from './tim-constants.js';

/** A profile with nothing set: what a user who never called updateMyProfile has. */
export function emptyProfile(userId: string): Profile {
  return {
    userID: userId,
    nick: '',
    avatar: '',
    gender: TIM_TYPES.GENDER_UNKNOWN,
    selfSignature: '',
    location: '',
    birthday: 0,
    language: 0,
    level: 0,
    role: 0,
    allowType: TIM_TYPES.ALLOW_TYPE_ALLOW_ANY,
    adminForbidType: TIM_TYPES.FORBID_TYPE_NONE,
    messageSettings: 0,
    profileCustomField: [],
  };
}

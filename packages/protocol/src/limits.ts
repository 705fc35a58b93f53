/** Limits shared by the server and the SDK, with the compatible service's values. */
export const LIMITS = {
  /** Largest message: UTF-8 bytes of the JSON of payload + cloudCustomData. */
  maxMessageBytes: 12_000,
  /** Largest userID in UTF-8 bytes. */
  maxUserIdBytes: 32,
  /** Largest custom groupID in bytes. */
  maxGroupIdBytes: 48,
  /** Group name, introduction, notification and avatar URL limits in bytes. */
  maxGroupNameBytes: 30,
  maxGroupIntroductionBytes: 240,
  maxGroupNotificationBytes: 300,
  maxGroupFaceUrlBytes: 100,
  /** Profile nick and avatar limits in bytes. */
  maxProfileValueBytes: 500,
  /** Profile location (`Tag_Profile_IM_Location`) in bytes. */
  maxProfileLocationBytes: 16,
  /** Custom profile fields one profile may hold (the compatible service leaves it to its console; Stadium's bound). */
  maxProfileCustomFields: 20,
  /** Longest custom-field name after the `Tag_Profile_Custom_` prefix (letters, digits, `_`). */
  maxProfileCustomKeyBytes: 8,
  /** Largest profile: UTF-8 bytes of every string field plus every custom key and value. */
  maxProfileBytes: 8192,
  /** Largest profile number (birthday, language, level, role, messageSettings are uint32). */
  maxProfileNumber: 0xffff_ffff,
  /** Most userIDs in one `profile.get`. */
  maxProfileGetIds: 100,
  /** Counter keys: 1–128 UTF-8 bytes. */
  maxCounterKeyBytes: 128,
  /** Counters one room may hold. */
  maxCounters: 20,
  /** Largest face index in a TIMFaceElem (0..2^31−1). */
  maxFaceIndex: 0x7fff_ffff,
  /** Largest `random` of a message (uint32). */
  maxMessageRandom: 0xffff_ffff,
  /** Most members one page of the online member list holds (the compatible service's 500); larger `count`s are cut to it. */
  maxMemberListPage: 500,
  /** Applications one operator account may own. */
  maxAppsPerAccount: 300,
} as const;

/** Prefix of server-assigned group IDs. */
export const AUTO_GROUP_ID_PREFIX = '@TGS#';

/** Prefix every custom profile field name carries. */
export const PROFILE_CUSTOM_PREFIX = 'Tag_Profile_Custom_';

/** A custom profile field name: `Tag_Profile_Custom_` then 1–8 letters, digits or `_`. */
export function isValidProfileCustomKey(value: unknown): value is string {
  return typeof value === 'string' && /^Tag_Profile_Custom_[A-Za-z0-9_]{1,8}$/.test(value);
}

/** UTF-8 length of a string, computed without allocating. */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** A userID: 1–32 bytes of printable ASCII without spaces. */
export function isValidUserId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= LIMITS.maxUserIdBytes && /^[\x21-\x7e]+$/.test(value);
}

/** A caller-chosen groupID: 1–48 bytes of printable ASCII, not starting with `@TGS#`. */
export function isValidCustomGroupId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= LIMITS.maxGroupIdBytes && /^[\x20-\x7e]+$/.test(value) && !value.startsWith(AUTO_GROUP_ID_PREFIX);
}

/** Any groupID the server may hold: a custom one or an auto-assigned `@TGS#…` one. */
export function isValidGroupId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= LIMITS.maxGroupIdBytes && /^[\x20-\x7e]+$/.test(value);
}

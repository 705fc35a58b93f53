/**
 * `profile/…`: user profiles from the app's backend, by the compatible tag names. Both
 * commands call the same profile operations as the SDK's updateMyProfile / getUserProfile,
 * with the same bounds; a tag maps to one profile field.
 */
import { Type } from '@sinclair/typebox';
import { StadiumError, isValidProfileCustomKey, type Profile, type ProfileUpdate } from '@stadium/protocol';
import { UserId } from '../account-schema.js';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

type StandardField = Exclude<keyof ProfileUpdate, 'profileCustomField'>;

/** Standard tags, their profile field and the type of their value. */
export const PROFILE_TAGS: Readonly<Record<string, { field: StandardField; kind: 'string' | 'number' }>> = {
  Tag_Profile_IM_Nick: { field: 'nick', kind: 'string' },
  Tag_Profile_IM_Image: { field: 'avatar', kind: 'string' },
  Tag_Profile_IM_Gender: { field: 'gender', kind: 'string' },
  Tag_Profile_IM_BirthDay: { field: 'birthday', kind: 'number' },
  Tag_Profile_IM_Location: { field: 'location', kind: 'string' },
  Tag_Profile_IM_SelfSignature: { field: 'selfSignature', kind: 'string' },
  Tag_Profile_IM_AllowType: { field: 'allowType', kind: 'string' },
  Tag_Profile_IM_Language: { field: 'language', kind: 'number' },
  Tag_Profile_IM_MsgSettings: { field: 'messageSettings', kind: 'number' },
  Tag_Profile_IM_AdminForbidType: { field: 'adminForbidType', kind: 'string' },
  Tag_Profile_IM_Level: { field: 'level', kind: 'number' },
  Tag_Profile_IM_Role: { field: 'role', kind: 'number' },
};

const Tag = Type.String({ minLength: 1, maxLength: 64, description: 'Tag_Profile_IM_* (see the table in docs/rest-api.md) or Tag_Profile_Custom_<key>' });

function checkTag(tag: string): void {
  if (PROFILE_TAGS[tag] === undefined && !isValidProfileCustomKey(tag)) throw new StadiumError('PROFILE_UNKNOWN_TAG', `got ${JSON.stringify(String(tag).slice(0, 64))}`);
}

/** `portrait_set`. */
export const portraitSet = defineCommand({
  path: 'profile/portrait_set',
  summary: 'Set profile fields of From_Account by tag (nick, avatar, the other standard tags and custom tags); the same checks as updateMyProfile.',
  invalidBody: 'PROFILE_BAD_REQUEST',
  body: Type.Object({
    From_Account: UserId,
    ProfileItem: Type.Array(
      Type.Object({
        Tag,
        Value: Type.Union([Type.String({ maxLength: 500 }), Type.Integer({ minimum: 0, maximum: 0xffffffff })], {
          description: 'String tags: at most 500 bytes; number tags: uint32',
        }),
      }),
      { minItems: 1, maxItems: 32 },
    ),
  }),
  response: Type.Object({ ErrorDisplay: Type.String() }),
  async handle({ actor, deps }, body) {
    const patch: Record<string, unknown> = {};
    const custom = new Map<string, string>();
    for (const { Tag: tag, Value: value } of body.ProfileItem) {
      checkTag(tag);
      const standard = PROFILE_TAGS[tag];
      const kind = standard?.kind ?? 'string';
      if (typeof value !== kind) throw new StadiumError('PROFILE_VALUE_TYPE', `${tag} takes a ${kind}`);
      if (standard) patch[standard.field] = value;
      else custom.set(tag, value as string);
    }
    if (custom.size > 0) {
      // A custom tag changes that key only: the others stay.
      const current = await deps.profiles.get(actor.app.sdkAppId, body.From_Account);
      const merged = new Map(current.profileCustomField.map((f) => [f.key, f.value]));
      for (const [key, value] of custom) merged.set(key, value);
      patch.profileCustomField = [...merged].map(([key, value]) => ({ key, value }));
    }
    await deps.profiles.update(actor, patch, body.From_Account);
    return { ErrorDisplay: '' };
  },
});

function tagValue(profile: Profile, tag: string): string | number | undefined {
  const standard = PROFILE_TAGS[tag];
  if (standard) return profile[standard.field];
  return profile.profileCustomField.find((f) => f.key === tag)?.value;
}

const ProfileItem = Type.Array(Type.Object({ Tag: Type.String(), Value: Type.Union([Type.String(), Type.Integer()]) }));

/** `portrait_get`. */
export const portraitGet = defineCommand({
  path: 'profile/portrait_get',
  summary: 'Read profile fields of up to 100 accounts by tag; an account with no stored profile gets ResultCode 40003 and is listed in Fail_Account.',
  invalidBody: 'PROFILE_BAD_REQUEST',
  body: Type.Object({
    To_Account: Type.Array(UserId, { minItems: 1, maxItems: 100 }),
    TagList: Type.Array(Tag, { minItems: 1, maxItems: 32 }),
  }),
  response: Type.Object({
    UserProfileItem: Type.Array(Type.Object({ To_Account: Type.String(), ProfileItem, ResultCode: Type.Integer(), ResultInfo: Type.String() })),
    Fail_Account: Type.Optional(Type.Array(Type.String(), { description: 'Present when some accounts failed' })),
    ErrorDisplay: Type.String(),
  }),
  async handle({ actor, deps }, body) {
    for (const tag of body.TagList) checkTag(tag);
    const accounts = [...new Set(body.To_Account)];
    const { found } = await deps.profiles.find(actor, accounts);
    const unknown = new StadiumError('ACCOUNT_NOT_FOUND');
    const items = accounts.map((account) => {
      const profile = found.get(account);
      if (!profile) return { To_Account: account, ProfileItem: [], ResultCode: unknown.code, ResultInfo: unknown.message };
      const profileItems = body.TagList.flatMap((tag) => {
        const value = tagValue(profile, tag);
        return value === undefined ? [] : [{ Tag: tag, Value: value }];
      });
      return { To_Account: account, ProfileItem: profileItems, ResultCode: 0, ResultInfo: '' };
    });
    const failed = items.filter((item) => item.ResultCode !== 0).map((item) => item.To_Account);
    return { UserProfileItem: items, ...(failed.length > 0 ? { Fail_Account: failed } : {}), ErrorDisplay: '' };
  },
});

/** The profile commands, in docs/rest-api.md order. */
export const PROFILE_COMMANDS: readonly AnyRestCommand[] = [portraitSet, portraitGet];

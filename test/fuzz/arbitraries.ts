/**
 * fast-check arbitraries for hostile protocol input: a body for every command of the protocol
 * (`COMMAND_NAMES`), each field plausible, absent or hostile (wrong types, extreme sizes and
 * depths, prototype keys, huge / negative / non-finite numbers, lone surrogates), and a
 * serializer that can put into the JSON text what `JSON.stringify` cannot (`1e400`, `-0`,
 * 20,000-deep arrays, duplicate and `__proto__` keys).
 */
import fc from 'fast-check';
import { COMMAND_NAMES, type CommandName } from '@stadium/protocol';

/** JSON text placed as is by {@link toJson}. */
export class Raw {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text.length > 80 ? `Raw(${this.text.slice(0, 40)}… ${this.text.length} chars)` : `Raw(${this.text})`;
  }
}

/** JSON text of `value`: like JSON.stringify, but {@link Raw} is placed as is and only own keys count. */
export function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? (Object.is(value, -0) ? '-0' : String(value)) : value > 0 ? '1e400' : value < 0 ? '-1e400' : 'null';
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${toJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** An object with own properties `entries` (so `__proto__` is a key, not the prototype). */
function own(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Keys that trip code using plain objects as maps. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then'] as const;
const protoKey = fc.constantFrom(...PROTOTYPE_KEYS);

/** A length: mostly short, sometimes near a limit, rarely huge (huge frames cost the whole run time). */
const size = (max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 64 }), weight: 8 },
    { arbitrary: fc.integer({ min: 0, max: 600 }), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max }), weight: 1 },
  );

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Strings: ordinary, any code unit, lone surrogates, control characters, prototype names, huge. */
export const weirdString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 12 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 2 },
  { arbitrary: fc.array(fc.oneof(loneSurrogate, fc.string({ maxLength: 2 })), { maxLength: 8 }).map((p) => p.join('')), weight: 2 },
  { arbitrary: protoKey, weight: 2 },
  {
    arbitrary: fc.constantFrom('', ' ', '\u0000', '\u2028', '\ufeff', '@TGS#', '@TGS#x', 'Tag_Profile_Custom_', 'a'.repeat(48), 'a'.repeat(49), '名'.repeat(11), '😀'.repeat(9)),
    weight: 2,
  },
  { arbitrary: size(20_000).map((n) => 'x'.repeat(n)), weight: 1 },
  { arbitrary: size(6_000).map((n) => '名'.repeat(n)), weight: 1 },
  { arbitrary: size(3_000).map((n) => '\ud800'.repeat(n + 1)), weight: 1 },
);

/** Numbers JSON can carry, and the ones it parses to non-finite or odd values. */
export const weirdNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 0.5, -0.5, 1e300, -1e300, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 32 - 1, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 2 ** 64, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.constantFrom(new Raw('1e400'), new Raw('-1e400'), new Raw('1e-400'), new Raw('-0'), new Raw('123456789012345678901234567890'), new Raw('0.1e1'), new Raw('1E2')),
);

/** Deeply nested JSON: arrays and objects up to 20,000 levels, as raw text. */
export const deepValue: fc.Arbitrary<Raw> = fc.oneof(
  size(20_000).map((n) => new Raw('['.repeat(n + 1) + ']'.repeat(n + 1))),
  size(8_000).map((n) => new Raw('{"a":'.repeat(n + 1) + '1' + '}'.repeat(n + 1))),
  size(4_000).map((n) => new Raw('{"__proto__":'.repeat(n + 1) + 'null' + '}'.repeat(n + 1))),
);

/** Objects whose keys are often prototype names, written with duplicate keys sometimes. */
const protoObject: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .array(fc.tuple(fc.oneof(protoKey, fc.string({ maxLength: 6 })), fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.constant(null), fc.constant({}))), { maxLength: 5 })
    .map(own),
  fc.constantFrom(new Raw('{"__proto__":{"polluted":1},"__proto__":2}'), new Raw('{"constructor":{"prototype":{"polluted":1}}}'), new Raw('{"a":1,"a":2}'), new Raw('{"":""}')),
);

/** Any hostile value. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: weirdString, weight: 4 },
  { arbitrary: weirdNumber, weight: 4 },
  { arbitrary: fc.constantFrom(null, true, false, [], {}), weight: 2 },
  { arbitrary: protoObject, weight: 2 },
  { arbitrary: fc.anything({ maxDepth: 3, maxKeys: 4, key: fc.oneof(protoKey, fc.string({ maxLength: 6 })) }), weight: 2 },
  { arbitrary: fc.array(weirdString, { maxLength: 130 }), weight: 1 },
  { arbitrary: deepValue, weight: 1 },
);

/** Names the generated bodies use for rooms and users; the test creates some of them. */
export interface FuzzContext {
  /** Rooms that exist (own, someone else's). */
  groupIds: readonly string[];
  /** Users that exist or may be named. */
  userIds: readonly string[];
  /** A valid userSig for some user, so login is sometimes right. */
  sigs: readonly string[];
}

/** A field: absent (undefined), plausible, or hostile. */
function field(plausible: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: plausible, weight: 3 }, { arbitrary: hostile, weight: 3 });
}

const smallInt = fc.oneof(fc.integer({ min: -2, max: 100 }), fc.constantFrom(0, 1, 2 ** 32 - 1, 100_000, 100_001));
const shortString = (max: number): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('x'.repeat(max), 'x'.repeat(max + 1), '名'.repeat(Math.ceil(max / 3))));

/** Plausible values of each field of each command: close to valid, often right. */
function fieldsOf(cmd: CommandName, ctx: FuzzContext): Record<string, fc.Arbitrary<unknown>> {
  const groupID = fc.oneof(fc.constantFrom(...ctx.groupIds), fc.constantFrom('fz-new-1', 'fz-new-2', '@TGS#nope', ''), fc.string({ maxLength: 50 }));
  const userID = fc.oneof(fc.constantFrom(...ctx.userIds), fc.string({ maxLength: 33 }));
  const customField = fc.record(
    {
      key: fc.oneof(fc.constantFrom('Tag_Profile_Custom_A', 'Tag_Profile_Custom_12345678', 'Tag_Profile_Custom_123456789', 'Tag_Profile_Custom___proto__'), weirdString),
      value: fc.oneof(shortString(500), hostile),
    },
    { requiredKeys: [] },
  );
  const counterKey = fc.oneof(protoKey, fc.constantFrom('likes', 'k'.repeat(128), 'k'.repeat(129), ''), weirdString);
  const payload = fc.record(
    {
      text: fc.oneof(shortString(12_000), hostile),
      data: fc.oneof(shortString(100), hostile),
      description: fc.oneof(shortString(100), hostile),
      extension: fc.oneof(shortString(100), hostile),
      index: fc.oneof(fc.integer({ min: -1, max: 2 ** 31 }), weirdNumber),
      longitude: fc.oneof(fc.double({ min: -181, max: 181 }), weirdNumber),
      latitude: fc.oneof(fc.double({ min: -91, max: 91 }), weirdNumber),
    },
    { requiredKeys: [] },
  );
  const message = fc.oneof(
    fc.record(
      {
        id: fc.oneof(fc.uuid(), fc.constantFrom('', 'i'.repeat(128), 'i'.repeat(129)), hostile),
        type: fc.oneof(fc.constantFrom('TIMTextElem', 'TIMCustomElem', 'TIMFaceElem', 'TIMLocationElem', 'TIMImageElem', 'TIMGroupTipElem'), hostile),
        payload: fc.oneof({ arbitrary: payload, weight: 4 }, { arbitrary: hostile, weight: 1 }),
        priority: field(fc.constantFrom('High', 'Normal', 'Low', 'Lowest', 'high', 'Urgent')),
        random: field(fc.oneof(fc.integer({ min: -1, max: 2 ** 32 }), weirdNumber)),
        cloudCustomData: field(shortString(12_000)),
      },
      { requiredKeys: [] },
    ),
    hostile,
  );
  switch (cmd) {
    case 'login':
      return { userID: field(userID), userSig: field(fc.oneof(fc.constantFrom(...ctx.sigs), weirdString)) };
    case 'logout':
      return {};
    case 'profile.update':
      return {
        nick: field(shortString(500)),
        avatar: field(shortString(500)),
        selfSignature: field(shortString(500)),
        location: field(shortString(16)),
        gender: field(fc.constantFrom('Gender_Type_Unknown', 'Gender_Type_Female', 'Gender_Type_Male', 'robot')),
        allowType: field(fc.constantFrom('AllowType_Type_AllowAny', 'AllowType_Type_NeedConfirm', 'AllowType_Type_DenyAny', 'x')),
        adminForbidType: field(fc.constantFrom('AdminForbid_Type_None', 'AdminForbid_Type_SendOut', '')),
        birthday: field(smallInt),
        language: field(smallInt),
        level: field(smallInt),
        role: field(smallInt),
        messageSettings: field(smallInt),
        profileCustomField: field(fc.array(fc.oneof(customField, hostile), { maxLength: 22 })),
      };
    case 'profile.get':
      return { userIDList: field(fc.array(fc.oneof(userID, hostile), { minLength: 0, maxLength: 102 })) };
    case 'group.create':
      return {
        name: field(shortString(30)),
        type: field(fc.constantFrom('AVChatRoom', 'Public', 'ChatRoom', 'avchatroom')),
        groupID: field(groupID),
        introduction: field(shortString(240)),
        notification: field(shortString(300)),
        avatar: field(shortString(100)),
        settings: field(
          fc.record({ rateLimitPerSec: field(smallInt), downstreamCapPerSec: field(fc.oneof(smallInt, fc.constant(null))), memberTips: field(fc.boolean()) }, { requiredKeys: [] }),
        ),
      };
    case 'group.join':
      return { groupID: field(groupID), sinceSeq: field(fc.oneof(fc.integer({ min: -1, max: 100 }), weirdNumber)) };
    case 'group.quit':
    case 'group.dismiss':
    case 'group.get':
    case 'group.online':
      return { groupID: field(groupID) };
    case 'group.settings':
      return { groupID: field(groupID), rateLimitPerSec: field(smallInt), downstreamCapPerSec: field(fc.oneof(smallInt, fc.constant(null))), memberTips: field(fc.boolean()) };
    case 'group.counters':
      return {
        groupID: field(groupID),
        op: field(fc.constantFrom('get', 'set', 'increase', 'decrease', 'delete', 'GET', 'explode')),
        keys: field(fc.array(counterKey, { maxLength: 22 })),
        counters: field(fc.array(fc.tuple(counterKey, fc.oneof(fc.integer(), weirdNumber)), { maxLength: 22 }).map(own)),
        key: field(counterKey),
        value: field(fc.oneof(fc.integer({ min: -5, max: 5 }), weirdNumber)),
      };
    case 'msg.send':
      return { groupID: field(groupID), message: field(message) };
    case 'msg.revoke':
      return { groupID: field(groupID), id: field(weirdString) };
  }
}

/** A body for `cmd`: its fields (each absent, plausible or hostile), sometimes prototype keys, sometimes not an object at all. */
export function bodyOf(cmd: CommandName, ctx: FuzzContext): fc.Arbitrary<unknown> {
  const fields = fieldsOf(cmd, ctx);
  const record = fc.record(fields, { requiredKeys: [] });
  const extra = fc.array(fc.tuple(fc.oneof(protoKey, fc.string({ maxLength: 6 })), hostile), { maxLength: 2 });
  const object = fc.tuple(record, extra).map(([r, e]) => own([...Object.entries(r), ...e]));
  return fc.oneof({ arbitrary: object, weight: 12 }, { arbitrary: hostile, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });
}

/** One request frame: a command and its body. */
export interface FuzzFrame {
  cmd: CommandName;
  body: unknown;
}

/** A frame for one given command. */
export function frameOf(cmd: CommandName, ctx: FuzzContext): fc.Arbitrary<FuzzFrame> {
  return bodyOf(cmd, ctx).map((body) => ({ cmd, body }));
}

/** A frame for any command. */
export function anyFrame(ctx: FuzzContext, commands: readonly CommandName[] = COMMAND_NAMES): fc.Arbitrary<FuzzFrame> {
  return fc.oneof(...commands.map((cmd) => frameOf(cmd, ctx)));
}

/** The JSON text of request `id` carrying `frame` (`body` omitted when undefined). */
export function requestText(id: number, frame: FuzzFrame): string {
  const body = frame.body === undefined ? '' : `,"body":${toJson(frame.body)}`;
  return `{"t":"req","id":${id},"cmd":${JSON.stringify(frame.cmd)}${body}}`;
}

/** A short description of a frame for failure messages. */
export function shortText(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

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

/**
 * A list of up to `max` items: mostly short, sometimes right at a limit (fast-check's default
 * size keeps arrays to about ten items, which would never reach a limit of 20 or 100).
 */
const list = <T>(item: fc.Arbitrary<T>, max: number): fc.Arbitrary<T[]> =>
  fc.oneof(
    { arbitrary: fc.array(item, { maxLength: Math.min(max, 10) }), weight: 3 },
    { arbitrary: fc.array(item, { minLength: Math.max(0, max - 3), maxLength: max, size: 'max' }), weight: 1 },
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
  { arbitrary: list(weirdString, 130), weight: 1 },
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

/**
 * A record of plausible fields in which at most one field is hostile or missing: it gets past
 * the first checks and tests the later ones (most of the time the whole record is valid or
 * nearly so). `wild` records, where every field may be hostile, test the first checks.
 */
function nearly(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(fields);
  const valid = fc.record(fields);
  if (names.length === 0) return valid;
  const mutated = fc
    .tuple(valid, fc.constantFrom(...names), fc.oneof({ arbitrary: hostile, weight: 4 }, { arbitrary: fc.constant(undefined), weight: 1 }))
    .map(([r, name, bad]) => own(Object.entries({ ...r, [name]: bad })));
  const sparse = fc.record(fields, { requiredKeys: [] });
  return fc.oneof({ arbitrary: mutated, weight: 5 }, { arbitrary: sparse, weight: 2 }, { arbitrary: valid, weight: 1 });
}

/** A record where each field is absent, plausible or hostile. */
function wild(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const each = Object.fromEntries(
    Object.entries(fields).map(([k, a]) => [k, fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: a, weight: 3 }, { arbitrary: hostile, weight: 3 })]),
  );
  return fc.record(each, { requiredKeys: [] });
}

const smallInt = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 100 }), weight: 4 }, { arbitrary: fc.constantFrom(-1, 0, 1, 2 ** 32 - 1, 2 ** 32, 100_000, 100_001), weight: 1 });
/** A string: mostly short and valid, sometimes at or just over `max` bytes. */
const shortString = (max: number): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.string({ minLength: 1, maxLength: Math.min(8, max) }), weight: 4 },
    { arbitrary: fc.constantFrom('x'.repeat(max), 'x'.repeat(max + 1), '名'.repeat(Math.floor(max / 3)), '名'.repeat(Math.floor(max / 3) + 1)), weight: 1 },
  );

/** Plausible values of each field of each command: valid most of the time. */
function fieldsOf(cmd: CommandName, ctx: FuzzContext): Record<string, fc.Arbitrary<unknown>> {
  const groupID = fc.oneof(
    { arbitrary: fc.constantFrom(...ctx.groupIds), weight: 6 },
    { arbitrary: fc.constantFrom('fz-new-1', 'fz-new-2', '@TGS#nope', ''), weight: 2 },
    { arbitrary: fc.string({ maxLength: 50 }), weight: 1 },
  );
  const userID = fc.oneof({ arbitrary: fc.constantFrom(...ctx.userIds), weight: 4 }, { arbitrary: fc.string({ maxLength: 33 }), weight: 1 });
  const customField = nearly({
    key: fc.oneof(
      { arbitrary: fc.constantFrom('Tag_Profile_Custom_A', 'Tag_Profile_Custom_B', 'Tag_Profile_Custom_12345678'), weight: 4 },
      { arbitrary: fc.constantFrom('Tag_Profile_Custom_123456789', 'Tag_Profile_Custom___proto__', 'Tag_Profile_Custom_', '__proto__'), weight: 1 },
    ),
    value: shortString(500),
  });
  const counterKey = fc.oneof(
    { arbitrary: fc.constantFrom('likes', 'gifts', ...PROTOTYPE_KEYS), weight: 4 },
    { arbitrary: fc.constantFrom('k'.repeat(128), 'k'.repeat(129), ''), weight: 1 },
  );
  const counterValue = fc.oneof({ arbitrary: fc.integer({ min: -5, max: 5 }), weight: 4 }, { arbitrary: fc.constantFrom(2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 0.5), weight: 1 });
  const payload = nearly({
    text: shortString(12_000),
    data: shortString(100),
    description: shortString(100),
    extension: shortString(100),
    index: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 200 }), weight: 4 }, { arbitrary: fc.constantFrom(-1, 2 ** 31 - 1, 2 ** 31), weight: 1 }),
    longitude: fc.double({ min: -181, max: 181, noNaN: true }),
    latitude: fc.double({ min: -91, max: 91, noNaN: true }),
  });
  const message = nearly({
    id: fc.oneof({ arbitrary: fc.uuid(), weight: 4 }, { arbitrary: fc.constantFrom('', 'i'.repeat(128), 'i'.repeat(129)), weight: 1 }),
    type: fc.oneof(
      { arbitrary: fc.constantFrom('TIMTextElem', 'TIMCustomElem', 'TIMFaceElem', 'TIMLocationElem'), weight: 4 },
      { arbitrary: fc.constantFrom('TIMImageElem', 'TIMGroupTipElem'), weight: 1 },
    ),
    payload,
    priority: fc.constantFrom('High', 'Normal', 'Low', 'Lowest', 'high', 'Urgent'),
    random: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }), weight: 4 }, { arbitrary: fc.constantFrom(-1, 2 ** 32), weight: 1 }),
    cloudCustomData: shortString(12_000),
  });
  const settings = {
    rateLimitPerSec: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(0, 100_001)),
    downstreamCapPerSec: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(null, -1, 100_001)),
    memberTips: fc.boolean(),
  };
  switch (cmd) {
    case 'login':
      return { userID, userSig: fc.oneof({ arbitrary: fc.constantFrom(...ctx.sigs), weight: 3 }, { arbitrary: weirdString, weight: 1 }) };
    case 'logout':
      return {};
    case 'profile.update':
      return {
        nick: shortString(500),
        avatar: shortString(500),
        selfSignature: shortString(500),
        location: shortString(16),
        gender: fc.constantFrom('Gender_Type_Unknown', 'Gender_Type_Female', 'Gender_Type_Male', 'robot'),
        allowType: fc.constantFrom('AllowType_Type_AllowAny', 'AllowType_Type_NeedConfirm', 'AllowType_Type_DenyAny', 'x'),
        adminForbidType: fc.constantFrom('AdminForbid_Type_None', 'AdminForbid_Type_SendOut', ''),
        birthday: smallInt,
        language: smallInt,
        level: smallInt,
        role: smallInt,
        messageSettings: smallInt,
        profileCustomField: list(customField, 22),
      };
    case 'profile.get':
      return { userIDList: list(userID, 102) };
    case 'group.create':
      return {
        name: shortString(30),
        type: fc.oneof({ arbitrary: fc.constant('AVChatRoom'), weight: 4 }, { arbitrary: fc.constantFrom('Public', 'ChatRoom', 'avchatroom'), weight: 1 }),
        groupID,
        introduction: shortString(240),
        notification: shortString(300),
        avatar: shortString(100),
        settings: nearly(settings),
      };
    case 'group.join':
      return { groupID, sinceSeq: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(-1, 2 ** 53 - 1, 2 ** 53)) };
    case 'group.quit':
    case 'group.dismiss':
    case 'group.get':
    case 'group.online':
      return { groupID };
    case 'group.settings':
      return { groupID, ...settings };
    case 'group.counters':
      return {
        groupID,
        op: fc.oneof({ arbitrary: fc.constantFrom('get', 'set', 'increase', 'decrease', 'delete'), weight: 5 }, { arbitrary: fc.constantFrom('GET', 'explode'), weight: 1 }),
        keys: list(counterKey, 22),
        counters: list(fc.tuple(counterKey, counterValue), 22).map(own),
        key: counterKey,
        value: counterValue,
      };
    case 'group.attributes': {
      const attrKey = fc.oneof(
        { arbitrary: fc.constantFrom('stage', 'speaker', ...PROTOTYPE_KEYS), weight: 4 },
        { arbitrary: fc.constantFrom('k'.repeat(32), 'k'.repeat(33), '名'.repeat(11), ''), weight: 1 },
      );
      return {
        groupID,
        op: fc.oneof({ arbitrary: fc.constantFrom('get', 'init', 'set', 'delete'), weight: 5 }, { arbitrary: fc.constantFrom('SET', 'clear'), weight: 1 }),
        keys: list(attrKey, 18),
        attributes: list(fc.tuple(attrKey, shortString(4096)), 18).map(own),
        version: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 20 }), weight: 4 }, { arbitrary: fc.constantFrom(-1, 0.5, 2 ** 53), weight: 1 }),
      };
    }
    case 'group.pins':
      return {
        groupID,
        op: fc.oneof({ arbitrary: fc.constantFrom('list', 'pin', 'unpin'), weight: 5 }, { arbitrary: fc.constantFrom('PIN', 'clear'), weight: 1 }),
        seq: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 20 }), weight: 4 }, { arbitrary: fc.constantFrom(0, -1, 0.5, 2 ** 53), weight: 1 }),
        duration: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 3600 }), weight: 4 }, { arbitrary: fc.constantFrom(-1, 1.5, 2_592_001), weight: 1 }),
      };
    case 'group.update': {
      const groupField = nearly({
        key: fc.oneof(
          { arbitrary: fc.constantFrom('topic', 'level', ...PROTOTYPE_KEYS), weight: 4 },
          { arbitrary: fc.constantFrom('k'.repeat(16), 'k'.repeat(17), ''), weight: 1 },
        ),
        value: shortString(4000),
      });
      return {
        groupID,
        name: shortString(30),
        introduction: shortString(240),
        notification: shortString(300),
        avatar: shortString(100),
        muteAllMembers: fc.oneof({ arbitrary: fc.boolean(), weight: 4 }, { arbitrary: fc.constantFrom('On', 1, null), weight: 1 }),
        joinOption: fc.constantFrom('FreeAccess', 'NeedPermission', ''),
        groupCustomField: list(groupField, 18),
      };
    }
    case 'group.role':
      return { groupID, userID, role: fc.oneof({ arbitrary: fc.constantFrom('Admin', 'Member'), weight: 4 }, { arbitrary: fc.constantFrom('Owner', 'admin', ''), weight: 1 }) };
    case 'group.mute':
      return { groupID, userID, muteTime: fc.oneof(fc.integer({ min: 0, max: 3600 }), fc.constantFrom(-1, 0.5, 2 ** 32 - 1, 2 ** 32, 2 ** 53)) };
    case 'group.members':
      return {
        groupID,
        count: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.constantFrom(0, -1, 0.5, 2 ** 53, '10')),
        offset: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 52 }), fc.constantFrom(-1, 0.5, 2 ** 53, 'x')),
      };
    case 'group.ban':
      return {
        groupID,
        userIDList: list(userID, 502),
        duration: fc.oneof(fc.integer({ min: 0, max: 3600 }), fc.constantFrom(-1, 0.5, 2 ** 32 - 1, 2 ** 32)),
        reason: shortString(300),
      };
    case 'group.reviewQueue':
      return { groupID };
    case 'group.review':
      return {
        groupID,
        holdID: fc.oneof(
          fc.uuid().map((u) => `h-${u}`),
          shortString(80),
          fc.constantFrom(null, 7),
        ),
        action: fc.oneof({ arbitrary: fc.constantFrom('Approve', 'Deny'), weight: 4 }, { arbitrary: fc.constantFrom('approve', '', 1), weight: 1 }),
      };
    case 'msg.send':
      return { groupID, message };
    case 'msg.revoke':
      return { groupID, id: fc.uuid() };
    case 'msg.history':
      return {
        groupID,
        toSeq: fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(-1, 0.5)),
        beforeSeq: fc.integer({ min: -1, max: 2 ** 31 }),
        count: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constantFrom(-1, 0.5, 2 ** 32)),
      };
  }
}

/**
 * A body for `cmd`: nearly valid (one field hostile or missing), wild (any field hostile),
 * with prototype keys added sometimes, or not an object at all.
 */
export function bodyOf(cmd: CommandName, ctx: FuzzContext): fc.Arbitrary<unknown> {
  const fields = fieldsOf(cmd, ctx);
  const record = fc.oneof({ arbitrary: nearly(fields), weight: 3 }, { arbitrary: wild(fields), weight: 1 });
  const extra = fc.oneof(
    { arbitrary: fc.constant([]), weight: 3 },
    { arbitrary: fc.array(fc.tuple(fc.oneof(protoKey, fc.string({ maxLength: 6 })), hostile), { minLength: 1, maxLength: 2 }), weight: 1 },
  );
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

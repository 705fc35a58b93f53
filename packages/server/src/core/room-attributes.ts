/**
 * Group attributes (the compatible `GroupAttr`): a small key → string map per room, written by
 * its members and pushed to every member after each write. Checked here (pure functions), and
 * decided and stored at the room's authority (authority/attribute-handlers.ts).
 *
 * Bounds (the compatible ones): at most {@link MAX_ATTRIBUTES} keys, each key 1–
 * {@link MAX_ATTRIBUTE_KEY_BYTES} bytes, each value at most {@link MAX_ATTRIBUTE_VALUE_BYTES}
 * bytes, keys and values together at most {@link MAX_ATTRIBUTES_TOTAL_BYTES} bytes (UTF-8);
 * at most {@link ATTRIBUTE_WRITES_PER_SEC} writes per second per room, all writers together.
 *
 * Races: the attribute set has a version, +1 on every write. A write may name the version its
 * client last saw; when the room's is newer, someone else wrote in between and the write is
 * refused (ATTRIBUTES_CONFLICT, 10056) without changing anything.
 */
import { StadiumError, utf8Length, type AttributesRequest } from '@stadium/protocol';
import { describe } from './describe.js';

export const MAX_ATTRIBUTES = 16;
export const MAX_ATTRIBUTE_KEY_BYTES = 32;
export const MAX_ATTRIBUTE_VALUE_BYTES = 4096;
export const MAX_ATTRIBUTES_TOTAL_BYTES = 16_384;
export const ATTRIBUTE_WRITES_PER_SEC = 5;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKey(key: unknown): string {
  if (typeof key !== 'string') throw new StadiumError('INVALID_PARAMETER', `attribute key ${describe(key)} is not a string`);
  if (key === '' || utf8Length(key) > MAX_ATTRIBUTE_KEY_BYTES) throw new StadiumError('ATTRIBUTE_KEY_TOO_LONG', `key ${describe(key)}`);
  return key;
}

function checkKeys(keys: unknown): string[] | undefined {
  if (keys === undefined) return undefined;
  if (!Array.isArray(keys) || keys.length > MAX_ATTRIBUTES) throw new StadiumError('INVALID_PARAMETER', `keyList must be an array of at most ${MAX_ATTRIBUTES} keys`);
  return [...new Set(keys.map(checkKey))];
}

function checkVersion(version: unknown): number | undefined {
  if (version === undefined) return undefined;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0)
    throw new StadiumError('INVALID_PARAMETER', `version ${describe(version)} is not a non-negative integer`);
  return version;
}

/**
 * Check a `group.attributes` body (from a client or REST) and build a fresh request of known
 * fields only. Key and value sizes are checked here; the key count and total size need the
 * room's current attributes and are checked by {@link applyAttributes}.
 */
export function parseAttributesRequest(body: Record<string, unknown>): AttributesRequest {
  const groupID = body.groupID as string;
  switch (body.op) {
    case 'get': {
      const keys = checkKeys(body.keys);
      return keys === undefined ? { groupID, op: 'get' } : { groupID, op: 'get', keys };
    }
    case 'init':
    case 'set': {
      const { attributes } = body;
      if (!isRecord(attributes)) throw new StadiumError('INVALID_PARAMETER', 'groupAttributes must be an object of key → string');
      const entries = Object.entries(attributes);
      if (entries.length > MAX_ATTRIBUTES) throw new StadiumError('ATTRIBUTE_KEY_LIMIT', `${entries.length} keys in one write`);
      const checked = entries.map(([key, value]): [string, string] => {
        checkKey(key);
        if (typeof value !== 'string') throw new StadiumError('INVALID_PARAMETER', `attribute ${key}: value ${describe(value)} is not a string`);
        if (utf8Length(value) > MAX_ATTRIBUTE_VALUE_BYTES) throw new StadiumError('ATTRIBUTE_VALUE_TOO_LONG', `attribute ${key}`);
        return [key, value];
      });
      const version = checkVersion(body.version);
      // Object.fromEntries defines own properties, so a key like "__proto__" stays an attribute.
      return { groupID, op: body.op, attributes: Object.fromEntries(checked), ...(version === undefined ? {} : { version }) };
    }
    case 'delete': {
      const keys = checkKeys(body.keys);
      const version = checkVersion(body.version);
      return { groupID, op: 'delete', ...(keys === undefined ? {} : { keys }), ...(version === undefined ? {} : { version }) };
    }
    default:
      throw new StadiumError('INVALID_PARAMETER', `op must be get, init, set or delete, got ${describe(body.op)}`);
  }
}

/** UTF-8 bytes of every key and value. */
export function attributesBytes(attributes: Record<string, string>): number {
  let n = 0;
  for (const [key, value] of Object.entries(attributes)) n += utf8Length(key) + utf8Length(value);
  return n;
}

/**
 * The attributes after the write `request` (not `get`), or the refusal. Checks the version,
 * missing keys to delete, the key count and the total size; `current` is not changed.
 */
export function applyAttributes(current: Record<string, string>, version: number, request: Exclude<AttributesRequest, { op: 'get' }>): Record<string, string> {
  if (request.version !== undefined && request.version !== version) {
    throw new StadiumError('ATTRIBUTES_CONFLICT', `the attributes are at version ${version}, the write named ${request.version}`);
  }
  const next = new Map(request.op === 'init' ? [] : Object.entries(current));
  if (request.op === 'delete') {
    if (request.keys === undefined || request.keys.length === 0) return {};
    for (const key of request.keys) {
      if (!next.has(key)) throw new StadiumError('ATTRIBUTE_NOT_FOUND', `key ${describe(key)}`);
      next.delete(key);
    }
  } else {
    for (const [key, value] of Object.entries(request.attributes)) next.set(key, value);
  }
  if (next.size > MAX_ATTRIBUTES) throw new StadiumError('ATTRIBUTE_KEY_LIMIT', `the write would leave ${next.size} attributes`);
  const result = Object.fromEntries(next);
  const bytes = attributesBytes(result);
  if (bytes > MAX_ATTRIBUTES_TOTAL_BYTES) throw new StadiumError('ATTRIBUTES_TOO_LARGE', `the write would leave ${bytes} bytes`);
  return result;
}

/** The asked keys of `attributes` (all when `keys` is absent or empty); missing keys are left out. */
export function pickAttributes(attributes: Record<string, string>, keys?: readonly string[]): Record<string, string> {
  if (keys === undefined || keys.length === 0) return { ...attributes };
  return Object.fromEntries(keys.filter((k) => Object.hasOwn(attributes, k)).map((k) => [k, attributes[k]!]));
}

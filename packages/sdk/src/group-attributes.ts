/**
 * Group attributes: the compatible SDK's initGroupAttributes / setGroupAttributes /
 * deleteGroupAttributes / getGroupAttributes and the GROUP_ATTRIBUTES_UPDATED event.
 *
 * Each room's attributes have a version. This client remembers the newest version it has seen
 * (from any result and any `attrs` frame) and sends it with every write, so a write made
 * without having seen someone else's newer write is refused with ATTRIBUTES_CONFLICT (10056):
 * read the attributes again and retry. Before anything was seen in a room no version is sent
 * and the write is not checked.
 */
import type { AttributesFrame, AttributesRequest, AttributesResult } from '@stadium/protocol';

/** Sends a `group.attributes` request. */
export type AttributesRequester = (request: AttributesRequest) => Promise<AttributesResult>;

/** GROUP_ATTRIBUTES_UPDATED data. */
export interface GroupAttributesUpdated {
  groupID: string;
  groupAttributes: Record<string, string>;
}

/** The attribute calls and the versions this client has seen. */
export class GroupAttributes {
  readonly #request: AttributesRequester;
  /** Newest version seen per room. */
  readonly #seen = new Map<string, number>();
  /** Newest version announced (GROUP_ATTRIBUTES_UPDATED) per room. */
  readonly #announced = new Map<string, number>();

  constructor(request: AttributesRequester) {
    this.#request = request;
  }

  /** Replace every attribute of the room. */
  async init(options: { groupID: string; groupAttributes: Record<string, string> }): Promise<{ groupAttributes: Record<string, string> }> {
    const result = await this.#send({ groupID: options?.groupID, op: 'init', attributes: options?.groupAttributes, ...this.#version(options?.groupID) });
    return { groupAttributes: result.attributes };
  }

  /** Add or change the given attributes. */
  async set(options: { groupID: string; groupAttributes: Record<string, string> }): Promise<{ groupAttributes: Record<string, string> }> {
    const result = await this.#send({ groupID: options?.groupID, op: 'set', attributes: options?.groupAttributes, ...this.#version(options?.groupID) });
    return { groupAttributes: pick(result.attributes, Object.keys(options.groupAttributes)) };
  }

  /** Delete the given keys (all when `keyList` is empty). */
  async delete(options: { groupID: string; keyList?: string[] }): Promise<{ keyList: string[] }> {
    const keyList = options?.keyList ?? [];
    await this.#send({ groupID: options?.groupID, op: 'delete', keys: keyList, ...this.#version(options?.groupID) });
    return { keyList };
  }

  /** Read the given attributes (all when `keyList` is empty). */
  async get(options: { groupID: string; keyList?: string[] }): Promise<{ groupAttributes: Record<string, string> }> {
    const keyList = options?.keyList;
    const result = await this.#send({ groupID: options?.groupID, op: 'get', ...(keyList && keyList.length > 0 ? { keys: keyList } : {}) });
    return { groupAttributes: result.attributes };
  }

  /** An `attrs` frame of a joined room: the event data when it is newer than the last one announced. */
  pushed(frame: AttributesFrame): GroupAttributesUpdated | null {
    if (typeof frame.v !== 'number' || typeof frame.a !== 'object' || frame.a === null) return null;
    this.#see(frame.g, frame.v);
    if ((this.#announced.get(frame.g) ?? -1) >= frame.v) return null;
    this.#announced.set(frame.g, frame.v);
    return { groupID: frame.g, groupAttributes: { ...frame.a } };
  }

  /** Forget a room (left or dismissed). */
  forget(groupID: string): void {
    this.#seen.delete(groupID);
    this.#announced.delete(groupID);
  }

  async #send(request: AttributesRequest): Promise<AttributesResult> {
    const result = await this.#request(request);
    this.#see(request.groupID, result.version);
    return result;
  }

  #version(groupID: string): { version?: number } {
    const version = this.#seen.get(groupID);
    return version === undefined ? {} : { version };
  }

  #see(groupID: string, version: number): void {
    if (version > (this.#seen.get(groupID) ?? -1)) this.#seen.set(groupID, version);
  }
}

function pick(attributes: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => Object.hasOwn(attributes, k)).map((k) => [k, attributes[k]!]));
}

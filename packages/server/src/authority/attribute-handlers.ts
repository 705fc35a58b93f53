/**
 * The `attributes` command at a room's authority: reads answer from the authority's record;
 * a write is checked against the room's current attributes and version (core/room-attributes.ts),
 * limited to ATTRIBUTE_WRITES_PER_SEC per room, stored before it answers, and pushed to every
 * member on every node (bus `attributes`, one frame of all attributes per write).
 */
import { StadiumError, type AttributesRequest, type AttributesResult } from '@stadium/protocol';
import type { Bus } from '../bus/bus.js';
import { roomSubject } from '../bus/bus.js';
import type { Clock } from '../clock/clock.js';
import { authorize, PERMISSIONS, type Operation, type RoomRole } from '../core/permissions.js';
import { applyAttributes, ATTRIBUTE_WRITES_PER_SEC, pickAttributes } from '../core/room-attributes.js';
import type { Store } from '../storage/store.js';
import type { AuthorityCommands } from '../wire/authority-commands.js';
import type { RoomAuthority } from './room-authority.js';

/** What the handler needs. */
export interface AttributeHandlerDeps {
  store: Store;
  bus: Bus;
  clock: Clock;
}

/** As for counters: where the rule needs a joined member, owners and app admins are exempt. */
function authorizeJoined(operation: Operation, role: RoomRole, joined: boolean, groupId: string): void {
  authorize(operation, role, groupId);
  if (PERMISSIONS[operation].joined && !joined && role !== 'appAdmin' && role !== 'owner') throw new StadiumError('NOT_GROUP_MEMBER', `join ${groupId} first`);
}

/** Build the `attributes` handler. */
export function createAttributeHandler(
  deps: AttributeHandlerDeps,
): (room: RoomAuthority, body: AuthorityCommands['attributes']['req']) => Promise<AuthorityCommands['attributes']['res']> {
  const { store, bus, clock } = deps;

  async function write(room: RoomAuthority, request: Exclude<AttributesRequest, { op: 'get' }>): Promise<AttributesResult> {
    const now = clock.now();
    const writes = room.attributeWrites;
    while (writes.length > 0 && now - writes[0]! >= 1000) writes.shift();
    if (writes.length >= ATTRIBUTE_WRITES_PER_SEC) throw new StadiumError('ATTRIBUTES_RATE_LIMITED', `${ATTRIBUTE_WRITES_PER_SEC} writes in the last second`);
    const version = room.attributesVersion;
    const next = applyAttributes(room.attributes, version, request);
    const patch = { attributes: next, attributesVersion: version + 1 };
    await store.updateGroup(room.sdkAppId, room.groupId, patch);
    room.attributes = next;
    room.attributesVersion = version + 1;
    writes.push(now);
    bus.publish(roomSubject(room.sdkAppId, room.groupId), { kind: 'attributes', sdkAppId: room.sdkAppId, groupId: room.groupId, attributes: next, version: version + 1 });
    return { attributes: { ...next }, version: version + 1 };
  }

  return async (room, { actor, joined, request }) => {
    const role = room.roleOf(actor);
    if (request.op === 'get') {
      authorizeJoined('attributes.read', role, joined, room.groupId);
      return { attributes: pickAttributes(room.attributes, request.keys), version: room.attributesVersion };
    }
    authorizeJoined('attributes.write', role, joined, room.groupId);
    // One write at a time per room, each deciding from the version the previous one left.
    const run = room.attributeChain.then(() => write(room, request));
    room.attributeChain = run.catch(() => undefined);
    return run;
  };
}

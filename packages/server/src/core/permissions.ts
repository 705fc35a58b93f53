/**
 * The one permission table: which room roles may perform each operation. Nodes check what
 * needs no room state (a guest may not send); a room's authority checks the rest against its
 * own, current record. docs/permissions.md is this table in prose, and a test keeps the two
 * in step.
 */
import { StadiumError, type ErrorName } from '@stadium/protocol';
import type { ActorStamp } from './actor.js';
import type { GroupRecord } from './records.js';

/** A caller's standing in one room. */
export type RoomRole = 'appAdmin' | 'owner' | 'admin' | 'member' | 'guest';

/** Every role, most powerful first. */
export const ROOM_ROLES: readonly RoomRole[] = ['appAdmin', 'owner', 'admin', 'member', 'guest'];

/** Operations that need a permission. */
export type Operation =
  | 'room.create'
  | 'room.join'
  | 'room.quit'
  | 'room.read'
  | 'room.dismiss'
  | 'room.settings'
  | 'room.profile'
  | 'room.notice'
  | 'room.list'
  | 'counters.read'
  | 'counters.write'
  | 'attributes.read'
  | 'attributes.write'
  | 'pins.read'
  | 'pins.write'
  | 'history.read'
  | 'record.export'
  | 'message.send'
  | 'message.sendWhileMutedAll'
  | 'message.skipSlowMode'
  | 'member.role'
  | 'member.mute'
  | 'member.ban'
  | 'moderation.read'
  | 'member.list'
  | 'review.manage'
  | 'profile.read'
  | 'profile.update'
  | 'user.message'
  | 'user.kick'
  | 'app.wordLists';

interface Rule {
  /** Roles allowed. */
  readonly roles: readonly RoomRole[];
  /** A WebSocket caller must have joined the room on this connection (app admins excepted). */
  readonly joined?: true;
  /** What docs/permissions.md says about it. */
  readonly summary: string;
  /** The refusal for a logged-in caller without the role. @default 'NO_PERMISSION' */
  readonly refusal?: ErrorName;
}

const EVERYONE: readonly RoomRole[] = ROOM_ROLES;
const USERS: readonly RoomRole[] = ['appAdmin', 'owner', 'admin', 'member'];
const MANAGERS: readonly RoomRole[] = ['appAdmin', 'owner'];
const MODERATORS: readonly RoomRole[] = ['appAdmin', 'owner', 'admin'];

/** The table. */
export const PERMISSIONS: Readonly<Record<Operation, Rule>> = Object.freeze({
  'room.create': { roles: USERS, summary: 'create a live room (the creator becomes its owner)' },
  'room.join': { roles: EVERYONE, summary: 'join a live room (guests receive only)' },
  'room.quit': { roles: ['appAdmin', 'admin', 'member', 'guest'], summary: 'quit a joined room (the owner dismisses instead)' },
  'room.read': { roles: EVERYONE, summary: "read a room's profile and online count" },
  'room.dismiss': { roles: MANAGERS, summary: 'dismiss a room; every member is told' },
  'room.settings': { roles: MANAGERS, summary: "change a room's rate limit, join/quit tips, downstream cap, slow mode and history" },
  'room.profile': { roles: MODERATORS, summary: "change a room's name, introduction, notification, avatar, mute-all and custom fields" },
  'room.notice': { roles: ['appAdmin'], summary: "send a group system notice to a room's online members" },
  'room.list': { roles: ['appAdmin'], summary: 'list every room of the app' },
  'counters.read': { roles: EVERYONE, summary: "read a room's counters" },
  'counters.write': { roles: USERS, joined: true, summary: "set, increase or decrease a room's counters" },
  'attributes.read': { roles: EVERYONE, joined: true, summary: "read a room's attributes" },
  'attributes.write': { roles: USERS, joined: true, summary: "initialise, set or delete a room's attributes" },
  'pins.read': { roles: EVERYONE, joined: true, summary: "list a room's pinned messages" },
  'pins.write': { roles: MODERATORS, joined: true, summary: 'pin or unpin a message of the room' },
  'history.read': { roles: EVERYONE, joined: true, summary: "read a room's history (its last messages, when the room keeps them)" },
  'record.export': { roles: ['appAdmin'], summary: "export a room's whole record as JSON lines" },
  'message.send': { roles: USERS, joined: true, summary: 'send a message to a room' },
  'message.sendWhileMutedAll': { roles: MODERATORS, joined: true, summary: 'send while the room is muted for all' },
  'message.skipSlowMode': { roles: MODERATORS, joined: true, summary: "send without waiting for the room's slow-mode interval" },
  'member.role': { roles: MANAGERS, refusal: 'NOT_GROUP_OWNER', summary: 'set or unset a room admin' },
  'member.mute': { roles: MODERATORS, summary: 'mute a member for a time, or lift the mute' },
  'member.ban': { roles: MODERATORS, summary: 'remove members and ban them for a time' },
  'moderation.read': { roles: MODERATORS, summary: "list a room's muted and banned members" },
  'member.list': { roles: USERS, joined: true, summary: "list a room's online logged-in members" },
  'review.manage': { roles: MODERATORS, summary: "list a room's messages held for review, and approve or deny them" },
  'profile.read': { roles: USERS, summary: 'read user profiles' },
  'profile.update': { roles: USERS, summary: "update one's own profile" },
  'user.message': { roles: ['appAdmin'], summary: "send a one-to-one message to a user's online connections" },
  'user.kick': { roles: ['appAdmin'], summary: 'end every session of a user' },
  'app.wordLists': { roles: ['appAdmin'], summary: "read, set and delete the app's word lists" },
});

/**
 * The role of `actor` in the room `record` (null: no room, e.g. profile operations). Admins are
 * known only at the room's authority, which passes `isAdmin`.
 */
export function roleOf(actor: Pick<ActorStamp, 'userId' | 'kind'>, record: Pick<GroupRecord, 'ownerId'> | null, isAdmin?: (userId: string) => boolean): RoomRole {
  if (actor.kind === 'app-admin') return 'appAdmin';
  if (actor.userId === null || actor.kind === 'guest') return 'guest';
  if (record !== null && actor.userId === record.ownerId) return 'owner';
  if (isAdmin?.(actor.userId)) return 'admin';
  return 'member';
}

/** Whether `role` ranks above `other` (app admin > owner > admin > member > guest). */
export function outranks(role: RoomRole, other: RoomRole): boolean {
  return ROOM_ROLES.indexOf(role) < ROOM_ROLES.indexOf(other);
}

/** Whether `role` may perform `operation`. */
export function allows(operation: Operation, role: RoomRole): boolean {
  return PERMISSIONS[operation].roles.includes(role);
}

/**
 * Throw the registry error for a refusal: NOT_LOGGED_IN for a guest where a logged-in user
 * could act, NO_PERMISSION otherwise.
 */
export function authorize(operation: Operation, role: RoomRole, what = ''): void {
  if (allows(operation, role)) return;
  const rule = PERMISSIONS[operation];
  if (role === 'guest' && rule.roles.some((r) => r !== 'appAdmin')) throw new StadiumError('NOT_LOGGED_IN', what || undefined);
  throw new StadiumError(rule.refusal ?? 'NO_PERMISSION', `${role} may not ${rule.summary}${what ? ` (${what})` : ''}`);
}

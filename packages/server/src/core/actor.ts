/**
 * Who asks for an operation: every room, message and profile operation takes an Actor, whatever
 * front door the request came through (WebSocket, REST, the server itself). Permissions are
 * decided from it and the permission table (core/permissions.ts), never from a connection.
 */
import type { AppRecord } from './records.js';

/** Which front door a request came through. */
export type Origin = 'ws' | 'rest' | 'system';

/**
 * What the node knows of the actor's standing before any room is consulted: the app's admin
 * account (REST callers always are), a logged-in user, or a guest. Room roles (owner, admin,
 * member) are decided by the room's authority from its own record.
 */
export type ActorKind = 'app-admin' | 'user' | 'guest';

/** The part of an Actor that travels to a room's authority (plain data). */
export interface ActorStamp {
  /** The user acting, or null for a guest. */
  readonly userId: string | null;
  readonly kind: ActorKind;
  readonly origin: Origin;
  /** `Web`, `iOS`, … for SDK callers, `RESTAPI` for REST, `Server` for the server itself. */
  readonly platform: string;
  /** Address the request came from ('' when unknown). */
  readonly clientIp: string;
}

/** The caller of an operation. */
export interface Actor extends ActorStamp {
  readonly app: AppRecord;
  /** The actor's nick and avatar as last known (stamped on messages and tips). */
  readonly nick: string;
  readonly avatar: string;
}

/** The stamp of `actor`, for a request to a room's authority. */
export function stampOf(actor: Actor): ActorStamp {
  return { userId: actor.userId, kind: actor.kind, origin: actor.origin, platform: actor.platform, clientIp: actor.clientIp };
}

/** An actor for the server's own doings (idle unloads, system notices). */
export function systemActor(app: AppRecord): Actor {
  return { app, userId: app.adminUserId, kind: 'app-admin', origin: 'system', platform: 'Server', clientIp: '', nick: '', avatar: '' };
}

/**
 * One handler per protocol command; the map is typed against `Commands`, so adding a
 * command without a handler does not compile. Handlers are thin adapters from frames to the
 * room, message and profile operations: they make the Actor from the connection, pass the
 * connection as the membership handle where the operation needs one, and hand over the body.
 * Session state (login, logout) is the only thing decided here.
 */
import { StadiumError, isValidUserId, type CommandName, type Commands, type LoginResult } from '@stadium/protocol';
import { verifyUserSig } from '../auth/user-sig.js';
import type { Clock } from '../clock/clock.js';
import type { Actor } from '../core/actor.js';
import { describe } from '../core/describe.js';
import { parseProfileUpdate } from '../groups/room-profile-input.js';
import type { GroupService } from '../groups/group-service.js';
import type { Metrics } from '../metrics/metrics.js';
import type { MessageService } from '../messages/message-service.js';
import type { ProfileService } from '../users/profile-service.js';
import type { UserSessions } from '../users/user-sessions.js';
import type { Connection } from './connection.js';
import type { SessionListener } from './session-event.js';
import type { SessionRegistry } from './session-registry.js';

/** A command handler. The body is untrusted input. */
type Handler<C extends CommandName> = (conn: Connection, body: Record<string, unknown>) => Promise<Commands[C]['res']>;

/** Handlers for every command. */
export type CommandHandlers = { [C in CommandName]: Handler<C> };

/** Services the handlers call. */
export interface HandlerDeps {
  clock: Clock;
  metrics: Metrics;
  sessions: SessionRegistry;
  groups: GroupService;
  messages: MessageService;
  profiles: ProfileService;
  /** Refuses userSigs issued before a REST kick. */
  userSessions: Pick<UserSessions, 'assertSigNotRevoked'>;
  /** Told of logins and logouts (callbacks). @default none */
  onSession?: SessionListener;
}

/** The Actor of a WebSocket connection as it stands now. */
export function actorOf(conn: Connection): Actor {
  return {
    app: conn.app,
    userId: conn.userId,
    kind: conn.userId === null ? 'guest' : conn.isAdmin ? 'app-admin' : 'user',
    origin: 'ws',
    platform: conn.platform,
    clientIp: conn.clientIp,
    nick: conn.nick,
    avatar: conn.avatar,
  };
}

/** Build the handler map. */
export function createCommandHandlers(deps: HandlerDeps): CommandHandlers {
  const { clock, metrics, sessions, groups, messages, profiles } = deps;

  const login: Handler<'login'> = async (conn, body) => {
    const { userID, userSig } = body;
    if (!isValidUserId(userID)) throw new StadiumError('INVALID_USER_ID', `got ${describe(userID)}`);
    if (conn.userId !== null && conn.userId !== userID) throw new StadiumError('LOGIN_CONFLICT', `logged in as ${conn.userId}`);
    if (userSig !== undefined && typeof userSig !== 'string') throw new StadiumError('INVALID_PARAMETER', 'userSig must be a string');
    const verdict = verifyUserSig({
      userSig: userSig ?? '',
      sdkAppId: conn.app.sdkAppId,
      userId: userID,
      key: conn.app.secretKey,
      nowSec: Math.floor(clock.now() / 1000),
    });
    if (!verdict.ok) {
      metrics.authFailures.inc({ reason: verdict.reason });
      throw new StadiumError(verdict.reason);
    }
    try {
      await deps.userSessions.assertSigNotRevoked(conn.app.sdkAppId, userID, verdict.issuedAt);
    } catch (error) {
      metrics.authFailures.inc({ reason: 'USERSIG_REVOKED' });
      throw error;
    }
    const profile = await profiles.getOnLogin(conn.app.sdkAppId, userID);
    if (conn.userId === null) {
      conn.userId = userID;
      sessions.bindUser(conn);
      deps.onSession?.({ action: 'Login', reason: 'Register', app: conn.app, userId: userID, platform: conn.platform, clientIp: conn.clientIp });
    }
    conn.nick = profile.nick;
    conn.avatar = profile.avatar;
    conn.sigExpiresAt = verdict.expiresAt * 1000;
    const result: LoginResult = { userID, profile, isAdmin: conn.isAdmin, time: Math.floor(clock.now() / 1000), expireAt: conn.sigExpiresAt };
    return result;
  };

  return {
    login,
    logout: async (conn) => {
      const actor = actorOf(conn);
      for (const room of conn.joinedRooms()) groups.leave(conn, room, actor);
      if (conn.userId !== null) deps.onSession?.({ action: 'Logout', reason: 'Unregister', app: conn.app, userId: conn.userId, platform: conn.platform, clientIp: actor.clientIp });
      sessions.unbindUser(conn);
      conn.userId = null;
      conn.nick = '';
      conn.avatar = '';
      conn.sigExpiresAt = 0;
      return {};
    },
    'profile.update': (conn, body) => profiles.update(actorOf(conn), body),
    'profile.get': (conn, body) => profiles.getMany(actorOf(conn), body.userIDList),
    'group.create': (conn, body) => groups.create(actorOf(conn), body as never),
    'group.join': (conn, body) => groups.join(actorOf(conn), conn, body.groupID, body.sinceSeq),
    'group.quit': (conn, body) => groups.quit(actorOf(conn), conn, body.groupID),
    'group.dismiss': (conn, body) => groups.dismiss(actorOf(conn), body.groupID),
    'group.get': (conn, body) => groups.profile(actorOf(conn), body.groupID),
    'group.online': (conn, body) => groups.onlineCount(actorOf(conn), body.groupID),
    'group.settings': (conn, body) => groups.updateSettings(actorOf(conn), body),
    'group.counters': (conn, body) => groups.counters(actorOf(conn), body, conn),
    'group.attributes': (conn, body) => groups.attributes(actorOf(conn), body, conn),
    'group.pins': (conn, body) => groups.pins(actorOf(conn), body, conn),
    'group.update': async (conn, body) => groups.updateProfile(actorOf(conn), body.groupID, parseProfileUpdate(body)),
    'group.role': (conn, body) => groups.setMemberRole(actorOf(conn), body),
    'group.mute': async (conn, body) => {
      const { group, members } = await groups.mute(actorOf(conn), body.groupID, [body.userID], body.muteTime);
      return { group, member: members[0]! };
    },
    'group.ban': (conn, body) => groups.ban(actorOf(conn), body.groupID, body.userIDList, body.duration, body.reason),
    'group.members': (conn, body) => groups.memberList(actorOf(conn), body, conn),
    'group.reviewQueue': (conn, body) => groups.reviewQueue(actorOf(conn), body.groupID),
    'group.review': (conn, body) => groups.review(actorOf(conn), body.groupID, body.holdID, body.action),
    'msg.send': async (conn, body) => {
      const { seq, time, id, sampled, rewritten } = await messages.send(actorOf(conn), body.groupID, body.message, conn);
      return { seq, time, ...(id !== undefined ? { id } : {}), ...(sampled ? { sampled } : {}), ...(rewritten ? { rewritten } : {}) };
    },
    'msg.history': (conn, body) => groups.history(actorOf(conn), body, conn),
    'msg.revoke': async () => {
      throw new StadiumError('REVOKE_NOT_SUPPORTED');
    },
  };
}

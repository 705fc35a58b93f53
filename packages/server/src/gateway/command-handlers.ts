/**
 * One handler per protocol command; the map is typed against `Commands`, so adding a
 * command without a handler does not compile. Handlers are thin: they hand the body to the
 * service that owns the concept.
 */
import { StadiumError, isValidUserId, type CommandName, type Commands, type LoginResult } from '@stadium/protocol';
import { verifyUserSig } from '../auth/user-sig.js';
import type { Clock } from '../clock/clock.js';
import type { GroupService } from '../groups/group-service.js';
import type { Metrics } from '../metrics/metrics.js';
import type { MessageService } from '../messages/message-service.js';
import type { ProfileService } from '../users/profile-service.js';
import type { Connection } from './connection.js';
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
}

/** Build the handler map. */
export function createCommandHandlers(deps: HandlerDeps): CommandHandlers {
  const { clock, metrics, sessions, groups, messages, profiles } = deps;

  const login: Handler<'login'> = async (conn, body) => {
    const { userID, userSig } = body;
    if (!isValidUserId(userID)) throw new StadiumError('INVALID_USER_ID', `got ${JSON.stringify(userID)}`);
    if (conn.userId !== null && conn.userId !== userID) throw new StadiumError('LOGIN_CONFLICT', `logged in as ${conn.userId}`);
    const verdict = verifyUserSig({
      userSig: typeof userSig === 'string' ? userSig : '',
      sdkAppId: conn.app.sdkAppId,
      userId: userID,
      key: conn.app.secretKey,
      nowSec: Math.floor(clock.now() / 1000),
    });
    if (!verdict.ok) {
      metrics.authFailures.inc({ reason: verdict.reason });
      throw new StadiumError(verdict.reason);
    }
    const profile = await profiles.get(conn.app.sdkAppId, userID);
    if (conn.userId === null) {
      conn.userId = userID;
      sessions.bindUser(conn);
    }
    conn.nick = profile.nick;
    conn.avatar = profile.avatar;
    conn.sigExpiresAt = verdict.expiresAt * 1000;
    const result: LoginResult = { userID, profile, isAdmin: conn.isAdmin, time: Math.floor(clock.now() / 1000) };
    return result;
  };

  return {
    login,
    logout: async (conn) => {
      for (const room of conn.joinedRooms()) groups.leave(conn, room);
      sessions.unbindUser(conn);
      conn.userId = null;
      conn.nick = '';
      conn.avatar = '';
      conn.sigExpiresAt = 0;
      return {};
    },
    'profile.update': async (conn, body) => profiles.update(conn, body),
    'profile.get': async (conn, body) => {
      if (conn.userId === null) throw new StadiumError('NOT_LOGGED_IN');
      return profiles.getMany(conn, body.userIDList);
    },
    'group.create': async (conn, body) => groups.create(conn, body as never),
    'group.join': async (conn, body) => groups.join(conn, body.groupID, body.sinceSeq),
    'group.quit': async (conn, body) => groups.quit(conn, body.groupID),
    'group.dismiss': async (conn, body) => groups.dismiss(conn, body.groupID),
    'group.get': async (conn, body) => groups.profile(conn, body.groupID),
    'group.online': async (conn, body) => groups.onlineCount(conn, body.groupID),
    'group.settings': async (conn, body) => groups.updateSettings(conn, body),
    'group.counters': async (conn, body) => groups.counters(conn, body),
    'msg.send': async (conn, body) => {
      const { seq, time, sampled } = await messages.send(conn, body);
      return sampled ? { seq, time, sampled } : { seq, time };
    },
    'msg.revoke': async () => {
      throw new StadiumError('REVOKE_NOT_SUPPORTED');
    },
  };
}

/**
 * A change of a user's login state on one connection (State.StateChange): a login, a logout,
 * or the connection of a logged-in user closing — `TimeOut` when the server closed it for
 * missed heartbeats, `LinkClose` otherwise.
 */
import type { AppRecord } from '../core/records.js';

/** One login state change. */
export interface SessionEvent {
  action: 'Login' | 'Logout' | 'Disconnect';
  reason: 'Register' | 'Unregister' | 'LinkClose' | 'TimeOut';
  app: AppRecord;
  userId: string;
  platform: string;
  clientIp: string;
}

/** A listener of session events; must not throw. */
export type SessionListener = (event: SessionEvent) => void;

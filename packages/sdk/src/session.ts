/**
 * The login session of an instance as an explicit state machine:
 *
 *   guest ──login()──▶ loggingIn ──answer──▶ ready ──logout() / kick / final close──▶ guest
 *     ▲                    │ rejected                │ re-login after reconnect rejected
 *     └────────────────────┴─────────────────────────┘
 *   any state ──destroy()──▶ destroyed (final)
 *
 * In `ready`, `renew` replaces the userSig by logging in again on the live connection (the
 * userSig refresh, see user-sig-refresher.ts).
 *
 * It also guards the instance methods: `requireAlive` (2905 after destroy) and
 * `requireReady` (2999 without login).
 */
import { StadiumError, TIM_EVENT, type LoginResult, type Profile } from '@stadium/protocol';
import type { IMResponse, LoginData } from './client-types.js';
import type { Requester } from './connection.js';
import type { Emitter } from './emitter.js';
import { fail, ok } from './im-response.js';
import type { JoinedGroups } from './joined-groups.js';
import type { Logger } from './logger.js';
import { isServerRejection } from './server-error.js';

/** States of the login session. */
export type SessionState =
  { kind: 'guest' } | { kind: 'loggingIn'; userID: string; promise: Promise<IMResponse<LoginData>> } | { kind: 'ready'; userID: string; userSig: string } | { kind: 'destroyed' };

/** The part of the logged-in user's profile that goes on outgoing messages. */
export type SessionProfile = Pick<Profile, 'nick' | 'avatar'>;

/** What a {@link Session} needs. */
export interface SessionDeps {
  /** Sends a command on the instance's connection (queued while it is down). */
  request: Requester;
  /** Closes the instance's connection on purpose. */
  closeConnection: () => void;
  joined: JoinedGroups;
  emitter: Emitter;
  logger: Logger;
  /** Told of every login answer and of the end of the session (the userSig refresh plans with it). @default none */
  lifecycle?: SessionLifecycle;
}

/** Listener of a {@link Session}'s logins and end. */
export interface SessionLifecycle {
  /** A login (first, or again after a reconnect) succeeded with `result`. */
  loggedIn(userID: string, result: LoginResult): void;
  /** The session ended (logout, kick, refused re-login, destroy). */
  ended(): void;
  /** A new userSig from the app (`refreshUserSig`), when it gave one; used once when the userSig expired during a disconnection. @default none */
  freshUserSig?: (userID: string) => Promise<string>;
}

const DEFAULT_PROFILE: SessionProfile = Object.freeze({ nick: '', avatar: '' });

/** Login, logout, re-login after a reconnect, and the guards of the instance methods. */
export class Session {
  private state: SessionState = { kind: 'guest' };
  private myProfile: SessionProfile = { ...DEFAULT_PROFILE };

  constructor(private readonly deps: SessionDeps) {}

  /** Whether `destroy()` was called. */
  get destroyed(): boolean {
    return this.state.kind === 'destroyed';
  }

  /** The logged-in userID, '' when not logged in. */
  get userID(): string {
    return this.state.kind === 'ready' ? this.state.userID : '';
  }

  /** Nick and avatar of the logged-in user ('' when not logged in). */
  get profile(): SessionProfile {
    return this.myProfile;
  }

  /** Take nick and avatar from a profile the server returned. */
  setProfile(profile: Partial<SessionProfile> | undefined): void {
    this.myProfile = { nick: profile?.nick ?? '', avatar: profile?.avatar ?? '' };
  }

  /** Throws 2905 after `destroy()`. */
  requireAlive(): void {
    if (this.destroyed) throw new StadiumError('SDK_DESTROYED');
  }

  /** The logged-in userID, or throws 2999 (2905 after destroy). */
  requireReady(): string {
    this.requireAlive();
    if (this.state.kind !== 'ready') throw new StadiumError('SDK_NOT_READY');
    return this.state.userID;
  }

  /** Log in. Emits `SDK_READY` on success; resolves with `repeatLogin: true` when already logged in as this user. */
  login(options: { userID: string; userSig: string }): Promise<IMResponse<LoginData>> {
    if (this.destroyed) return fail('SDK_DESTROYED');
    const userID = options?.userID;
    const userSig = options?.userSig;
    if (typeof userID !== 'string' || userID === '') return fail('SDK_NO_USERID');
    if (typeof userSig !== 'string' || userSig === '') return fail('SDK_NO_USERSIG');
    const state = this.state;
    if (state.kind === 'ready' || state.kind === 'loggingIn') {
      if (state.userID !== userID) return fail('LOGIN_CONFLICT');
      if (state.kind === 'loggingIn') return state.promise;
      return Promise.resolve(ok({ actionStatus: 'OK', errorCode: 0, errorInfo: '', repeatLogin: true }));
    }
    const promise = this.deps.request('login', { userID, userSig }).then(
      (result) => {
        if (!this.destroyed) this.state = { kind: 'ready', userID, userSig };
        this.setProfile(result.profile);
        this.deps.logger.info(`logged in as ${userID}`);
        if (!this.destroyed) this.deps.lifecycle?.loggedIn(userID, result);
        this.deps.emitter.emit(TIM_EVENT.SDK_READY);
        return ok<LoginData>({ actionStatus: 'OK', errorCode: 0, errorInfo: '', repeatLogin: false });
      },
      (error: unknown) => {
        if (this.state.kind === 'loggingIn' && this.state.promise === promise) this.state = { kind: 'guest' };
        throw error;
      },
    );
    this.state = { kind: 'loggingIn', userID, promise };
    return promise;
  }

  /** Log out: leaves every room, closes the connection and emits `SDK_NOT_READY`. */
  async logout(): Promise<IMResponse<Record<string, never>>> {
    if (this.destroyed) throw new StadiumError('SDK_DESTROYED');
    if (this.state.kind !== 'ready') throw new StadiumError('NOT_LOGGED_IN');
    try {
      await this.deps.request('logout', {});
    } catch (error) {
      this.deps.logger.warn('logout request failed; closing anyway', error);
    }
    this.deps.closeConnection();
    this.deps.joined.clear();
    this.end();
    return ok({});
  }

  /** After a reconnect: log in again as the same user. A rejection ends the session (ERROR, then SDK_NOT_READY). */
  async relogin(request: Requester): Promise<void> {
    const state = this.state;
    if (state.kind !== 'ready') return;
    try {
      const result = await request('login', { userID: state.userID, userSig: state.userSig });
      if (this.state === state) this.deps.lifecycle?.loggedIn(state.userID, result);
    } catch (error) {
      if (!isServerRejection(error)) throw error;
      if ((error as StadiumError).reason === 'USERSIG_EXPIRED' && (await this.reloginWithFreshSig(request, state))) return;
      this.deps.logger.error('logging in again after reconnect failed', error);
      this.deps.emitter.emit(TIM_EVENT.ERROR, { code: (error as StadiumError).code, message: (error as StadiumError).message });
      this.end();
    }
  }

  /**
   * The userSig expired while the connection was down (a sleeping laptop): with the app's
   * `refreshUserSig`, ask it once for a new userSig and log in with that. False when there is
   * no such function, it fails, or the server refuses its userSig too; a network failure
   * rejects as the request does.
   */
  private async reloginWithFreshSig(request: Requester, state: Extract<SessionState, { kind: 'ready' }>): Promise<boolean> {
    const lifecycle = this.deps.lifecycle;
    if (!lifecycle?.freshUserSig) return false;
    let userSig: string;
    try {
      userSig = await lifecycle.freshUserSig(state.userID);
    } catch (error) {
      this.deps.logger.warn('refreshUserSig failed after a reconnect', error);
      return false;
    }
    try {
      const result = await request('login', { userID: state.userID, userSig });
      if (this.state !== state) return true;
      this.state = { kind: 'ready', userID: state.userID, userSig };
      this.setProfile(result.profile);
      this.deps.lifecycle?.loggedIn(state.userID, result);
      return true;
    } catch (error) {
      if (!isServerRejection(error)) throw error;
      return false;
    }
  }

  /**
   * Log in again as the same user with a new userSig, on the connection as it is (rooms and
   * messages stay): the server replaces the userSig and its expiry, and later reconnects use
   * the new one. Resolves with the answer, or null when the session is no longer the same
   * (ended, another login); rejects as the request does, the session keeping the old userSig.
   */
  async renew(userSig: string): Promise<LoginResult | null> {
    const state = this.state;
    if (state.kind !== 'ready') return null;
    const result = await this.deps.request('login', { userID: state.userID, userSig });
    if (this.state.kind !== 'ready' || this.state.userID !== state.userID) return null;
    this.state = { kind: 'ready', userID: state.userID, userSig };
    this.setProfile(result.profile);
    return result;
  }

  /** Back to guest (kicked, logged out, connection ended); emits `SDK_NOT_READY` when it was logged in. */
  end(): void {
    if (this.destroyed) return;
    this.deps.lifecycle?.ended();
    const wasReady = this.state.kind === 'ready';
    this.state = { kind: 'guest' };
    this.myProfile = { ...DEFAULT_PROFILE };
    if (wasReady) this.deps.emitter.emit(TIM_EVENT.SDK_NOT_READY);
  }

  /** Final state: every later call fails with 2905. */
  destroy(): void {
    this.deps.lifecycle?.ended();
    this.state = { kind: 'destroyed' };
    this.myProfile = { ...DEFAULT_PROFILE };
  }
}

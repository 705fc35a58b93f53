/**
 * Keeps a login alive past its userSig's expiry (Stadium extension, option `refreshUserSig`):
 * ahead of the expiry the `login` answer announces (`expireAt`), it asks the app for a new
 * userSig and logs in again with it over the live connection. The server keeps the connection,
 * its rooms and its messages as they are and only replaces the userSig and its expiry; the new
 * userSig is also what a later reconnect logs in with. When is decided by
 * {@link refreshDelayMs} and {@link refreshRetryDelayMs}.
 */
import type { LoginResult } from '@stadium/protocol';
import type { ClientEnvironment } from './client-environment.js';
import type { Logger } from './logger.js';
import type { SessionLifecycle } from './session.js';
import { refreshDelayMs, refreshRetryDelayMs } from './user-sig-refresh-plan.js';

/** The app's function that returns a new userSig for the logged-in user. */
export type RefreshUserSig = (userID: string) => string | Promise<string>;

/** What a {@link UserSigRefresher} needs. */
export interface UserSigRefresherDeps {
  /** The app's function. */
  refreshUserSig: RefreshUserSig;
  /** Log in again with `userSig` on the live connection; null when the session has ended meanwhile. */
  renew: (userSig: string) => Promise<LoginResult | null>;
  /** How long before the expiry to refresh at most (see {@link refreshDelayMs}). */
  marginMs: number;
  /** Retries after a failed attempt. */
  retries: number;
  /** How long the app's function may take before the attempt counts as failed. */
  hookTimeoutMs: number;
  environment: Pick<ClientEnvironment, 'now' | 'setTimeout' | 'clearTimeout'>;
  logger: Logger;
}

/** Plans and makes the refreshes of one instance's login; its {@link Session} tells it of logins and the end. */
export class UserSigRefresher implements SessionLifecycle {
  private timer: unknown = null;
  /** Bumped by `loggedIn` with a new plan and by `stop`, so that late results of an older plan are ignored. */
  private generation = 0;
  private userID = '';
  /** The server's `expireAt` of the userSig in use. */
  private expireAt = 0;
  /** When that userSig expires on this instance's clock. */
  private expiresLocallyAt = 0;
  /** Failed attempts since the last success. */
  private failures = 0;

  constructor(private readonly deps: UserSigRefresherDeps) {}

  /**
   * A login answer arrived (first login or re-login after a reconnect): plan the next refresh.
   * An answer for the userSig already planned for (a reconnect with the same userSig) keeps the plan.
   */
  loggedIn(userID: string, result: LoginResult): void {
    if (!isExpiry(result.expireAt) || !Number.isFinite(result.time)) return;
    if (userID === this.userID && result.expireAt === this.expireAt) return;
    this.generation++;
    this.plan(userID, result);
  }

  /** The session ended (logout, kick, destroy): plan nothing more. */
  ended(): void {
    this.generation++;
    this.clearTimer();
    this.userID = '';
    this.expireAt = 0;
    this.failures = 0;
  }

  private plan(userID: string, result: LoginResult): void {
    const lifetimeMs = result.expireAt - result.time * 1000;
    this.userID = userID;
    this.expireAt = result.expireAt;
    this.expiresLocallyAt = this.deps.environment.now() + lifetimeMs;
    this.failures = 0;
    this.schedule(refreshDelayMs(lifetimeMs, this.deps.marginMs));
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    const generation = this.generation;
    this.timer = this.deps.environment.setTimeout(() => {
      this.timer = null;
      void this.attempt(generation);
    }, delayMs);
  }

  private async attempt(generation: number): Promise<void> {
    const { userID } = this;
    try {
      const userSig = await this.freshUserSig(userID);
      if (generation !== this.generation) return;
      const result = await this.deps.renew(userSig);
      if (generation !== this.generation || result === null) return;
      if (!isExpiry(result.expireAt) || result.expireAt <= this.expireAt) throw new Error('the new userSig expires no later than the one in use');
      this.deps.logger.info(`userSig of ${userID} refreshed; it expires at ${new Date(result.expireAt).toISOString()}`);
      this.plan(userID, result);
    } catch (error) {
      if (generation !== this.generation) return;
      this.failures++;
      const delay = refreshRetryDelayMs(this.failures, this.deps.retries, this.expiresLocallyAt - this.deps.environment.now());
      if (delay === null) {
        this.deps.logger.error(`refreshing the userSig of ${userID} failed ${this.failures} times; the session ends when it expires`, error);
        return;
      }
      this.deps.logger.warn(`refreshing the userSig of ${userID} failed; trying again in ${delay} ms`, error);
      this.schedule(delay);
    }
  }

  /** The app's function, with a time limit; it must give a non-empty string (also used once by a re-login refused for an expired userSig). */
  freshUserSig(userID: string): Promise<string> {
    const { environment, hookTimeoutMs } = this.deps;
    return new Promise<string>((resolve, reject) => {
      const timer = environment.setTimeout(() => reject(new Error(`refreshUserSig gave no userSig within ${hookTimeoutMs} ms`)), hookTimeoutMs);
      const settle = (fn: () => void): void => {
        environment.clearTimeout(timer);
        fn();
      };
      Promise.resolve()
        .then(() => this.deps.refreshUserSig(userID))
        .then(
          (userSig) => settle(() => (typeof userSig === 'string' && userSig !== '' ? resolve(userSig) : reject(new Error('refreshUserSig must give a non-empty string')))),
          (error: unknown) => settle(() => reject(error instanceof Error ? error : new Error(String(error)))),
        );
    });
  }

  private clearTimer(): void {
    if (this.timer !== null) this.deps.environment.clearTimeout(this.timer);
    this.timer = null;
  }
}

function isExpiry(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

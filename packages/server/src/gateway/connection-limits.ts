/**
 * Open connections per client IP and per app on this process (each worker of
 * `--workers N` counts its own). Checked when a connection is admitted; past either limit
 * the connection gets an `err` frame and is closed (TOO_MANY_CONNECTIONS_FROM_IP, 4031;
 * APP_CONNECTION_LIMIT, 4032). Entries exist only while an address or app has connections.
 */
import type { ErrorName } from '@stadium/protocol';

/** Limits of {@link ConnectionLimits} (from ServerOptions). */
export interface ConnectionLimitOptions {
  maxConnectionsPerIp: number;
  maxConnectionsPerApp: number;
}

/** Why a connection was refused. */
export type ConnectionRefusal = Extract<ErrorName, 'TOO_MANY_CONNECTIONS_FROM_IP' | 'APP_CONNECTION_LIMIT'>;

/** Connection counts of one process. */
export class ConnectionLimits {
  readonly #o: ConnectionLimitOptions;
  readonly #byIp = new Map<string, number>();
  readonly #byApp = new Map<number, number>();

  constructor(options: ConnectionLimitOptions) {
    this.#o = options;
  }

  /** Open connections from `ip`. */
  ofIp(ip: string): number {
    return this.#byIp.get(ip) ?? 0;
  }

  /** Open connections of the app. */
  ofApp(sdkAppId: number): number {
    return this.#byApp.get(sdkAppId) ?? 0;
  }

  /** Count a new connection, or say why it may not open (then nothing is counted). */
  admit(ip: string, sdkAppId: number): ConnectionRefusal | null {
    const fromIp = this.ofIp(ip);
    if (fromIp >= this.#o.maxConnectionsPerIp) return 'TOO_MANY_CONNECTIONS_FROM_IP';
    const ofApp = this.ofApp(sdkAppId);
    if (ofApp >= this.#o.maxConnectionsPerApp) return 'APP_CONNECTION_LIMIT';
    this.#byIp.set(ip, fromIp + 1);
    this.#byApp.set(sdkAppId, ofApp + 1);
    return null;
  }

  /** An admitted connection closed. */
  release(ip: string, sdkAppId: number): void {
    const fromIp = this.ofIp(ip);
    if (fromIp <= 1) this.#byIp.delete(ip);
    else this.#byIp.set(ip, fromIp - 1);
    const ofApp = this.ofApp(sdkAppId);
    if (ofApp <= 1) this.#byApp.delete(sdkAppId);
    else this.#byApp.set(sdkAppId, ofApp - 1);
  }
}

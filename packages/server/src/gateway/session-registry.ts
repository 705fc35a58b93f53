import type { Connection } from './connection.js';

/** Open connections of this node, and the logged-in ones by app and user. */
export class SessionRegistry {
  readonly all = new Set<Connection>();
  readonly #byUser = new Map<string, Set<Connection>>();

  add(conn: Connection): void {
    this.all.add(conn);
  }

  /** Index a connection under its user after login. */
  bindUser(conn: Connection): void {
    if (conn.userId === null) return;
    const key = `${conn.app.sdkAppId}\u0000${conn.userId}`;
    let set = this.#byUser.get(key);
    if (!set) this.#byUser.set(key, (set = new Set()));
    set.add(conn);
  }

  /** Remove a connection's user index (logout) but keep the connection. */
  unbindUser(conn: Connection): void {
    if (conn.userId === null) return;
    const key = `${conn.app.sdkAppId}\u0000${conn.userId}`;
    const set = this.#byUser.get(key);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) this.#byUser.delete(key);
  }

  remove(conn: Connection): void {
    this.unbindUser(conn);
    this.all.delete(conn);
  }

  /** The user's connections on this node. */
  connectionsOf(sdkAppId: number, userId: string): Iterable<Connection> {
    return this.#byUser.get(`${sdkAppId}\u0000${userId}`) ?? [];
  }
}

/**
 * Apps by SDKAppID for the connection path, cached briefly so a burst of connects costs one
 * store read, and so an app deleted from another process stops being served within `ttlMs`.
 */
import type { Clock } from '../clock/clock.js';
import type { AppRecord, Store } from '../storage/store.js';

/** Entries kept before expired ones and misses are dropped. */
const MAX_ENTRIES = 1000;

interface Cached {
  app: AppRecord | undefined;
  at: number;
}

/** Short-lived cache of app records. */
export class AppCache {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #cache = new Map<number, Cached>();

  constructor(store: Store, clock: Clock, ttlMs = 5000) {
    this.#store = store;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  async get(sdkAppId: number): Promise<AppRecord | undefined> {
    const now = this.#clock.now();
    const hit = this.#cache.get(sdkAppId);
    if (hit && now - hit.at < this.#ttlMs) return hit.app;
    const app = await this.#store.getApp(sdkAppId);
    if (this.#cache.size >= MAX_ENTRIES) this.#prune(now);
    this.#cache.set(sdkAppId, { app, at: now });
    return app;
  }

  /** Keep the cache bounded: connection attempts with made-up SDKAppIDs must not grow it. */
  #prune(now: number): void {
    for (const [id, entry] of this.#cache) if (now - entry.at >= this.#ttlMs || entry.app === undefined) this.#cache.delete(id);
  }

  /** Entries held (apps and misses). */
  get size(): number {
    return this.#cache.size;
  }

  /** Apps cached now. */
  cached(): AppRecord[] {
    const apps: AppRecord[] = [];
    for (const entry of this.#cache.values()) if (entry.app) apps.push(entry.app);
    return apps;
  }

  /** Replace a cached app with a newer record. */
  set(app: AppRecord): void {
    this.#cache.set(app.sdkAppId, { app, at: this.#clock.now() });
  }

  /** Forget an app (after it changed or was deleted in this process). */
  invalidate(sdkAppId: number): void {
    this.#cache.delete(sdkAppId);
  }
}

/**
 * Keeps a running server in step with app changes made elsewhere (the CLI on the same
 * store, another node): every `intervalMs` it re-reads the apps that have live connections
 * or loaded rooms and reports the ones that changed or were deleted.
 */
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { AppRecord, Store } from '../storage/store.js';

/** What the watcher reports to. */
export interface AppWatcherHandlers {
  /** The app records this node is working with (several may share an SDKAppID). */
  recordsInUse(): Iterable<AppRecord>;
  /** The store holds a newer record than some of those in use. */
  onChanged(app: AppRecord): void;
  onDeleted(sdkAppId: number): void;
}

function fingerprint(app: AppRecord): string {
  return JSON.stringify([app.name, app.secretKey, app.adminUserId, app.callbackUrl, app.callbacks, app.settings]);
}

/** Polls the store for changes to apps in use. */
export class AppWatcher {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #handlers: AppWatcherHandlers;
  #timer: TimerHandle | null = null;
  #stopped = false;

  constructor(store: Store, clock: Clock, intervalMs: number, handlers: AppWatcherHandlers) {
    this.#store = store;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
    this.#handlers = handlers;
  }

  start(): void {
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
  }

  /** Check every app in use once. */
  async check(): Promise<void> {
    const inUse = new Map<number, Set<string>>();
    for (const app of this.#handlers.recordsInUse()) {
      let prints = inUse.get(app.sdkAppId);
      if (!prints) inUse.set(app.sdkAppId, (prints = new Set()));
      prints.add(fingerprint(app));
    }
    for (const [id, prints] of inUse) {
      const app = await this.#store.getApp(id);
      if (this.#stopped) return;
      if (!app) this.#handlers.onDeleted(id);
      else if (prints.size > 1 || !prints.has(fingerprint(app))) this.#handlers.onChanged(app);
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => {
      void this.check()
        .catch(() => undefined)
        .finally(() => this.#schedule());
    }, this.#intervalMs);
  }
}

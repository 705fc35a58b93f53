/**
 * Several Stadium nodes in this process over one in-memory bus (one LocalBus per node on a
 * shared hub) and one store, as the machines of a deployment would be.
 */
import { pino } from 'pino';
import { genUserSig } from '../../packages/server/src/auth/user-sig.js';
import { createApp } from '../../packages/server/src/apps/create-app.js';
import { LocalBus } from '../../packages/server/src/bus/local-bus.js';
import { LocalHub } from '../../packages/server/src/bus/local-hub.js';
import type { Clock } from '../../packages/server/src/clock/clock.js';
import type { AppRecord } from '../../packages/server/src/core/records.js';
import type { ServerOptions } from '../../packages/server/src/config/options.js';
import { startStadium, type StadiumServer } from '../../packages/server/src/server.js';
import { MemoryStore } from '../../packages/server/src/storage/memory-store.js';

/** The running nodes, their app and a userSig maker. */
export interface InProcessNodes {
  servers: StadiumServer[];
  app: AppRecord;
  store: MemoryStore;
  sig: (userId: string) => string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Start one node per ID, sharing a store, a bus hub and `clock`. */
export async function startNodes(nodeIds: readonly string[], clock: Clock, options: Partial<ServerOptions> = {}): Promise<InProcessNodes> {
  const store = new MemoryStore();
  const hub = new LocalHub();
  const app = await createApp(store, { name: 'multi' }, clock);
  const servers: StadiumServer[] = [];
  try {
    for (const nodeId of nodeIds) {
      servers.push(
        await startStadium(
          { port: 0, host: '127.0.0.1', nodeId, batchWindowMs: 0, logLevel: 'silent', ...options },
          { clock, store, bus: new LocalBus({ hub, clock }), nodes: [...nodeIds], logger: pino({ level: 'silent' }) },
        ),
      );
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }
  return {
    servers,
    app,
    store,
    sig: (userId) => genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId, expireSec: 3600, nowSec: Math.floor(clock.now() / 1000) }),
    async [Symbol.asyncDispose]() {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

/**
 * Several Stadium nodes in this process over one in-memory bus (one LocalBus per node on a
 * shared hub) and one store, as the machines of a deployment would be.
 */
import { pino } from 'pino';
import { genUserSig } from '../../packages/server/src/auth/user-sig.js';
import { createApp } from '../../packages/server/src/apps/create-app.js';
import { LocalBus } from '../../packages/server/src/bus/local-bus.js';
import { LocalHub } from '../../packages/server/src/bus/local-hub.js';
import type { Bus } from '../../packages/server/src/bus/bus.js';
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

/**
 * Start one node per ID, sharing a store, a bus hub and `clock`. `bus` gives each node another
 * bus instead (a NatsBus per node); the nodes close them.
 */
export async function startNodes(nodeIds: readonly string[], clock: Clock, options: Partial<ServerOptions> = {}, bus?: (nodeId: string) => Promise<Bus>): Promise<InProcessNodes> {
  const store = new MemoryStore();
  const hub = new LocalHub();
  const buses: Bus[] = [];
  const app = await createApp(store, { name: 'multi' }, clock);
  const servers: StadiumServer[] = [];
  try {
    for (const nodeId of nodeIds) {
      const nodeBus = bus ? await bus(nodeId) : new LocalBus({ hub, clock });
      buses.push(nodeBus);
      servers.push(
        await startStadium(
          { port: 0, host: '127.0.0.1', nodeId, batchWindowMs: 0, logLevel: 'silent', ...options },
          { clock, store, bus: nodeBus, nodes: [...nodeIds], logger: pino({ level: 'silent' }) },
        ),
      );
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(buses.map((b) => b.close()));
    throw error;
  }
  return {
    servers,
    app,
    store,
    sig: (userId) => genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId, expireSec: 3600, nowSec: Math.floor(clock.now() / 1000) }),
    async [Symbol.asyncDispose]() {
      await Promise.all(servers.map((s) => s.close()));
      await Promise.all(buses.map((b) => b.close()));
    },
  };
}

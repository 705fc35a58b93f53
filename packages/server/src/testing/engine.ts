/**
 * Test fixture: the engine of one node without any front door — store, bus, clock, a room
 * authority, room operations and the send pipeline — wired as server.ts wires them, on a
 * MemoryStore, a LocalBus and a ManualClock. `member()` makes a membership handle that records
 * what the fan-out writes to it, standing in for a WebSocket connection.
 */
import { pino } from 'pino';
import type { WireMessage } from '@stadium/protocol';
import { AppCache } from '../apps/app-cache.js';
import { createApp } from '../apps/create-app.js';
import { AuthorityHost } from '../authority/authority-host.js';
import { LocalBus } from '../bus/local-bus.js';
import { ManualClock } from '../clock/manual-clock.js';
import type { Actor } from '../core/actor.js';
import type { AppRecord } from '../core/records.js';
import { GroupService } from '../groups/group-service.js';
import type { MemberHandle } from '../groups/member.js';
import type { Room } from '../groups/room.js';
import { RoomRegistry } from '../groups/room-registry.js';
import { RoomRouter } from '../groups/room-router.js';
import { MessageService } from '../messages/message-service.js';
import { Metrics } from '../metrics/metrics.js';
import { MemoryStore } from '../storage/memory-store.js';
import { ProfileService } from '../users/profile-service.js';
import type { BatchEntry } from '../wire/batch-entry.js';

/** A membership handle that records the messages delivered to it. */
export interface RecordingMember extends MemberHandle {
  /** Every message received, in order. */
  readonly received: WireMessage[];
  closing: boolean;
}

/** One node's engine. */
export interface TestEngine {
  clock: ManualClock;
  store: MemoryStore;
  bus: LocalBus;
  app: AppRecord;
  authorities: AuthorityHost;
  groups: GroupService;
  messages: MessageService;
  profiles: ProfileService;
  metrics: Metrics;
  /** An Actor of the app: a user, the app admin or (userId null) a guest. */
  actor(userId: string | null, overrides?: Partial<Actor>): Actor;
  /** A membership handle of `userId` (default a guest). */
  member(userId?: string | null): RecordingMember;
  close(): Promise<void>;
}

let nextMemberId = 1;

/** Build a node's engine. */
export async function startTestEngine(options: { batchWindowMs?: number } = {}): Promise<TestEngine> {
  const clock = new ManualClock();
  const store = new MemoryStore();
  const bus = new LocalBus({ clock });
  const metrics = new Metrics({ defaultMetrics: false });
  const logger = pino({ level: 'silent' });
  const app = await createApp(store, { name: 'engine' }, clock);
  const apps = new AppCache(store, clock);
  const router = new RoomRouter(bus, ['n1']);
  const authorities = new AuthorityHost(
    { store, bus, clock, metrics, logger, apps },
    {
      nodeId: 'n1',
      idleUnloadMs: 300_000,
      batchWindowMs: options.batchWindowMs ?? 0,
      batchWindowMaxMs: options.batchWindowMs ?? 0,
      fanoutWritesPerSec: 100_000,
      downstreamCapPerSec: 20,
      downstreamCapMinMembers: 1000,
      memberTipsPerSec: 20,
      resumeBufferSize: 100,
    },
  );
  authorities.start();
  const rooms = new RoomRegistry({ store, bus, clock, metrics, logger, router }, { idleUnloadMs: 300_000 });
  rooms.serve('n1');
  const groups = new GroupService({
    store,
    rooms,
    router,
    clock,
    logger,
    nodeId: 'n1',
    maxRoomsPerConnection: 10,
    quotas: { maxRoomsCreatedPerUserPerHour: 100, maxRoomsPerUser: 1000, maxRoomsPerApp: 100_000 },
  });
  const messages = new MessageService({ router, groups });
  const profiles = new ProfileService({ store, maxProfilesPerApp: 1_000_000 });
  return {
    clock,
    store,
    bus,
    app,
    authorities,
    groups,
    messages,
    profiles,
    metrics,
    actor: (userId, overrides = {}) => ({
      app,
      userId,
      kind: userId === null ? 'guest' : userId === app.adminUserId ? 'app-admin' : 'user',
      origin: 'ws',
      platform: 'Web',
      clientIp: '127.0.0.1',
      nick: userId ? `nick-${userId}` : '',
      avatar: '',
      ...overrides,
    }),
    member: (userId = null) => {
      const joined = new Map<string, Room>();
      const received: WireMessage[] = [];
      const take = (entries: readonly BatchEntry[]): void => {
        for (const entry of entries) received.push(JSON.parse(entry.json) as WireMessage);
      };
      return {
        id: nextMemberId++,
        userId,
        nick: userId ? `nick-${userId}` : '',
        avatar: '',
        closing: false,
        received,
        joined: (groupId) => joined.get(groupId),
        get roomCount() {
          return joined.size;
        },
        addRoom: (room) => joined.set(room.groupId, room),
        removeRoom: (groupId) => joined.delete(groupId),
        deliver: (_groupId, _frame, entries) => take(entries),
        deliverOwn: (_groupId, entries) => take(entries),
      };
    },
    async close() {
      rooms.closeAll();
      await authorities.close();
      await bus.close();
    },
  };
}

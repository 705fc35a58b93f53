import type { AddressInfo, Socket } from 'node:net';
import { TIM_TYPES } from '@stadium/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { genUserSig } from '../auth/user-sig.js';
import { UserSessions } from '../users/user-sessions.js';
import { startTestEngine, type TestEngine } from '../testing/engine.js';
import { actorOf, createCommandHandlers, type CommandHandlers } from './command-handlers.js';
import { Connection } from './connection.js';
import { RequestBudget } from './request-budget.js';
import { SessionRegistry } from './session-registry.js';
import { refusal } from '../testing/refusal.js';

let engine: TestEngine;
let wss: WebSocketServer | undefined;
const clients: WebSocket[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => new Promise<void>((resolve) => (c.once('close', () => resolve()), c.close()))));
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  wss = undefined;
  await engine.close();
});

/** A Connection on a real socket pair (the server side of a real WebSocket). */
async function connection(): Promise<Connection> {
  wss ??= new WebSocketServer({ port: 0, host: '127.0.0.1' });
  if (!wss.address()) await new Promise<void>((resolve) => wss!.once('listening', () => resolve()));
  const accepted = new Promise<WebSocket>((resolve) => wss!.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  clients.push(client);
  await new Promise<void>((resolve, reject) => client.once('open', () => resolve()).once('error', reject));
  const ws = await accepted;
  const socket = (ws as unknown as { _socket: Socket })._socket;
  return new Connection(
    1,
    ws,
    socket,
    engine.app,
    'Web',
    {
      socketHighWaterBytes: 1 << 20,
      maxPendingBytes: 1 << 20,
      slowConsumerTimeoutMs: 5000,
      now: () => engine.clock.now(),
      onDropped: () => undefined,
      onSlow: () => undefined,
    },
    new RequestBudget({ requestsPerSec: 100, requestBurst: 300, maxRequestsInFlight: 128, maxRefusedRequestsPerMinute: 100 }, engine.clock.now()),
  );
}

function handlers(): CommandHandlers {
  return createCommandHandlers({
    clock: engine.clock,
    metrics: engine.metrics,
    sessions: new SessionRegistry(),
    groups: engine.groups,
    messages: engine.messages,
    profiles: engine.profiles,
    userSessions: new UserSessions({ bus: engine.bus, store: engine.store, clock: engine.clock }),
  });
}

describe('gateway command handlers', () => {
  it('make the Actor from the connection: guest, user or the app admin, with platform and address', async () => {
    engine = await startTestEngine();
    const conn = await connection();
    expect(actorOf(conn)).toMatchObject({ userId: null, kind: 'guest', origin: 'ws', platform: 'Web', clientIp: '127.0.0.1' });
    const h = handlers();
    const sig = (user: string) =>
      genUserSig({ sdkAppId: engine.app.sdkAppId, key: engine.app.secretKey, userId: user, expireSec: 600, nowSec: Math.floor(engine.clock.now() / 1000) });
    await h.login(conn, { userID: 'viewer', userSig: sig('viewer') });
    expect(actorOf(conn)).toMatchObject({ userId: 'viewer', kind: 'user' });
    const admin = await connection();
    await h.login(admin, { userID: engine.app.adminUserId, userSig: sig(engine.app.adminUserId) });
    expect(actorOf(admin)).toMatchObject({ userId: engine.app.adminUserId, kind: 'app-admin' });
  });

  it('refuse bad login input clearly, and pass the connection as the membership handle', async () => {
    engine = await startTestEngine();
    const conn = await connection();
    const h = handlers();
    expect(await refusal(h.login(conn, { userID: 'v', userSig: 42 }))).toBe('INVALID_PARAMETER');
    expect(await refusal(h.login(conn, { userID: ['x'], userSig: 'y' }))).toBe('INVALID_USER_ID');
    expect(await refusal(h.login(conn, { userID: 'v' }))).toBe('USERSIG_EMPTY');
    expect(await refusal(h['msg.send'](conn, { groupID: 'g', message: {} }))).toBe('NOT_LOGGED_IN');
    const { group } = await engine.groups.create(engine.actor('host'), { name: 'r', type: TIM_TYPES.GRP_AVCHATROOM });
    expect((await h['group.join'](conn, { groupID: group.groupID })).status).toBe('JoinedSuccess');
    expect(conn.joined(group.groupID)?.groupId).toBe(group.groupID);
    expect(await refusal(h['msg.revoke'](conn, { groupID: group.groupID, id: 'm' }))).toBe('REVOKE_NOT_SUPPORTED');
  });
});

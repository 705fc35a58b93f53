import { afterEach, describe, expect, it } from 'vitest';
import { StadiumError } from '@stadium/protocol';
import type { Client } from './client.js';
import type { TimEvent } from './emitter.js';
import type { Message } from './message.js';
import { ScriptedServer } from './testing/scripted-server.js';
import { next, record, silent } from './testing/test-helpers.js';
import { TIM } from './tim.js';

const APP = 1400000001;
const MISSED = 'stadiumGroupMessagesMissed';
const RESUMED = 'stadiumGroupResumed';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server and a guest instance in room1 that has received the room's `seen` first messages. */
async function joinedAfter(seen: number): Promise<{ server: ScriptedServer; tim: Client; events: TimEvent[] }> {
  const server = await ScriptedServer.start();
  cleanups.push(() => server.close());
  const tim = TIM.createInstance({ SDKAppID: APP, server: server.url, logger: silent, reconnectBaseMs: 5, reconnectMaxMs: 20 });
  cleanups.push(() => tim.destroy());
  await tim.joinGroup({ groupID: 'room1' });
  const events = record(tim, TIM.EVENT.MESSAGE_RECEIVED, MISSED, RESUMED);
  for (let seq = 1; seq <= seen; seq++) server.publish('room1', { id: `old-${seq}` });
  await server.until(() => delivered(events).length === seen);
  return { server, tim, events };
}

/** Drop the socket (the server stops sending to it), run `whileAway`, and wait until the instance is connected again. */
async function reconnect(server: ScriptedServer, tim: Client, whileAway: () => void): Promise<void> {
  const reconnected = next(tim, TIM.EVENT.NET_STATE_CHANGE, (e) => (e.data as { state: string }).state === 'connected');
  const socket = server.sockets.at(-1)!;
  server.members.delete(socket);
  socket.close(1001, 'going away');
  whileAway();
  await reconnected;
  await handled(tim);
}

/** Frames on one socket arrive in order: once a request made now is answered, everything pushed before it was handled. */
async function handled(tim: Client): Promise<void> {
  await tim.getGroupOnlineMemberCount('room1');
}

/** IDs of the delivered messages, in order. */
function delivered(events: TimEvent[]): string[] {
  return events.filter((e) => e.name === TIM.EVENT.MESSAGE_RECEIVED).flatMap((e) => (e.data as Message[]).map((m) => m.ID));
}

/** `MISSED` events and message batches, in emission order. */
function timeline(events: TimEvent[]): unknown[] {
  return events.map((e) => (e.name === MISSED || e.name === RESUMED ? e.data : (e.data as Message[]).map((m) => m.ID)));
}

describe('resume after a reconnect', () => {
  it('a full resume delivers what was missed once and reports no gap', async () => {
    const { server, tim, events } = await joinedAfter(2);
    await reconnect(server, tim, () => {
      server.publish('room1', { id: 'away-3' });
      server.publish('room1', { id: 'away-4' });
    });
    server.publish('room1', { id: 'live-5' });
    await handled(tim);
    expect(server.requestsOf('group.join').at(-1)!.body).toEqual({ groupID: 'room1', sinceSeq: 2 });
    expect(delivered(events)).toEqual(['old-1', 'old-2', 'away-3', 'away-4', 'live-5']);
    expect(events.filter((e) => e.name === MISSED)).toEqual([]);
    // Told once the resent messages were delivered, before live ones: recovery was complete.
    expect(timeline(events).slice(2)).toEqual([['away-3', 'away-4'], { groupID: 'room1', complete: true }, ['live-5']]);
  });

  it('reports the range the server no longer held as expired, before the messages after it', async () => {
    const { server, tim, events } = await joinedAfter(2);
    await reconnect(server, tim, () => {
      for (let seq = 3; seq <= 6; seq++) server.publish('room1', { id: `away-${seq}` });
      server.expire('room1', 4);
    });
    server.publish('room1', { id: 'live-7' });
    await handled(tim);
    expect(timeline(events).slice(2)).toEqual([
      { groupID: 'room1', fromSeq: 3, toSeq: 4, reason: 'expired' },
      ['away-5', 'away-6'],
      { groupID: 'room1', complete: false },
      ['live-7'],
    ]);
  });

  it('after the room was created again (numbering restarted), reports an unknown position and delivers the new room from 1', async () => {
    const { server, tim, events } = await joinedAfter(5);
    let rejoined = false;
    // The new room's first messages go out right behind the join answer, on the same socket.
    server.afterJoin = (_socket, groupID) => {
      if (groupID !== 'room1' || rejoined) return;
      rejoined = true;
      for (let seq = 1; seq <= 5; seq++) server.publish('room1', { id: `new-${seq}` });
    };
    await reconnect(server, tim, () => server.recreate('room1'));
    expect(server.requestsOf('group.join').at(-1)!.body).toEqual({ groupID: 'room1', sinceSeq: 5 });
    expect(timeline(events).slice(5)).toEqual([
      { groupID: 'room1', fromSeq: null, toSeq: null, reason: 'unknown-position' },
      ['new-1'],
      ['new-2'],
      ['new-3'],
      ['new-4'],
      ['new-5'],
      // Told once the frames held during the rejoin (here also the new room's first ones) were delivered.
      { groupID: 'room1', complete: false },
    ]);
    server.publish('room1', { id: 'new-6' });
    await handled(tim);
    expect(delivered(events).slice(5)).toEqual(['new-1', 'new-2', 'new-3', 'new-4', 'new-5', 'new-6']);
  });

  it('after the room was created again with messages already in it, delivers what comes next', async () => {
    const { server, tim, events } = await joinedAfter(5);
    await reconnect(server, tim, () => {
      server.recreate('room1');
      server.publish('room1', { id: 'new-1' });
      server.publish('room1', { id: 'new-2' });
    });
    server.publish('room1', { id: 'new-3' });
    await handled(tim);
    expect(timeline(events).slice(5)).toEqual([{ groupID: 'room1', fromSeq: null, toSeq: null, reason: 'unknown-position' }, { groupID: 'room1', complete: false }, ['new-3']]);
  });

  it.each([
    ['REQUESTS_RATE_LIMITED', 'over the budget (test)'],
    ['SERVICE_UNAVAILABLE', 'the room is moving to another node (test)'],
    ['OVERLOADED', 'the node is busy (test)'],
  ] as const)('retries a rejoin refused with %s (a passing reason) instead of leaving the room', async (reason, message) => {
    const { server, tim, events } = await joinedAfter(2);
    const joinsBefore = server.requestsOf('group.join').length;
    server.failures.set('group.join', { code: new StadiumError(reason).code, name: reason, message });
    const back = reconnect(server, tim, () => server.publish('room1', { id: 'away-3' }));
    await server.until(() => server.requestsOf('group.join').length === joinsBefore + 2);
    server.failures.delete('group.join');
    await back;
    expect(server.requestsOf('group.join')).toHaveLength(joinsBefore + 3);
    server.publish('room1', { id: 'live-4' });
    await handled(tim);
    expect(delivered(events)).toEqual(['old-1', 'old-2', 'away-3', 'live-4']);
  });

  it('a rejoin that gets no answer in time starts over on a new connection instead of going on without the room', async () => {
    const server = await ScriptedServer.start();
    cleanups.push(() => server.close());
    const tim = TIM.createInstance({ SDKAppID: APP, server: server.url, logger: silent, reconnectBaseMs: 5, reconnectMaxMs: 20, requestTimeoutMs: 100 });
    cleanups.push(() => tim.destroy());
    await tim.joinGroup({ groupID: 'room1' });
    const events = record(tim, TIM.EVENT.MESSAGE_RECEIVED, MISSED);
    server.publish('room1', { id: 'old-1' });
    await server.until(() => delivered(events).length === 1);
    const socketsBefore = server.sockets.length;
    // The node is too busy to answer rejoins: the instance must not settle on a socket without its room.
    server.ignore.add('group.join');
    const back = reconnect(server, tim, () => server.publish('room1', { id: 'away-2' }));
    await server.until(() => server.sockets.length >= socketsBefore + 2);
    server.ignore.delete('group.join');
    await back;
    server.publish('room1', { id: 'live-3' });
    await handled(tim);
    expect(delivered(events)).toEqual(['old-1', 'away-2', 'live-3']);
    expect(events.filter((e) => e.name === MISSED)).toEqual([]);
  });
});

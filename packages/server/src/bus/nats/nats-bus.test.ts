import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServer } from '../../../../../test/support/nats.js';
import { startTcpProxy } from '../../../../../test/support/tcp-proxy.js';
import { ManualClock } from '../../clock/manual-clock.js';
import { describeBusContract } from '../bus.contract.js';
import { CONTROL_SUBJECT, type BusMessage, type BusRequest } from '../bus.js';
import type { BatchEntry } from '../../wire/batch-entry.js';
import { NatsBus, natsServers, type NatsBusOptions } from './nats-bus.js';

let nats: NatsServer;
let prefixes = 0;

beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
});

/** `count` buses on the test's nats-server, under a prefix of their own (tests do not see each other). */
async function buses(count: number, options: NatsBusOptions = {}): Promise<NatsBus[]> {
  const subjectPrefix = `t${++prefixes}`;
  const made = await Promise.all(Array.from({ length: count }, (_, i) => NatsBus.connect(nats.url, { node: `n${i}`, subjectPrefix, ...options })));
  await settle(made);
  return made;
}

/** Resolves once what every bus sent has reached NATS and the others (a few round trips). */
async function settle(all: readonly NatsBus[]): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await Promise.all(all.map((bus) => bus.flush().catch(() => undefined)));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeBusContract('NatsBus (three connections to one nats-server)', async (options) => {
  const all = await buses(3, options);
  return {
    buses: all,
    drop: (index) => all[index]!.close(),
    settle: () => settle(all),
    close: async () => {
      for (const bus of all) await bus.close();
    },
  };
});

const info: BusRequest = { cmd: 'info', sdkAppId: 1400000001, groupId: 'r1', body: {} };
const closed: BusMessage = { kind: 'room-closed', sdkAppId: 1, groupId: 'a' };

describe('NatsBus', () => {
  it('knows the live nodes: peers met by hello join the list, a goodbye takes one out, and each change is told once', async () => {
    const [a, b, c] = await buses(3);
    expect(a!.liveNodes().sort()).toEqual(['n0', 'n1', 'n2']);
    expect(a!.connected).toBe(true);
    let changes = 0;
    const stop = a!.onNodesChanged(() => changes++);
    await c!.close();
    await until(() => a!.liveNodes().length === 2, 'n2 to leave');
    expect(a!.liveNodes().sort()).toEqual(['n0', 'n1']);
    expect(changes).toBe(1);
    stop();
    await b!.close();
    await until(() => a!.liveNodes().length === 1, 'n1 to leave');
    expect(changes).toBe(1);
    await a!.close();
    expect(a!.connected).toBe(false);
  });

  it('reads server lists from a URL', () => {
    expect(natsServers('nats://a:4222')).toEqual(['nats://a:4222']);
    expect(natsServers('nats://a:4222,b:4223, nats://c:1')).toEqual(['nats://a:4222', 'nats://b:4223', 'nats://c:1']);
  });

  it('sends a room’s traffic only to nodes subscribed to it, once per publish', async () => {
    const [a, b, c] = await buses(3);
    b!.subscribe('room.x', () => undefined);
    b!.subscribe('room.x', () => undefined);
    await settle([a!, b!, c!]);
    const before = [b!.stats.receivedMessages, c!.stats.receivedMessages];
    for (let i = 0; i < 10; i++) a!.publish('room.x', closed);
    await settle([a!, b!, c!]);
    expect([b!.stats.receivedMessages - before[0]!, c!.stats.receivedMessages - before[1]!]).toEqual([10, 0]);
    for (const bus of [a, b, c]) await bus!.close();
  });

  it('splits a batch bigger than the server’s payload limit into several, in order', async () => {
    await using small = await startNatsServer({ maxPayload: 2048 });
    const [a, b] = await Promise.all([NatsBus.connect(small.url, { node: 'a' }), NatsBus.connect(small.url, { node: 'b' })]);
    const got: BusMessage[] = [];
    b.subscribe('room.x', (m) => got.push(m));
    await settle([a, b]);
    const entries: BatchEntry[] = Array.from({ length: 20 }, (_, i) => ({ seq: i + 1, rank: 1, json: JSON.stringify({ seq: i + 1, text: 'x'.repeat(300) }) }));
    a.publish('room.x', { kind: 'batch', sdkAppId: 1, groupId: 'x', entries });
    await until(() => got.flatMap((m) => (m.kind === 'batch' ? m.entries : [])).length === 20, 'every entry');
    expect(got.length).toBeGreaterThan(1);
    expect(got.flatMap((m) => (m.kind === 'batch' ? m.entries : []))).toEqual(entries);
    expect(a.stats.unsent).toBe(0);
    await a.close();
    await b.close();
  });

  it('finds a peer that died without goodbye by probing: its pending requests fail, its node is reset', async () => {
    const clock = new ManualClock();
    const [a] = await buses(1, { clock, node: 'alive', subjectPrefix: 'probe' });
    const raw = await connect({ servers: nats.url, noEcho: true });
    const dying = new NatsBus(raw, { clock, node: 'dying', subjectPrefix: 'probe' });
    dying.serve('authority.dying', () => new Promise(() => undefined));
    await settle([a!, dying]);
    await until(() => a!.peers.includes(dying.id), 'the peers to meet');
    const resets: BusMessage[] = [];
    a!.subscribe(CONTROL_SUBJECT, (m) => resets.push(m));
    const pending = a!.request('authority.dying', info).catch((error: unknown) => error);
    await settle([a!, dying]);
    await raw.close(); // the process dies: no goodbye
    // nats-server drops the dead connection's interest a moment after the socket closes; until
    // it has, a probe gets no answer at all. Probe again each second of the clock until it shows.
    let settled = false;
    void pending.then(() => (settled = true));
    await until(() => {
      if (!settled) clock.advance(1000);
      return settled;
    }, 'the probe to find the dead peer');
    const error = await pending;
    expect(error).toMatchObject({ reason: 'SERVICE_UNAVAILABLE' });
    expect(resets).toEqual([{ kind: 'node-reset', node: 'dying' }]);
    expect(a!.peers).not.toContain(dying.id);
    await a!.close();
    await dying.close();
  });

  it('carries on after nats-server restarts: resubscribes and reports the gap as node-resets', async () => {
    const all = await buses(2, { subjectPrefix: 'restart' });
    const [a, b] = all as [NatsBus, NatsBus];
    await until(() => a.peers.length === 1 && b.peers.length === 1, 'the peers to meet');
    const got: BusMessage[] = [];
    const resets = [[], []] as BusMessage[][];
    b.subscribe('room.x', (m) => got.push(m));
    a.subscribe(CONTROL_SUBJECT, (m) => resets[0]!.push(m));
    b.subscribe(CONTROL_SUBJECT, (m) => resets[1]!.push(m));
    b.serve('authority.n1', async () => 'served');
    b.serve('authority.held', () => new Promise(() => undefined));
    await settle(all);
    a.publish('room.x', closed);
    await until(() => got.length === 1, 'the first message');
    const cutOff = a.request('authority.held', info).catch((error: unknown) => error);
    await settle(all);

    await nats.restart();
    // The request on its way when the connection dropped is failed, not left to time out.
    expect(await cutOff).toMatchObject({ reason: 'SERVICE_UNAVAILABLE' });
    await until(() => a.stats.reconnects === 1 && b.stats.reconnects === 1, 'both buses to reconnect');
    // Each reports its peer's node as reset (it may have missed its traffic) — once per side at least.
    await until(() => resets[0]!.length >= 1 && resets[1]!.length >= 1, 'the gap to be reported');
    expect(resets[0]!.every((m) => m.kind === 'node-reset' && m.node === 'n1' && m.reconnected === true)).toBe(true);
    expect(resets[1]!.every((m) => m.kind === 'node-reset' && m.node === 'n0' && m.reconnected === true)).toBe(true);

    await settle(all);
    a.publish('room.x', closed);
    await until(() => got.length === 2, 'a message after the restart');
    await expect(a.request('authority.n1', info)).resolves.toBe('served');
    for (const bus of all) await bus.close();
  });

  it('cuts one node off (a partition): the others fail what waits for it and reset it; it comes back and is reset again', async () => {
    const clock = new ManualClock();
    await using proxy = await startTcpProxy(nats.url.replace('nats:', 'http:'));
    const a = await NatsBus.connect(nats.url, { clock, node: 'a', subjectPrefix: 'cut' });
    const b = await NatsBus.connect(proxy.url.replace('http:', 'nats:'), { clock, node: 'b', subjectPrefix: 'cut' });
    await until(() => a.peers.includes(b.id) && b.peers.includes(a.id), 'the peers to meet');
    const resets = { a: [] as BusMessage[], b: [] as BusMessage[] };
    a.subscribe(CONTROL_SUBJECT, (m) => resets.a.push(m));
    b.subscribe(CONTROL_SUBJECT, (m) => resets.b.push(m));
    const got: BusMessage[] = [];
    b.subscribe('room.x', (m) => got.push(m));
    b.serve('authority.b', () => new Promise(() => undefined));
    a.serve('authority.a', async () => 'a');
    await settle([a, b]);
    const waiting = a.request('authority.b', info).catch((error: unknown) => error);
    await settle([a, b]);

    proxy.refuse = true;
    proxy.cut();
    // b cannot reach anyone now, and says so at once (once its client noticed the cut).
    let refused: unknown;
    await until(() => {
      void b.request('authority.a', info).catch((error: unknown) => (refused = error));
      return refused !== undefined;
    }, 'b to refuse while cut off');
    expect(refused).toMatchObject({ reason: 'SERVICE_UNAVAILABLE' });
    // a finds b gone at its next probe.
    await until(() => (clock.advance(1000), resets.a.length > 0), 'a to find b gone');
    expect(await waiting).toMatchObject({ reason: 'SERVICE_UNAVAILABLE' });
    expect(resets.a).toEqual([{ kind: 'node-reset', node: 'b' }]);
    a.publish('room.x', closed); // lost to b: it is cut off

    proxy.refuse = false;
    await until(() => b.stats.reconnects === 1, 'b to reconnect');
    await until(() => resets.a.length === 2 && resets.b.length >= 1, 'the gap to be reported on both sides');
    expect(resets.a[1]).toEqual({ kind: 'node-reset', node: 'b', reconnected: true });
    expect(resets.b.every((m) => m.kind === 'node-reset' && m.node === 'a')).toBe(true);
    await settle([a, b]);
    a.publish('room.x', { kind: 'room-closed', sdkAppId: 1, groupId: 'after' });
    await until(() => got.length === 1, 'a message after the cut');
    expect(got).toEqual([{ kind: 'room-closed', sdkAppId: 1, groupId: 'after' }]);
    await expect(b.request('authority.a', info)).resolves.toBe('a');
    await a.close();
    await b.close();
  });
});

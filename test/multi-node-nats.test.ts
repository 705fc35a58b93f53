/**
 * Three nodes in one process, each with its own connection to a real nats-server (a NatsBus
 * per node), sharing one store: a room whose members sit on two of the nodes is one room. A
 * message sent on either reaches every member on both exactly once, in order; the third node,
 * with no member of the room, receives none of the room's traffic on its NATS connection,
 * while it does receive the traffic of a room it has a member of.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireMessage } from '@stadium/protocol';
import { roomSubject } from '../packages/server/src/bus/bus.js';
import { NatsBus } from '../packages/server/src/bus/nats/nats-bus.js';
import { natsSubject } from '../packages/server/src/bus/nats/nats-wire.js';
import { systemClock } from '../packages/server/src/clock/clock.js';
import { rendezvousOwner } from '../packages/server/src/groups/rendezvous.js';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { startNatsServer, type NatsServer } from './support/nats.js';
import { startNodes } from './support/nodes.js';
import { RawClient } from './support/raw-client.js';

const NODES = ['n0', 'n1', 'n2'];
const PREFIX = 'multi';

/** The index of a room's authority among NODES (the rule of RoomRouter). */
function authorityIndex(sdkAppId: number, groupId: string): number {
  return NODES.indexOf(rendezvousOwner(sdkAppId, groupId, NODES));
}

let nats: NatsServer;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
});

describe('three nodes over NATS', () => {
  it('deliver every message to members on every node exactly once, in order; a node without members gets none of the room', async () => {
    const clock = new ManualClock(Date.now());
    const received = new Map<string, string[]>(NODES.map((n) => [n, []]));
    await using nodes = await startNodes(NODES, clock, {}, (node) =>
      NatsBus.connect(nats.url, { clock, node, subjectPrefix: PREFIX, observe: (direction, subject) => direction === 'in' && received.get(node)!.push(subject) }),
    );
    const { app, sig, servers } = nodes;
    const clients: RawClient[] = [];
    const connect = async (node: number): Promise<RawClient> => {
      const client = await RawClient.connect(servers[node]!.url, `sdkappid=${app.sdkAppId}&v=1`);
      clients.push(client);
      return client;
    };
    const login = async (client: RawClient, userID: string): Promise<void> => {
      expect((await client.request('login', { userID, userSig: sig(userID) })).code).toBe(0);
    };
    const create = async (client: RawClient): Promise<string> => {
      const created = (await client.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as { data: { group: { groupID: string } } };
      return created.data.group.groupID;
    };

    const owner = await connect(0);
    await login(owner, 'owner');
    const groupID = await create(owner);
    const authority = authorityIndex(app.sdkAppId, groupID);
    // The quiet node is neither the room's authority nor the node it was created on.
    const quiet = [1, 2].find((n) => n !== authority)!;
    const busy = [0, 1, 2].filter((n) => n !== quiet);

    const members = [owner];
    const senders = [owner];
    for (const node of busy) {
      if (node !== 0) {
        const sender = await connect(node);
        await login(sender, `u${node}`);
        senders.push(sender);
        members.push(sender);
      }
      members.push(await connect(node));
    }
    for (const c of members) expect((await c.request('group.join', { groupID })).code).toBe(0);
    await expect.poll(async () => ((await members[0]!.request('group.online', { groupID })) as { data: { memberCount: number } }).data.memberCount).toBe(members.length);

    // A member of another room on the quiet node: it gets that room's traffic over NATS, so it is listening.
    const other = await connect(quiet);
    await login(other, 'other');
    // Its authority elsewhere, so that its traffic crosses NATS to the quiet node.
    let otherRoom = await create(other);
    while (authorityIndex(app.sdkAppId, otherRoom) === quiet) otherRoom = await create(other);
    expect((await other.request('group.join', { groupID: otherRoom })).code).toBe(0);

    const results = [];
    for (let i = 0; i < 10; i++) {
      const sender = senders[i % senders.length]!;
      results.push(await sender.request('msg.send', { groupID, message: { id: `m${i}`, type: 'TIMTextElem', payload: { text: `t${i}` }, random: i } }));
    }
    expect(results.map((r) => r.code)).toEqual(Array.from({ length: 10 }, () => 0));
    const seqs = results.map((r) => (r as { data: { seq: number } }).data.seq);
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => seqs[0]! + i));
    const last = seqs[seqs.length - 1]!;
    await Promise.all(members.map((c) => c.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === last))));
    expect((await other.request('msg.send', { groupID: otherRoom, message: { id: 'o', type: 'TIMTextElem', payload: { text: 'o' }, random: 1 } })).code).toBe(0);
    await other.next((f) => f.t === 'msgs');
    for (const c of members) {
      const got: WireMessage[] = c.frames.flatMap((f) => (f.t === 'msgs' ? f.m : []));
      expect(got.map((m) => m.seq)).toEqual(seqs);
    }

    const room = natsSubject(PREFIX, roomSubject(app.sdkAppId, groupID));
    const quietNode = NODES[quiet]!;
    expect(received.get(quietNode)!.filter((s) => s === room)).toEqual([]);
    expect(received.get(quietNode)!.filter((s) => s === natsSubject(PREFIX, roomSubject(app.sdkAppId, otherRoom))).length).toBeGreaterThan(0);
    // The member node that is not the authority gets each of the ten batches once.
    const follower = NODES[busy.find((n) => n !== authority)!]!;
    expect(received.get(follower)!.filter((s) => s === room).length).toBeGreaterThanOrEqual(10);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('carry on after nats-server restarts: members on both nodes get what is sent after it, and the room’s count comes back', async () => {
    const buses: NatsBus[] = [];
    await using nodes = await startNodes(['r0', 'r1'], systemClock, {}, async (node) => {
      const bus = await NatsBus.connect(nats.url, { node, subjectPrefix: 'restart' });
      buses.push(bus);
      return bus;
    });
    const { app, sig, servers } = nodes;
    const clients = await Promise.all([0, 0, 1, 1].map((n) => RawClient.connect(servers[n]!.url, `sdkappid=${app.sdkAppId}&v=1`)));
    expect((await clients[0]!.request('login', { userID: 'owner', userSig: sig('owner') })).code).toBe(0);
    expect((await clients[2]!.request('login', { userID: 'other', userSig: sig('other') })).code).toBe(0);
    const created = (await clients[0]!.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    for (const c of clients) expect((await c.request('group.join', { groupID })).code).toBe(0);
    const online = async (c: RawClient): Promise<number> => ((await c.request('group.online', { groupID })) as { data: { memberCount: number } }).data.memberCount;
    await expect.poll(() => online(clients[0]!)).toBe(4);

    await nats.restart();
    await expect.poll(() => buses.every((b) => b.stats.reconnects === 1), { timeout: 10_000 }).toBe(true);
    // The gap reset the counts between the nodes; they are reported again.
    await expect.poll(() => online(clients[0]!), { timeout: 10_000 }).toBe(4);
    await expect.poll(() => online(clients[2]!), { timeout: 10_000 }).toBe(4);

    for (const [i, sender] of [clients[0]!, clients[2]!].entries()) {
      const sent = (await sender.request('msg.send', { groupID, message: { id: `after${i}`, type: 'TIMTextElem', payload: { text: 'after' }, random: i } })) as {
        code: number;
        data: { seq: number };
      };
      expect(sent.code).toBe(0);
      await Promise.all(clients.map((c) => c.next((f) => f.t === 'msgs' && f.m.some((m) => m.seq === sent.data.seq))));
    }
    await Promise.all(clients.map((c) => c.close()));
  });
});

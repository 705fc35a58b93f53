/**
 * Which nodes make up the deployment now. A fixed list (one process, or the workers of one
 * `--workers N` node over its primary) never changes; over NATS the list is the bus's live
 * peers (bus/nats/nats-bus.ts: hellos, goodbyes and probes), so it grows and shrinks as
 * processes come and go. Room authorities are placed on it by rendezvous hashing
 * (room-router.ts).
 */
import type { Unsubscribe } from '../bus/bus.js';

/** The live nodes of the deployment. */
export interface NodeMembership {
  /** Every live node, this one included, sorted; never empty. */
  nodes(): readonly string[];
  /** Whether this node is in touch with the others (it may hold room leases only then). */
  connected(): boolean;
  /** Called after the list changed. */
  onChange(listener: () => void): Unsubscribe;
}

/** A membership that never changes. */
export function staticMembership(nodes: readonly string[]): NodeMembership {
  if (nodes.length === 0) throw new TypeError('a deployment needs at least one node');
  const sorted = Object.freeze([...new Set(nodes)].sort());
  return { nodes: () => sorted, connected: () => true, onChange: () => () => undefined };
}

/** What a bus that follows its peers offers (NatsBus). */
export interface PeerTracking {
  /** The nodes of the peers known now, this bus's own included. */
  liveNodes(): string[];
  /** Whether the bus is connected now. */
  readonly connected: boolean;
  /** Called after a peer node came or went. */
  onNodesChanged(listener: () => void): Unsubscribe;
}

/** Whether a bus follows its peers. */
export function tracksPeers(bus: object): bus is PeerTracking {
  return typeof (bus as Partial<PeerTracking>).liveNodes === 'function' && typeof (bus as Partial<PeerTracking>).onNodesChanged === 'function';
}

/** The membership a peer-tracking bus sees; `self` is always a member. */
export function peerMembership(bus: PeerTracking, self: string): NodeMembership {
  let cached: readonly string[] | null = null;
  const compute = (): readonly string[] => Object.freeze([...new Set([self, ...bus.liveNodes()])].sort());
  bus.onNodesChanged(() => {
    cached = null;
  });
  return {
    nodes: () => (cached ??= compute()),
    connected: () => bus.connected,
    onChange: (listener) =>
      bus.onNodesChanged(() => {
        cached = null;
        listener();
      }),
  };
}

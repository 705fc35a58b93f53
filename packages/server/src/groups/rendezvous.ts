/**
 * Rendezvous (highest random weight) hashing: a room goes to the node with the highest
 * weight hash(room, node). Every node computes the same answer from the same list, and when a
 * node joins or leaves only the rooms it wins or held move (about 1/N of them), unlike
 * `hash % N`, which moves almost all.
 */

/** FNV-1a, 32 bits, over the UTF-16 code units of `text`. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The MurmurHash3 finaliser: spreads every input bit over the output. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The weight of `node` for a room key hash. */
function weight(roomHash: number, node: string): number {
  return mix(roomHash ^ mix(fnv1a(node)));
}

/** The node that wins the room; ties (practically never) go to the smaller node ID. */
export function rendezvousOwner(sdkAppId: number, groupId: string, nodes: readonly string[]): string {
  if (nodes.length === 0) throw new TypeError('a deployment needs at least one node');
  if (nodes.length === 1) return nodes[0]!;
  const roomHash = mix(fnv1a(`${sdkAppId}\u0000${groupId}`));
  let best = nodes[0]!;
  let bestWeight = weight(roomHash, best);
  for (let i = 1; i < nodes.length; i++) {
    const node = nodes[i]!;
    const w = weight(roomHash, node);
    if (w > bestWeight || (w === bestWeight && node < best)) {
      best = node;
      bestWeight = w;
    }
  }
  return best;
}

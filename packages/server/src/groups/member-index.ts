/**
 * The logged-in members of one room on this node, in join order, for the online member list.
 * Each member has one entry (a user with several connections here is listed once, at the
 * first join still online) keyed by its join ordinal: a number the room's authority hands out
 * in increasing order for the whole room, so entries of every node merge into one order and
 * the ordinal of the last member listed is the offset of the next page.
 *
 * Entries are kept sorted in chunks of at most {@link CHUNK_SIZE}: an insert or a removal
 * costs O(log n + CHUNK_SIZE), a page of `count` costs O(log n + count). Joins arrive in
 * ordinal order almost always (replies can overtake each other), so inserts land at the end.
 */

/** Most entries in one chunk of the index before it splits. */
export const CHUNK_SIZE = 256;

/** Where a member's nick and avatar are read when listed (the connection: current after a profile change). */
export interface MemberProfile {
  readonly nick: string;
  readonly avatar: string;
}

/** A member as it joins. */
export interface IndexedMember {
  userId: string;
  /** Room-wide join order (see the authority's `members` command); larger is newer. */
  ordinal: number;
  /** UNIX seconds. */
  joinTime: number;
}

/** A member as the list shows it. */
export interface ListedMember {
  userId: string;
  ordinal: number;
  joinTime: number;
  nick: string;
  avatar: string;
}

interface Slot extends IndexedMember {
  /** Connections of this user joined here (the first one gives nick and avatar). */
  readonly connections: Set<MemberProfile>;
}

/** Index of the first element of `list` whose ordinal is ≥ `ordinal`. */
function lowerBound(list: readonly Slot[], ordinal: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.ordinal < ordinal) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One room's listed members on this node. */
export class MemberIndex {
  readonly #byUser = new Map<string, Slot>();
  /** Sorted by ordinal, each non-empty. */
  readonly #chunks: Slot[][] = [];

  /** Members listed (users, not connections). */
  get size(): number {
    return this.#byUser.size;
  }

  /** Note `connection` of `member.userId` joined; returns false if the user was listed already. */
  add(member: IndexedMember, connection: MemberProfile): boolean {
    const existing = this.#byUser.get(member.userId);
    if (existing) {
      existing.connections.add(connection);
      return false;
    }
    const slot: Slot = { userId: member.userId, ordinal: member.ordinal, joinTime: member.joinTime, connections: new Set([connection]) };
    this.#byUser.set(member.userId, slot);
    const ci = this.#chunkFor(slot.ordinal);
    const chunk = this.#chunks[ci];
    if (chunk === undefined) {
      this.#chunks.push([slot]);
      return true;
    }
    chunk.splice(lowerBound(chunk, slot.ordinal), 0, slot);
    if (chunk.length > CHUNK_SIZE) this.#chunks.splice(ci + 1, 0, chunk.splice(chunk.length >>> 1));
    return true;
  }

  /**
   * Note `connection` of `userId` left (nothing if it was not listed under that user); returns
   * true when the user is no longer listed.
   */
  remove(userId: string, connection: MemberProfile): boolean {
    const slot = this.#byUser.get(userId);
    if (!slot || !slot.connections.delete(connection)) return false;
    if (slot.connections.size > 0) return false;
    this.#byUser.delete(userId);
    const ci = this.#chunkFor(slot.ordinal);
    const chunk = this.#chunks[ci]!;
    const at = lowerBound(chunk, slot.ordinal);
    if (chunk[at] === slot) chunk.splice(at, 1);
    if (chunk.length === 0) this.#chunks.splice(ci, 1);
    return true;
  }

  /** The ordinal `userId` is listed at, if listed. */
  ordinalOf(userId: string): number | undefined {
    return this.#byUser.get(userId)?.ordinal;
  }

  /** Up to `count` members with an ordinal below `before`, newest first. */
  page(before: number, count: number): ListedMember[] {
    const out: ListedMember[] = [];
    if (count <= 0 || this.#chunks.length === 0) return out;
    let ci = Math.min(this.#chunkFor(before), this.#chunks.length - 1);
    let i = lowerBound(this.#chunks[ci]!, before) - 1;
    while (ci >= 0 && out.length < count) {
      const chunk = this.#chunks[ci]!;
      for (; i >= 0 && out.length < count; i--) {
        const { userId, ordinal, joinTime, connections } = chunk[i]!;
        const profile = connections.values().next().value!;
        out.push({ userId, ordinal, joinTime, nick: profile.nick, avatar: profile.avatar });
      }
      ci--;
      if (ci >= 0) i = this.#chunks[ci]!.length - 1;
    }
    return out;
  }

  /** Forget everyone. */
  clear(): void {
    this.#byUser.clear();
    this.#chunks.length = 0;
  }

  /** The chunk an entry with `ordinal` belongs in: the last one whose first ordinal is ≤ it (0 if none). */
  #chunkFor(ordinal: number): number {
    let lo = 0;
    let hi = this.#chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#chunks[mid]![0]!.ordinal <= ordinal) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }
}

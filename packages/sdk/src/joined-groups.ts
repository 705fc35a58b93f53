/**
 * The rooms this client is in and the newest sequence number it has delivered in each, used
 * to drop duplicates and to resume (`group.join` with `sinceSeq`) after a reconnect.
 */

interface Entry {
  lastSeq: number;
  /** The server confirmed the join (only confirmed rooms are rejoined after a reconnect). */
  confirmed: boolean;
  /** The room's newest sequence number when it was first joined: history ends there, live messages start after it. */
  historyEnd?: number;
}

/** Joined rooms and their last delivered sequence numbers. */
export class JoinedGroups {
  private readonly groups = new Map<string, Entry>();

  /** Start tracking a room whose join is in flight; false if it was already tracked. */
  begin(groupID: string): boolean {
    if (this.groups.has(groupID)) return false;
    this.groups.set(groupID, { lastSeq: 0, confirmed: false });
    return true;
  }

  /** The server confirmed the join; `lastSeq` is the room's newest sequence at join time. */
  confirm(groupID: string, lastSeq: number): void {
    const entry = this.groups.get(groupID) ?? { lastSeq: 0, confirmed: false };
    entry.confirmed = true;
    entry.lastSeq = Math.max(entry.lastSeq, lastSeq);
    this.groups.set(groupID, entry);
  }

  /** Remember where the room's history ends (the first join's `lastSeq`); later joins keep it. */
  markHistoryEnd(groupID: string, lastSeq: number): void {
    const entry = this.groups.get(groupID);
    if (entry && entry.historyEnd === undefined) entry.historyEnd = lastSeq;
  }

  /** Where the room's history ends for this client (undefined when not joined). */
  historyEnd(groupID: string): number | undefined {
    return this.groups.get(groupID)?.historyEnd;
  }

  /** Whether the room is joined (or being joined). */
  has(groupID: string): boolean {
    return this.groups.has(groupID);
  }

  /** Whether the room's join was confirmed. */
  isConfirmed(groupID: string): boolean {
    return this.groups.get(groupID)?.confirmed === true;
  }

  /**
   * Record message `seq` of the room; false when it is not newer than what was delivered (a
   * duplicate). Seq 0 is outside the room's numbering (a notice for some members only, such as
   * a ban notice): accepted whenever the room is joined, and the position does not move.
   */
  accept(groupID: string, seq: number): boolean {
    const entry = this.groups.get(groupID);
    if (!entry) return false;
    // seq 0: outside the room's numbering (a notice for some members, a ban notice): never a duplicate.
    if (seq === 0) return true;
    if (seq <= entry.lastSeq) return false;
    entry.lastSeq = seq;
    return true;
  }

  /**
   * Move the room's last delivered sequence number back to `seq` when it is higher, so that
   * newer messages of a room whose numbering restarted are not taken for duplicates.
   */
  rewind(groupID: string, seq: number): void {
    const entry = this.groups.get(groupID);
    if (entry && seq < entry.lastSeq) entry.lastSeq = Math.max(0, seq);
  }

  /** Newest delivered sequence number of the room (0 when none or not joined). */
  lastSeq(groupID: string): number {
    return this.groups.get(groupID)?.lastSeq ?? 0;
  }

  /** Stop tracking the room. */
  remove(groupID: string): void {
    this.groups.delete(groupID);
  }

  /** Forget every room. */
  clear(): void {
    this.groups.clear();
  }

  /** Confirmed rooms with their last sequence numbers, for rejoining. */
  confirmedEntries(): Array<{ groupID: string; lastSeq: number }> {
    const out: Array<{ groupID: string; lastSeq: number }> = [];
    for (const [groupID, entry] of this.groups) if (entry.confirmed) out.push({ groupID, lastSeq: entry.lastSeq });
    return out;
  }
}

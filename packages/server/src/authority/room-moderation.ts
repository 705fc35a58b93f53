/**
 * A room's moderation state at its authority: its admins, timed mutes and bans, one
 * {@link MemberState} per member that has any. Loaded from the store with the room and written
 * back by the handler that changes it, so it survives restarts and a change of authority.
 * Mutes and bans end by themselves: an entry past its time counts as absent (time from the
 * injected clock) and is dropped at the next change.
 *
 * Bounds: admins by `maxAdminsPerRoom` (checked by the handler); members muted or banned at
 * once by {@link MAX_MODERATED_MEMBERS}.
 */
import type { MemberState } from '../core/records.js';

/** Most members a room holds muted or banned at once. */
export const MAX_MODERATED_MEMBERS = 10_000;
/** The compatible "for ever": 4294967295 seconds (0xFFFFFFFF) after the epoch. */
export const FOREVER_SEC = 0xffffffff;
const FOREVER_MS = FOREVER_SEC * 1000;

/** When a mute or ban of `seconds` made at `now` ends (ms); 0xFFFFFFFF is for ever. */
export function untilOf(now: number, seconds: number): number {
  if (seconds >= FOREVER_SEC) return FOREVER_MS;
  return Math.min(now + seconds * 1000, FOREVER_MS);
}

/** An end time in the compatible UNIX seconds (4294967295 for ever, 0 for none). */
export function untilSec(untilMs: number): number {
  return untilMs === 0 ? 0 : Math.ceil(untilMs / 1000);
}

/** One room's admins, mutes and bans. */
export class RoomModeration {
  readonly #states = new Map<string, MemberState>();

  constructor(states: readonly MemberState[] = []) {
    for (const state of states) this.#states.set(state.userId, { ...state });
  }

  /** The stored state of `userId`, if any (a copy). */
  get(userId: string): MemberState | undefined {
    const state = this.#states.get(userId);
    return state && { ...state };
  }

  /** Put back a state as it was (undo a change the store refused). */
  restore(userId: string, state: MemberState | undefined): void {
    if (state) this.#states.set(userId, { ...state });
    else this.#states.delete(userId);
  }

  isAdmin(userId: string): boolean {
    return this.#states.get(userId)?.admin === true;
  }

  /** The admins' user IDs. */
  admins(): string[] {
    const out: string[] = [];
    for (const state of this.#states.values()) if (state.admin) out.push(state.userId);
    return out;
  }

  /** Admins now. */
  get adminCount(): number {
    let n = 0;
    for (const state of this.#states.values()) if (state.admin) n++;
    return n;
  }

  /** When `userId`'s mute ends (ms), 0 if not muted at `now`. */
  mutedUntil(userId: string, now: number): number {
    const until = this.#states.get(userId)?.mutedUntil ?? 0;
    return until > now ? until : 0;
  }

  /** When `userId`'s ban ends (ms), 0 if not banned at `now`. */
  bannedUntil(userId: string, now: number): number {
    const until = this.#states.get(userId)?.bannedUntil ?? 0;
    return until > now ? until : 0;
  }

  /** Members muted or banned at `now`. */
  moderatedCount(now: number): number {
    let n = 0;
    for (const s of this.#states.values()) if (s.mutedUntil > now || s.bannedUntil > now) n++;
    return n;
  }

  /** Members muted at `now`, with their end time (ms), in user ID order. */
  muted(now: number): Array<{ userId: string; until: number }> {
    return this.#list(now, 'mutedUntil');
  }

  /** Members banned at `now`, with their end time (ms), in user ID order. */
  banned(now: number): Array<{ userId: string; until: number }> {
    return this.#list(now, 'bannedUntil');
  }

  /** Change one member's state; returns what to store (a row with nothing left is deleted by the store). */
  set(userId: string, change: Partial<Omit<MemberState, 'userId'>>, now: number): MemberState {
    const before = this.#states.get(userId);
    const state: MemberState = {
      userId,
      admin: before?.admin ?? false,
      mutedUntil: before && before.mutedUntil > now ? before.mutedUntil : 0,
      bannedUntil: before && before.bannedUntil > now ? before.bannedUntil : 0,
      ...change,
    };
    if (!state.admin && state.mutedUntil <= now && state.bannedUntil <= now) this.#states.delete(userId);
    else this.#states.set(userId, state);
    return { ...state };
  }

  /** Forget mutes and bans that ended before `now`; returns the changed states, to store. */
  prune(now: number): MemberState[] {
    const changed: MemberState[] = [];
    for (const s of [...this.#states.values()]) {
      if ((s.mutedUntil !== 0 && s.mutedUntil <= now) || (s.bannedUntil !== 0 && s.bannedUntil <= now)) changed.push(this.set(s.userId, {}, now));
    }
    return changed;
  }

  #list(now: number, field: 'mutedUntil' | 'bannedUntil'): Array<{ userId: string; until: number }> {
    const out: Array<{ userId: string; until: number }> = [];
    for (const s of this.#states.values()) if (s[field] > now) out.push({ userId: s.userId, until: s[field] });
    return out.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  }
}

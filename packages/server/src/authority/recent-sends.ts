/**
 * Idempotent sends: a room's recent sends by key (sender + client message ID, or sender + REST
 * `Random`), so that a resend after a lost acknowledgement — on the same or another
 * connection or node, since every send of a room reaches its one authority — gets the first
 * send's answer (same ID, seq and time) and publishes nothing. A resend that arrives while the
 * first is still in admission (e.g. waiting on the before-send callback) waits for the first's
 * outcome. A refused send is forgotten, so it may be retried (one held for review is not: a
 * resend gets the same MESSAGE_HELD).
 *
 * Bounded by count (`dedupeMaxKeys` per room, oldest forgotten first) and time
 * (`dedupeWindowMs`). Each entry holds its key (a user ID of at most 32 bytes and a message ID
 * of at most 128) and a settled answer: about 400 bytes, so at most about 4 MB per room at the
 * default 10,000 keys.
 *
 * After a change of authority (crash, restart, unload) the map is rebuilt from the room's kept
 * history ({@link RecentSends.rebuild}); a room that keeps no history starts empty, and a resend
 * across such a change is a new message.
 */
import { StadiumError } from '@stadium/protocol';
import type { Admitted } from '../wire/authority-commands.js';
import type { HistoryEntry } from '../core/records.js';

/** The REST `Random` rule's window, and the default for client message IDs. */
export const DEFAULT_DEDUPE_WINDOW_MS = 5 * 60_000;
/** Default number of keys a room remembers. */
export const DEFAULT_DEDUPE_MAX_KEYS = 10_000;

/** Prefix of the IDs the REST front door makes for its messages (their key is the sender's `Random`). */
export const REST_MESSAGE_ID_PREFIX = 'rest-';

/** The key of a send with client message ID `id` from `from`. */
export function messageIdKey(from: string, id: string): string {
  return `${from}\u0000i\u0000${id}`;
}

/** The key of a REST send with `Random` from `from` (the compatible REST de-duplication). */
export function randomKey(from: string, random: number): string {
  return `${from}\u0000r\u0000${random}`;
}

/** Bounds of a {@link RecentSends}. */
export interface RecentSendsOptions {
  /** Sends with the same key within this long are one message (ms). */
  windowMs: number;
  /** Most keys remembered; past it the oldest are forgotten. */
  maxKeys: number;
}

/** One room's recent sends, oldest first. */
export class RecentSends {
  readonly #o: RecentSendsOptions;
  readonly #recent = new Map<string, { at: number; result: Promise<Admitted> }>();

  constructor(options: RecentSendsOptions) {
    this.#o = options;
  }

  /** Keys held now. */
  get size(): number {
    return this.#recent.size;
  }

  /** The answer (maybe still pending) of a send with one of `keys` made within the window, if any. */
  find(keys: readonly string[], now: number): Promise<Admitted> | undefined {
    this.#prune(now);
    for (const key of keys) {
      const sent = this.#recent.get(key);
      if (sent) return sent.result;
    }
    return undefined;
  }

  /**
   * Remember a send's answer under `keys`. A refused send is forgotten so it may be retried,
   * except one held for review: a resend gets the same MESSAGE_HELD (same hold ID), not a second hold.
   */
  remember(keys: readonly string[], result: Promise<Admitted>, now: number): void {
    this.#prune(now);
    for (const key of keys) this.#set(key, now, result);
    result.catch((error: unknown) => {
      if (error instanceof StadiumError && error.reason === 'MESSAGE_HELD') return;
      for (const key of keys) if (this.#recent.get(key)?.result === result) this.#recent.delete(key);
    });
  }

  /**
   * Rebuild from a room's kept history (oldest first) at `now`: every user message of the
   * window is remembered with its answer, under its message-ID key (and, for a REST message,
   * its `Random` key).
   */
  rebuild(entries: readonly HistoryEntry[], now: number): void {
    for (const entry of entries) {
      let message: { id?: unknown; from?: unknown; time?: unknown; random?: unknown; type?: unknown };
      try {
        message = JSON.parse(entry.json) as typeof message;
      } catch {
        continue;
      }
      const { id, from, time, random, type } = message;
      if (typeof id !== 'string' || typeof from !== 'string' || from === '' || typeof time !== 'number') continue;
      if (type === 'TIMGroupTipElem' || type === 'TIMGroupSystemNoticeElem') continue;
      const at = time * 1000;
      if (now - at >= this.#o.windowMs) continue;
      const result = Promise.resolve<Admitted>({ seq: entry.seq, time, id });
      this.#set(messageIdKey(from, id), at, result);
      if (id.startsWith(REST_MESSAGE_ID_PREFIX) && typeof random === 'number') this.#set(randomKey(from, random), at, result);
    }
  }

  #set(key: string, at: number, result: Promise<Admitted>): void {
    this.#recent.delete(key);
    if (this.#recent.size >= this.#o.maxKeys) this.#recent.delete(this.#recent.keys().next().value!);
    this.#recent.set(key, { at, result });
  }

  #prune(now: number): void {
    for (const [key, sent] of this.#recent) {
      if (now - sent.at < this.#o.windowMs) break;
      this.#recent.delete(key);
    }
  }
}

/**
 * The word filter as an admission step at the room's authority, right before the before-send
 * callback: a text message's `text` and a custom message's `description` are scanned against
 * the app's word lists. A `reject` word refuses the message with SENSITIVE_WORD (80001, the
 * compatible code); `mask` words are replaced by `***` in what is published (and in what the
 * before-send callback sees); a `review` word holds the message for review (ctx.hold; see
 * authority/review-handlers.ts), with any masks already applied.
 *
 * The automaton is built once per app and list change and kept in {@link WordFilterCache}: the
 * message path never touches the store while the cached automaton is fresh.
 */
import { StadiumError } from '@stadium/protocol';
import type { AdmissionStep } from '../authority/admission.js';
import type { Clock } from '../clock/clock.js';
import type { Store } from '../storage/store.js';
import type { UnsequencedMessage } from '../wire/authority-commands.js';
import { applyMask, WordMatcher } from './word-matcher.js';

interface Entry {
  /** null: the app has no words. */
  matcher: WordMatcher | null;
  at: number;
  /** A reload under way (the stale matcher serves meanwhile). */
  loading?: Promise<WordMatcher | null>;
}

/**
 * Each app's matcher, built from the store. A matcher older than `refreshMs` is reloaded in
 * the background while the old one keeps serving, so changes made on another node or worker
 * apply within `refreshMs`; {@link invalidate} applies a change made here at once. At most one
 * entry per app (the store holds at most 300 apps).
 */
export class WordFilterCache {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #refreshMs: number;
  readonly #entries = new Map<number, Entry>();
  /** Bumped by every invalidate, so a read begun before it is not cached. */
  #generation = 0;

  constructor(store: Store, clock: Clock, refreshMs: number) {
    this.#store = store;
    this.#clock = clock;
    this.#refreshMs = refreshMs;
  }

  /** The app's matcher: at once when cached, else a promise. */
  get(sdkAppId: number): WordMatcher | null | Promise<WordMatcher | null> {
    const entry = this.#entries.get(sdkAppId);
    if (!entry) return this.#load(sdkAppId);
    if (this.#clock.now() - entry.at >= this.#refreshMs && !entry.loading) void this.#load(sdkAppId).catch(() => undefined);
    return entry.matcher;
  }

  /** Forget the app's matcher: the next message loads the lists again (a read under way is not kept). */
  invalidate(sdkAppId: number): void {
    this.#entries.delete(sdkAppId);
    this.#generation++;
  }

  #load(sdkAppId: number): Promise<WordMatcher | null> {
    const existing = this.#entries.get(sdkAppId);
    const generation = this.#generation;
    const loading = (async () => {
      const lists = await this.#store.listWordLists(sdkAppId);
      const words = lists.flatMap((l) => l.words.map((word) => ({ word, action: l.action })));
      return words.length === 0 ? null : new WordMatcher(words);
    })();
    if (existing) existing.loading = loading;
    return loading.then(
      (matcher) => {
        // Keep it unless a change here (invalidate) came after this read began.
        if (generation === this.#generation) this.#entries.set(sdkAppId, { matcher, at: this.#clock.now() });
        return matcher;
      },
      (error: unknown) => {
        if (existing) delete existing.loading;
        throw error;
      },
    );
  }
}

/** The word filter's step name (an approved held message continues after it). */
export const WORD_FILTER_STEP = 'word-filter';

/** What the filter makes of a message. */
export interface Filtered {
  message: UnsequencedMessage;
  /** A review word occurs: hold the message for review. */
  review: boolean;
}

/** The message after the filter: unchanged, masked (and maybe to review), or a SENSITIVE_WORD refusal. */
export function filterMessage(matcher: WordMatcher, message: UnsequencedMessage): UnsequencedMessage {
  return scanMessage(matcher, message).message;
}

/** {@link filterMessage}, telling also whether a review word occurs. */
export function scanMessage(matcher: WordMatcher, message: UnsequencedMessage): Filtered {
  const payload = message.payload as unknown as Record<string, unknown>;
  const field = message.type === 'TIMTextElem' ? 'text' : message.type === 'TIMCustomElem' ? 'description' : undefined;
  if (field === undefined) return { message, review: false };
  const text = payload[field];
  if (typeof text !== 'string' || text === '') return { message, review: false };
  const result = matcher.scan(text);
  if (result.reject) throw new StadiumError('SENSITIVE_WORD');
  if (result.maskSpans.length === 0) return { message, review: result.review };
  return {
    message: { ...message, payload: { ...payload, [field]: applyMask(text, result.maskSpans) } as unknown as UnsequencedMessage['payload'] },
    review: result.review,
  };
}

/** The word-filter step. */
export function createWordFilterStep(cache: WordFilterCache): AdmissionStep {
  return {
    name: WORD_FILTER_STEP,
    run(ctx) {
      const apply = (matcher: WordMatcher): void => {
        const filtered = scanMessage(matcher, ctx.message);
        ctx.message = filtered.message;
        if (filtered.review) ctx.hold = true;
      };
      const got = cache.get(ctx.room.app.sdkAppId);
      if (got === null) return;
      if (got instanceof WordMatcher) {
        apply(got);
        return;
      }
      return got.then((matcher) => {
        if (matcher) apply(matcher);
      });
    },
  };
}

/**
 * Per-app word lists: what they are, their bounds and how input is checked. Stored by the
 * Store (`word_lists`, migration 0007), managed with REST `stadium_admin/*_word_list*` and
 * `stadium words`, applied by the word-filter admission step.
 */
import { StadiumError } from '@stadium/protocol';
import type { Store } from '../storage/store.js';
import type { WordAction, WordList } from '../core/word-list.js';
import { normaliseWord } from './word-matcher.js';

export type { WordAction, WordList } from '../core/word-list.js';

/** The actions a list may have. */
export const WORD_ACTIONS: readonly WordAction[] = ['reject', 'mask', 'review'];

/** Bounds (docs/security.md#word-filter). */
export const WORD_LIMITS = Object.freeze({
  /** Lists per app. */
  maxListsPerApp: 16,
  /** Words per list. */
  maxWordsPerList: 10_000,
  /** Words in all lists of an app. */
  maxWordsPerApp: 50_000,
  /** Code points per word, as given. */
  maxWordLength: 64,
});

const NAME = /^[A-Za-z0-9_-]{1,32}$/;

/** Throws INVALID_PARAMETER unless `name` is a valid list name. */
export function assertListName(name: string): void {
  if (!NAME.test(name)) throw new StadiumError('INVALID_PARAMETER', `word list name must be 1–32 letters, digits, "_" or "-", got ${JSON.stringify(name.slice(0, 40))}`);
}

/** The words trimmed, blank ones dropped and each once; throws INVALID_PARAMETER or WORD_LIST_LIMIT on bad input. */
export function cleanWords(words: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of words) {
    const word = raw.trim();
    if (word === '') continue;
    if ([...word].length > WORD_LIMITS.maxWordLength)
      throw new StadiumError('INVALID_PARAMETER', `a word is longer than ${WORD_LIMITS.maxWordLength} characters: ${JSON.stringify(word.slice(0, 20))}…`);
    if (normaliseWord(word) === '')
      throw new StadiumError('INVALID_PARAMETER', `a word has nothing left to match after normalisation (only zero-width characters): ${JSON.stringify(word)}`);
    if (seen.has(word)) continue;
    seen.add(word);
    out.push(word);
  }
  if (out.length === 0) throw new StadiumError('INVALID_PARAMETER', 'a word list needs at least one non-blank word; delete the list instead');
  if (out.length > WORD_LIMITS.maxWordsPerList) throw new StadiumError('WORD_LIST_LIMIT', `${out.length} words in one list; at most ${WORD_LIMITS.maxWordsPerList}`);
  return out;
}

/** Throws WORD_LIST_LIMIT when replacing or adding `next` among `current` exceeds the per-app bounds. */
export function assertAppBounds(current: readonly WordList[], next: Pick<WordList, 'name' | 'words'>): void {
  const others = current.filter((l) => l.name !== next.name);
  if (others.length + 1 > WORD_LIMITS.maxListsPerApp)
    throw new StadiumError('WORD_LIST_LIMIT', `the app already has ${others.length} word lists; at most ${WORD_LIMITS.maxListsPerApp}`);
  const total = others.reduce((n, l) => n + l.words.length, next.words.length);
  if (total > WORD_LIMITS.maxWordsPerApp) throw new StadiumError('WORD_LIST_LIMIT', `${total} words in all the app's lists; at most ${WORD_LIMITS.maxWordsPerApp}`);
}

/**
 * Check and store one list (REST set_word_list and `stadium words set` share it): the name,
 * the words and the app's bounds; on a refusal nothing changes. Returns the stored list.
 */
export async function putWordListChecked(store: Store, sdkAppId: number, input: { name: string; action: WordAction; words: readonly string[] }, now: number): Promise<WordList> {
  assertListName(input.name);
  if (!WORD_ACTIONS.includes(input.action))
    throw new StadiumError('INVALID_PARAMETER', `a word list's action is "reject", "mask" or "review", got ${JSON.stringify(input.action)}`);
  const words = cleanWords(input.words);
  assertAppBounds(await store.listWordLists(sdkAppId), { name: input.name, words });
  const list: WordList = { name: input.name, action: input.action, words, updatedAt: now };
  await store.putWordList(sdkAppId, list);
  return list;
}

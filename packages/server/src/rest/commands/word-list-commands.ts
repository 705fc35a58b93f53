/**
 * `stadium_admin/…` word-list commands (Stadium's own, not in the compatible API): an app's
 * word lists for the word filter (docs/security.md#word-filter). The node that answers applies
 * a change at once; every other node and worker within appRefreshMs.
 */
import { Type } from '@sinclair/typebox';
import { StadiumError } from '@stadium/protocol';
import { putWordListChecked, WORD_LIMITS, type WordList } from '../../filter/word-lists.js';
import { authorize, roleOf } from '../../core/permissions.js';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

const Action = Type.Union([Type.Literal('reject'), Type.Literal('mask'), Type.Literal('review')], {
  description:
    'reject: the message is refused with 80001; mask: each match is replaced by *** in what is published; review: the message is held until an owner or admin approves or denies it (get_review_queue, review_message)',
});

const ListInfo = Type.Object({
  Name: Type.String(),
  Action,
  WordCount: Type.Integer(),
  UpdatedAt: Type.Integer({ description: 'Epoch seconds of the last set_word_list' }),
  Words: Type.Optional(Type.Array(Type.String(), { description: 'The words, when asked for with WithWords' })),
});

function infoOf(list: WordList, withWords: boolean): Record<string, unknown> {
  return { Name: list.name, Action: list.action, WordCount: list.words.length, UpdatedAt: Math.floor(list.updatedAt / 1000), ...(withWords ? { Words: list.words } : {}) };
}

/** `stadium_admin/get_word_lists`. */
export const getWordLists = defineCommand({
  path: 'stadium_admin/get_word_lists',
  summary: "The app's word lists: name, action, word count, and the words when asked for (Stadium's own command).",
  body: Type.Object({
    WithWords: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)], { description: "1: include each list's words. Default 0" })),
  }),
  response: Type.Object({ WordLists: Type.Array(ListInfo) }),
  async handle({ actor, deps }, body) {
    authorize('app.wordLists', roleOf(actor, null));
    const lists = await deps.store.listWordLists(actor.app.sdkAppId);
    return { WordLists: lists.map((l) => infoOf(l, body.WithWords === 1)) };
  },
});

/** `stadium_admin/set_word_list`. */
export const setWordList = defineCommand({
  path: 'stadium_admin/set_word_list',
  summary: "Create or replace one of the app's word lists (Stadium's own command).",
  body: Type.Object({
    Name: Type.String({ minLength: 1, maxLength: 32, description: 'Letters, digits, _ and -' }),
    Action,
    Words: Type.Array(Type.String({ maxLength: WORD_LIMITS.maxWordLength * 2 }), {
      maxItems: WORD_LIMITS.maxWordsPerList,
      description: `Words, each at most ${WORD_LIMITS.maxWordLength} characters; blanks and repeats are dropped`,
    }),
  }),
  response: ListInfo,
  async handle({ actor, deps }, body) {
    authorize('app.wordLists', roleOf(actor, null));
    const sdkAppId = actor.app.sdkAppId;
    const list = await putWordListChecked(deps.store, sdkAppId, { name: body.Name, action: body.Action, words: body.Words }, deps.clock.now());
    deps.wordListsChanged?.(sdkAppId);
    return infoOf(list, false);
  },
});

/** `stadium_admin/delete_word_list`. */
export const deleteWordList = defineCommand({
  path: 'stadium_admin/delete_word_list',
  summary: "Delete one of the app's word lists (Stadium's own command).",
  body: Type.Object({ Name: Type.String({ minLength: 1, maxLength: 32 }) }),
  response: Type.Object({}),
  async handle({ actor, deps }, body) {
    authorize('app.wordLists', roleOf(actor, null));
    const sdkAppId = actor.app.sdkAppId;
    if (!(await deps.store.deleteWordList(sdkAppId, body.Name))) throw new StadiumError('WORD_LIST_NOT_FOUND', `no word list named ${JSON.stringify(body.Name)}`);
    deps.wordListsChanged?.(sdkAppId);
    return {};
  },
});

/** The word-list commands. */
export const WORD_LIST_COMMANDS: readonly AnyRestCommand[] = [getWordLists, setWordList, deleteWordList];

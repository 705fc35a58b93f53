/**
 * An app's word list as stored and as the word filter (filter/) reads it. Plain data.
 */

/** What a list does with a message that contains one of its words. */
/** `review`: the message is held at the room's authority until an owner or admin approves or denies it (authority/review-handlers.ts). */
export type WordAction = 'reject' | 'mask' | 'review';

/** A named list of words and what to do with a message that contains one. */
export interface WordList {
  /** 1–32 characters: letters, digits, `_` and `-`. */
  name: string;
  action: WordAction;
  /** Distinct words as given (trimmed), in the order given. */
  words: string[];
  /** When it was last set (epoch ms). */
  updatedAt: number;
}

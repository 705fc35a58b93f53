import { describe, expect, it } from 'vitest';
import { StadiumError } from '@stadium/protocol';
import { assertAppBounds, cleanWords, WORD_LIMITS } from './word-lists.js';
import { applyMask, normaliseWord, WordMatcher, type MatcherWord } from './word-matcher.js';

const masked = (words: MatcherWord[], text: string): string => applyMask(text, new WordMatcher(words).scan(text).maskSpans);
const mask = (...words: string[]): MatcherWord[] => words.map((word) => ({ word, action: 'mask' }));
const rejects = (words: string[], text: string): boolean => new WordMatcher(words.map((word) => ({ word, action: 'reject' }))).scan(text).reject;

describe('normaliseWord', () => {
  it('folds case and full-width forms, drops zero-width characters', () => {
    expect(normaliseWord('ＢａＤ')).toBe('bad');
    expect(normaliseWord('B\u200Ba\u200C\u200Dd\u2060\uFEFF')).toBe('bad');
    expect(normaliseWord('ｶﾀｶﾅ')).toBe('カタカナ');
    expect(normaliseWord('ﬁne')).toBe('fine');
    expect(normaliseWord('坏蛋')).toBe('坏蛋');
    // Combining marks compose with the character before them.
    expect(normaliseWord('ｶﾞｲｼﾞﾝ')).toBe('ガイジン');
    expect(normaliseWord('Cafe\u0301')).toBe('café');
  });
});

describe('WordMatcher', () => {
  it('rejects trivial evasions in Latin text', () => {
    const words = ['spam', 'Bad Word'];
    for (const text of ['buy SPAM now', 'ｓｐａｍ!', 's\u200Bp\u200Ca\u200Dm', 'sp\u2060am', 'x\uFEFFspam', 'a BAD WORD here', 'ｂａｄ　ｗｏｒｄ'.replace('　', ' ')]) {
      expect(rejects(words, text), text).toBe(true);
    }
    for (const text of ['spa m', 'span', 'bad words'.slice(0, 7), '']) expect(rejects(words, text), text).toBe(false);
  });

  it('rejects trivial evasions in CJK text', () => {
    const words = ['坏蛋', 'ｶﾞｲｼﾞﾝ', '바보'];
    for (const text of ['你是坏蛋吗', '你是坏\u200B蛋', 'あのガイジンは', '너는 바보야', '坏\uFEFF蛋']) expect(rejects(words, text), text).toBe(true);
    for (const text of ['坏人', '蛋坏', 'ガイ', 'カイジン']) expect(rejects(words, text), text).toBe(false);
  });

  it('masks every occurrence, overlapping and nested words as one span, keeping the rest', () => {
    expect(masked(mask('bad'), 'bad, BAD and ｂａｄ.')).toBe('***, *** and ***.');
    // Overlaps merge: "abc" and "cde" in "abcde" are one span; a longer word reaching back over a shorter one too.
    expect(masked(mask('abc', 'cde'), 'xabcdex')).toBe('x***x');
    expect(masked(mask('bc', 'abcd'), '-abcd-')).toBe('-***-');
    expect(masked(mask('she', 'he', 'hers'), 'ushers')).toBe('u***');
    // Adjacent matches merge too.
    expect(masked(mask('ab'), 'abab')).toBe('***');
    // Zero-width characters inside a match are masked with it; the original spelling elsewhere is kept.
    expect(masked(mask('坏蛋'), 'Ａ坏\u200B蛋Ｂ')).toBe('Ａ***Ｂ');
    // Characters outside the BMP.
    expect(masked(mask('😀x'), 'a😀Xb')).toBe('a***b');
  });

  it('reports reject words and mask words of different lists together', () => {
    const m = new WordMatcher([
      { word: 'foo', action: 'mask' },
      { word: 'foobar', action: 'reject' },
    ]);
    expect(m.scan('foo baz')).toEqual({ reject: false, review: false, maskSpans: [[0, 3]] });
    expect(m.scan('xfoobar').reject).toBe(true);
    expect(m.size).toBe(2);
  });

  it('reports review words, through suffixes and normalisation, next to masks', () => {
    const m = new WordMatcher([
      { word: 'spam', action: 'review' },
      { word: '广告', action: 'review' },
      { word: 'darn', action: 'mask' },
    ]);
    expect(m.scan('darn nice')).toEqual({ reject: false, review: false, maskSpans: [[0, 4]] });
    expect(m.scan('darn xSPAM')).toEqual({ reject: false, review: true, maskSpans: [[0, 4]] });
    expect(m.scan('ｓｐ\u200Bａｍ').review).toBe(true);
    expect(m.scan('看广\u200B告').review).toBe(true);
    expect(m.scan('spa m').review).toBe(false);
  });

  it('scans many words in one automaton', () => {
    const words = Array.from({ length: 10_000 }, (_, i) => `w${i.toString(36)}z`);
    const m = new WordMatcher(words.map((word) => ({ word, action: 'reject' })));
    expect(m.scan('nothing to see here w1 w2 z').reject).toBe(false);
    expect(m.scan(`hello ${words[9_999]!.toUpperCase()}`).reject).toBe(true);
  });
});

describe('word list input', () => {
  it('trims, drops blanks and repeats; refuses overlong, zero-width-only and empty lists', () => {
    expect(cleanWords([' a ', 'a', '', 'b'])).toEqual(['a', 'b']);
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return (e as StadiumError).reason;
      }
      return undefined;
    };
    expect(code(() => cleanWords(['x'.repeat(WORD_LIMITS.maxWordLength + 1)]))).toBe('INVALID_PARAMETER');
    expect(code(() => cleanWords(['x'.repeat(WORD_LIMITS.maxWordLength)]))).toBeUndefined();
    expect(code(() => cleanWords(['\u200B']))).toBe('INVALID_PARAMETER');
    expect(code(() => cleanWords([' ']))).toBe('INVALID_PARAMETER');
    const lists = Array.from({ length: WORD_LIMITS.maxListsPerApp }, (_, i) => ({ name: `l${i}`, action: 'mask' as const, words: ['w'], updatedAt: 0 }));
    expect(code(() => assertAppBounds(lists, { name: 'new', words: ['w'] }))).toBe('WORD_LIST_LIMIT');
    // Replacing an existing list is within bounds.
    expect(code(() => assertAppBounds(lists, { name: 'l0', words: ['w'] }))).toBeUndefined();
    const big = [{ name: 'big', action: 'mask' as const, words: Array.from({ length: WORD_LIMITS.maxWordsPerApp - 1 }, String), updatedAt: 0 }];
    expect(code(() => assertAppBounds(big, { name: 'more', words: ['a', 'b'] }))).toBe('WORD_LIST_LIMIT');
    expect(code(() => assertAppBounds(big, { name: 'more', words: ['a'] }))).toBeUndefined();
  });
});

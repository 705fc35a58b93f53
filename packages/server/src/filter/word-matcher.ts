/**
 * The word matcher: every word of an app's lists in one Aho–Corasick automaton, so a message is
 * scanned once, in one pass, however many words there are. Built once per list change (see
 * word-filter-step.ts), never per message.
 *
 * Words and messages go through the same normalisation, code point by code point: zero-width
 * characters (U+200B–U+200D, U+2060, U+FEFF) are dropped, each character is put in NFKC form
 * (full-width Latin and digits, half-width katakana, ligatures and compatibility ideographs
 * become their plain forms) and lower-cased. So `ＢＡＤ`, `B\u200BAD` and `bad` are one word, in
 * Latin as in CJK text. Other evasions (spaces or punctuation between letters, look-alike
 * letters from other scripts) are not caught.
 */

import type { WordAction } from '../core/word-list.js';

export type { WordAction } from '../core/word-list.js';

/** A word and the action of its list. */
export interface MatcherWord {
  word: string;
  action: WordAction;
}

/** The outcome of a scan. */
export interface ScanResult {
  /** A reject word occurs. */
  reject: boolean;
  /** A review word occurs (the message is held for review unless a reject word refuses it). */
  review: boolean;
  /** Spans of mask words, in original UTF-16 indices [start, end), sorted and merged. */
  maskSpans: Array<[number, number]>;
}

const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);
/** Replaces each masked span. */
export const MASK = '***';

/** Combining marks that compose with the character before them (Latin accents, kana voicing marks). */
function isCombining(cp: number): boolean {
  return (
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe20 && cp <= 0xfe2f) ||
    cp === 0x3099 ||
    cp === 0x309a ||
    cp === 0xff9e ||
    cp === 0xff9f
  );
}

function pushNormalised(s: string, out: number[]): void {
  for (const ch of s.normalize('NFKC').toLowerCase()) {
    const c = ch.codePointAt(0)!;
    if (!ZERO_WIDTH.has(c)) out.push(c);
  }
}

/**
 * Normalise the character at `i` of `text` (with the combining marks that follow it, so
 * `ｶﾞ` and `e\u0301` compose) into `out`; returns the UTF-16 units consumed.
 */
function normaliseAt(text: string, i: number, out: number[]): number {
  const cp = text.codePointAt(i)!;
  let width = cp > 0xffff ? 2 : 1;
  let next = text.codePointAt(i + width);
  if (next !== undefined && isCombining(next)) {
    do width += next > 0xffff ? 2 : 1;
    while ((next = text.codePointAt(i + width)) !== undefined && isCombining(next));
    pushNormalised(text.slice(i, i + width), out);
    return width;
  }
  if (cp < 0x80) out.push(cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp);
  else if (ZERO_WIDTH.has(cp)) {
    // dropped
  } else if (cp >= 0xff01 && cp <= 0xff5e) {
    // Full-width ASCII forms: the common evasion, no need for the general path.
    const ascii = cp - 0xfee0;
    out.push(ascii >= 0x41 && ascii <= 0x5a ? ascii + 0x20 : ascii);
  } else if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3041 && cp <= 0x30ff && cp !== 0x309b && cp !== 0x309c) || (cp >= 0xac00 && cp <= 0xd7a3)) {
    // CJK unified ideographs, kana and Hangul syllables are stable under NFKC and have no case.
    out.push(cp);
  } else pushNormalised(String.fromCodePoint(cp), out);
  return width;
}

/** `text` normalised as the matcher sees it (for validation and tests). */
export function normaliseWord(text: string): string {
  const out: number[] = [];
  for (let i = 0; i < text.length;) i += normaliseAt(text, i, out);
  return String.fromCodePoint(...out);
}

const ROOT_DENSE = 0x10000;

/** An Aho–Corasick automaton over normalised code points. */
export class WordMatcher {
  /** Transitions while building (code point → state); dropped once the tables below are made. */
  #next: Array<Map<number, number>> = [];
  /**
   * Transitions of every state but the root's BMP ones, in one open-addressing hash table:
   * slot → (state, code point, target). Typed arrays keep the scan free of Map lookups.
   */
  #hashState = new Int32Array(0);
  #hashCp = new Int32Array(0);
  #hashTo = new Int32Array(0);
  #hashMask = 0;
  /** Root transitions for the Basic Multilingual Plane, dense (0 = stay at the root). */
  readonly #rootDense = new Int32Array(ROOT_DENSE);
  readonly #fail: number[] = [];
  /** Longest mask word ending at each state (through the suffix chain), in code points; 0 = none. */
  readonly #maskLen: number[] = [];
  /** Some reject word ends at this state (through the suffix chain). */
  readonly #reject: boolean[] = [];
  /** Some review word ends at this state (through the suffix chain). */
  readonly #review: boolean[] = [];
  /** Distinct normalised words. */
  readonly size: number;
  /** Scratch space of {@link scan} (a scan never runs inside another). */
  #starts = new Int32Array(256);
  readonly #buf: number[] = [];

  constructor(words: readonly MatcherWord[]) {
    this.#addState();
    const seen = new Set<string>();
    for (const { word, action } of words) {
      const cps: number[] = [];
      for (let i = 0; i < word.length;) i += normaliseAt(word, i, cps);
      if (cps.length === 0) continue;
      seen.add(String.fromCodePoint(...cps));
      let state = 0;
      for (const cp of cps) {
        let to = this.#next[state]!.get(cp);
        if (to === undefined) {
          to = this.#addState();
          this.#next[state]!.set(cp, to);
        }
        state = to;
      }
      if (action === 'reject') this.#reject[state] = true;
      else if (action === 'review') this.#review[state] = true;
      else this.#maskLen[state] = Math.max(this.#maskLen[state]!, cps.length);
    }
    this.size = seen.size;
    this.#link();
    this.#pack();
  }

  static #hash(state: number, cp: number): number {
    return (Math.imul(state, 0x9e3779b1) ^ Math.imul(cp, 0x85ebca77)) >>> 0;
  }

  /** Move the transitions into the hash table (load at most one half). */
  #pack(): void {
    let count = 0;
    for (const m of this.#next) count += m.size;
    let size = 16;
    while (size < count * 2) size *= 2;
    this.#hashState = new Int32Array(size).fill(-1);
    this.#hashCp = new Int32Array(size);
    this.#hashTo = new Int32Array(size);
    this.#hashMask = size - 1;
    this.#next.forEach((m, state) => {
      for (const [cp, to] of m) {
        let slot = WordMatcher.#hash(state, cp) & this.#hashMask;
        while (this.#hashState[slot] !== -1) slot = (slot + 1) & this.#hashMask;
        this.#hashState[slot] = state;
        this.#hashCp[slot] = cp;
        this.#hashTo[slot] = to;
      }
    });
    this.#next = [];
  }

  /** The transition of `state` on `cp`, or -1. */
  #goto(state: number, cp: number): number {
    const mask = this.#hashMask;
    let slot = WordMatcher.#hash(state, cp) & mask;
    for (;;) {
      const s = this.#hashState[slot]!;
      if (s === -1) return -1;
      if (s === state && this.#hashCp[slot] === cp) return this.#hashTo[slot]!;
      slot = (slot + 1) & mask;
    }
  }

  #addState(): number {
    this.#next.push(new Map());
    this.#fail.push(0);
    this.#maskLen.push(0);
    this.#reject.push(false);
    this.#review.push(false);
    return this.#next.length - 1;
  }

  /** Failure links breadth first; outputs inherit along them; the root's dense table. */
  #link(): void {
    const queue: number[] = [];
    for (const [cp, to] of this.#next[0]!) {
      queue.push(to);
      if (cp < ROOT_DENSE) this.#rootDense[cp] = to;
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [cp, to] of this.#next[state]!) {
        let f = this.#fail[state]!;
        let target: number | undefined;
        while ((target = this.#next[f]!.get(cp)) === undefined && f !== 0) f = this.#fail[f]!;
        const link = target !== undefined && target !== to ? target : 0;
        this.#fail[to] = link;
        this.#maskLen[to] = Math.max(this.#maskLen[to]!, this.#maskLen[link]!);
        if (this.#reject[link]) this.#reject[to] = true;
        if (this.#review[link]) this.#review[to] = true;
        queue.push(to);
      }
    }
  }

  #step(state: number, cp: number): number {
    for (;;) {
      if (state === 0) {
        if (cp < ROOT_DENSE) return this.#rootDense[cp]!;
        const to = this.#goto(0, cp);
        return to === -1 ? 0 : to;
      }
      const to = this.#goto(state, cp);
      if (to !== -1) return to;
      state = this.#fail[state]!;
    }
  }

  /**
   * Scan `text` once. Stops at the first reject word when `stopAtReject` (the message is
   * refused anyway).
   */
  scan(text: string, stopAtReject = true): ScanResult {
    const result: ScanResult = { reject: false, review: false, maskSpans: [] };
    let state = 0;
    // Original UTF-16 start of each normalised code point seen so far (reused between scans).
    if (this.#starts.length < text.length * 2) this.#starts = new Int32Array(text.length * 2);
    const starts = this.#starts;
    let n = 0;
    const buf = this.#buf;
    for (let i = 0; i < text.length;) {
      let c = text.charCodeAt(i);
      const after = text.charCodeAt(i + 1);
      let width = 1;
      if (!(after >= 0x300 && isCombining(after)) && (c < 0x80 || (c >= 0x4e00 && c <= 0x9fff))) {
        // ASCII or a CJK ideograph without a combining mark after it: the hot path.
        if (c >= 0x41 && c <= 0x5a) c += 0x20;
        starts[n++] = i;
        state = this.#step(state, c);
        if (state !== 0 && (this.#reject[state] || this.#maskLen[state] !== 0 || this.#review[state])) this.#output(state, i + 1, starts, n, result);
      } else {
        buf.length = 0;
        width = normaliseAt(text, i, buf);
        for (const cp of buf) {
          if (n === starts.length) {
            const grown = new Int32Array(starts.length * 2);
            grown.set(starts);
            this.#starts = grown;
            return this.scan(text, stopAtReject);
          }
          starts[n++] = i;
          state = this.#step(state, cp);
          if (state !== 0 && (this.#reject[state] || this.#maskLen[state] !== 0 || this.#review[state])) this.#output(state, i + width, starts, n, result);
        }
      }
      if (result.reject && stopAtReject) return result;
      i += width;
    }
    return result;
  }

  #output(state: number, end: number, starts: Int32Array, n: number, result: ScanResult): void {
    if (this.#reject[state]) result.reject = true;
    if (this.#review[state]) result.review = true;
    const len = this.#maskLen[state]!;
    if (len === 0) return;
    let start = starts[n - len]!;
    const spans = result.maskSpans;
    // A later match may reach back over earlier spans: merge them all.
    while (spans.length > 0 && start <= spans[spans.length - 1]![1]) start = Math.min(start, spans.pop()![0]);
    spans.push([start, end]);
  }
}

/** `text` with each span replaced by {@link MASK}. */
export function applyMask(text: string, spans: ReadonlyArray<readonly [number, number]>): string {
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    out += text.slice(at, start) + MASK;
    at = end;
  }
  return out + text.slice(at);
}

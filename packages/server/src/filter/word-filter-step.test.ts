import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/manual-clock.js';
import { MemoryStore } from '../storage/memory-store.js';
import { StadiumError } from '@stadium/protocol';
import type { UnsequencedMessage } from '../wire/authority-commands.js';
import { scanMessage, WordFilterCache } from './word-filter-step.js';
import { WordMatcher } from './word-matcher.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WordFilterCache', () => {
  it('builds once, serves without the store while fresh, reloads in the background after refreshMs, applies invalidate at once', async () => {
    const clock = new ManualClock(1_000_000);
    const store = new MemoryStore();
    let reads = 0;
    const list = store.listWordLists.bind(store);
    store.listWordLists = (id) => {
      reads++;
      return list(id);
    };
    const cache = new WordFilterCache(store, clock, 5000);
    const app = 1400000001;
    // No words: null, and the store is read once.
    expect(await cache.get(app)).toBeNull();
    expect(cache.get(app)).toBeNull();
    expect(reads).toBe(1);

    // A change made elsewhere (another node): the old matcher serves until refreshMs has passed.
    await store.putWordList(app, { name: 'a', action: 'reject', words: ['bad'], updatedAt: 0 });
    clock.advance(4999);
    expect(cache.get(app)).toBeNull();
    expect(reads).toBe(1);
    clock.advance(1);
    // Stale: still the old answer at once, the reload runs in the background.
    expect(cache.get(app)).toBeNull();
    await settle();
    expect(reads).toBe(2);
    const m = cache.get(app);
    expect(m).toBeInstanceOf(WordMatcher);
    expect((m as WordMatcher).scan('so BAD').reject).toBe(true);
    for (let i = 0; i < 100; i++) expect(cache.get(app)).toBe(m);
    expect(reads).toBe(2);

    // A change made here: invalidate, the next message reads the lists again.
    await store.deleteWordList(app, 'a');
    cache.invalidate(app);
    expect(await cache.get(app)).toBeNull();
    expect(reads).toBe(3);
  });

  it('does not keep a read that began before an invalidate', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryStore();
    const cache = new WordFilterCache(store, clock, 5000);
    const app = 1400000001;
    const first = cache.get(app) as Promise<unknown>;
    await store.putWordList(app, { name: 'a', action: 'mask', words: ['x'], updatedAt: 0 });
    cache.invalidate(app);
    expect(await first).toBeNull();
    expect(await cache.get(app)).toBeInstanceOf(WordMatcher);
  });
});

describe('scanMessage', () => {
  const m = new WordMatcher([
    { word: 'promo', action: 'review' },
    { word: 'darn', action: 'mask' },
    { word: 'scam', action: 'reject' },
  ]);
  const text = (t: string): UnsequencedMessage => ({ id: 'a', type: 'TIMTextElem', payload: { text: t }, from: 'u', priority: 'Normal' });

  it('marks review words with the masks applied; reject wins', () => {
    expect(scanMessage(m, text('darn PROMO'))).toEqual({ message: text('*** PROMO'), review: true });
    expect(scanMessage(m, text('darn'))).toEqual({ message: text('***'), review: false });
    expect(() => scanMessage(m, text('promo scam'))).toThrow(StadiumError);
    const custom: UnsequencedMessage = { id: 'c', type: 'TIMCustomElem', payload: { data: 'promo', description: 'x', extension: '' }, from: 'u', priority: 'Normal' };
    expect(scanMessage(m, custom).review).toBe(false);
  });
});

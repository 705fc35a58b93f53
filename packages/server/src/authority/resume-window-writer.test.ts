import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ManualClock } from '../clock/manual-clock.js';
import { MemoryStore } from '../storage/memory-store.js';
import type { ResumeWindowEntry } from '../storage/store.js';
import type { BatchEntry } from '../wire/batch-entry.js';
import { HISTORY_WRITE_WINDOW_MS } from './room-history.js';
import { ResumeWindowWriter } from './resume-window-writer.js';

/** A MemoryStore that counts resume-window writes. */
class CountingStore extends MemoryStore {
  writes: Array<{ seqs: number[]; keep: number; notBeforeMs: number }> = [];
  override async appendResumeWindow(sdkAppId: number, groupId: string, entries: readonly ResumeWindowEntry[], keep: number, notBeforeMs: number): Promise<void> {
    this.writes.push({ seqs: entries.map((e) => e.seq), keep, notBeforeMs });
    return super.appendResumeWindow(sdkAppId, groupId, entries, keep, notBeforeMs);
  }
}

const entries = (from: number, to: number): BatchEntry[] => Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, rank: 1, json: `{"seq":${from + i}}` }));

function setup(size: number, windowMs: number): { clock: ManualClock; store: CountingStore; writer: ResumeWindowWriter } {
  const clock = new ManualClock(1_000_000);
  const store = new CountingStore();
  const writer = new ResumeWindowWriter({ store, clock, logger: pino({ level: 'silent' }) }, 1, 'room', { size, windowMs });
  return { clock, store, writer };
}

describe('ResumeWindowWriter', () => {
  it('writes every entry once per window, whatever the number of batches', async () => {
    const { clock, store, writer } = setup(100, 60_000);
    writer.append(entries(1, 3), clock.now());
    writer.append(entries(4, 5), clock.now());
    expect(store.writes).toEqual([]);
    clock.advance(HISTORY_WRITE_WINDOW_MS);
    await writer.flush();
    expect(store.writes).toEqual([{ seqs: [1, 2, 3, 4, 5], keep: 100, notBeforeMs: 1_000_000 + HISTORY_WRITE_WINDOW_MS - 60_000 }]);
    expect(writer.writtenSeq).toBe(5);
    expect((await store.lastResumeWindow(1, 'room', 10)).map((e) => [e.seq, e.atMs])).toEqual([1, 2, 3, 4, 5].map((s) => [s, 1_000_000]));
  });

  it('trims the store to the newest `size`, and writes at once when that many wait', async () => {
    const { store, writer, clock } = setup(4, 60_000);
    writer.append(entries(1, 6), clock.now());
    await writer.flush();
    expect(store.writes).toEqual([{ seqs: [3, 4, 5, 6], keep: 4, notBeforeMs: 1_000_000 - 60_000 }]);
    expect((await store.lastResumeWindow(1, 'room', 10)).map((e) => e.seq)).toEqual([3, 4, 5, 6]);
  });

  it('drops what is older than the window from the store, keeping the newest', async () => {
    const { store, writer, clock } = setup(100, 60_000);
    writer.append(entries(1, 2), clock.now());
    await writer.flush();
    clock.advance(61_000);
    writer.append(entries(3, 3), clock.now());
    await writer.flush();
    expect((await store.lastResumeWindow(1, 'room', 10)).map((e) => e.seq)).toEqual([3]);
  });

  it('writes nothing once discarded', async () => {
    const { store, writer, clock } = setup(100, 60_000);
    writer.append(entries(1, 2), clock.now());
    await writer.discard();
    writer.append(entries(3, 4), clock.now());
    clock.advance(HISTORY_WRITE_WINDOW_MS);
    await writer.flush();
    expect(store.writes).toEqual([]);
  });
});

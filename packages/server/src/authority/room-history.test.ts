import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ManualClock } from '../clock/manual-clock.js';
import { MemoryStore } from '../storage/memory-store.js';
import type { HistoryEntry } from '../storage/store.js';
import { encodeMessage } from '../wire/batch-entry.js';
import { MAX_RECORD_MESSAGES } from '../core/history-limits.js';
import { HISTORY_SEAM_SLACK, HISTORY_WRITE_WINDOW_MS, RoomHistory, type HistorySettings } from './room-history.js';
import type { Published } from './room-sequencer.js';

/** A MemoryStore that counts history writes. */
class CountingStore extends MemoryStore {
  writes: Array<{ entries: number; keep: number }> = [];
  override async appendHistory(sdkAppId: number, groupId: string, entries: readonly HistoryEntry[], keep: number): Promise<void> {
    this.writes.push({ entries: entries.length, keep });
    return super.appendHistory(sdkAppId, groupId, entries, keep);
  }
}

let nextSeq = 1;
function batch(n: number): Published[] {
  return Array.from({ length: n }, () => {
    const message = { id: `m${nextSeq}`, type: 'TIMTextElem' as const, payload: { text: `t${nextSeq}` }, from: 'u', priority: 'Normal' as const, seq: nextSeq++, time: 1 };
    return { message, entry: encodeMessage(message) };
  });
}

function setup(settings: HistorySettings): { clock: ManualClock; store: CountingStore; history: RoomHistory } {
  nextSeq = 1;
  const clock = new ManualClock();
  const store = new CountingStore();
  const history = new RoomHistory({ store, clock, logger: pino({ level: 'silent' }) }, 1, 'room', () => settings);
  return { clock, store, history };
}

describe('RoomHistory', () => {
  it('writes once per window, whatever the number of batches and messages', async () => {
    const { clock, store, history } = setup({ historySize: 10, keepRecord: false });
    for (let i = 0; i < 5; i++) history.append(batch(40));
    expect(store.writes).toEqual([]);
    clock.advance(HISTORY_WRITE_WINDOW_MS);
    await history.flush();
    expect(store.writes).toEqual([{ entries: 200, keep: 10 }]);
    // Trimmed to the newest 10, in order.
    expect((await store.lastHistory(1, 'room', 100)).map((e) => e.seq)).toEqual([191, 192, 193, 194, 195, 196, 197, 198, 199, 200]);
    history.append(batch(3));
    clock.advance(HISTORY_WRITE_WINDOW_MS);
    await history.flush();
    expect(store.writes).toHaveLength(2);
  });

  it('keeps nothing and writes nothing while history and record are off', async () => {
    const { clock, store, history } = setup({ historySize: 0, keepRecord: false });
    history.append(batch(50));
    clock.advance(HISTORY_WRITE_WINDOW_MS);
    await history.flush();
    expect(store.writes).toEqual([]);
    expect(history.page(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 15)).toEqual({ entries: [], isCompleted: true });
  });

  it('keeps the whole record with keepRecord, even without history', async () => {
    const { store, history } = setup({ historySize: 0, keepRecord: true });
    history.append(batch(30));
    expect((await history.stored(0, 1000)).map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(store.writes).toEqual([{ entries: 30, keep: MAX_RECORD_MESSAGES }]);
    expect((await history.stored(25, 3)).map((e) => e.seq)).toEqual([26, 27, 28]);
  });

  it('pages the last N up to the seam, newest page first, each oldest first', () => {
    const { history } = setup({ historySize: 5, keepRecord: false });
    history.append(batch(8)); // seqs 1..8; the last five are 4..8
    const page = (toSeq: number, beforeSeq: number, count: number): number[] => history.page(toSeq, beforeSeq, count).entries.map((e) => e.seq);
    expect(page(7, Number.MAX_SAFE_INTEGER, 2)).toEqual([6, 7]);
    expect(page(7, 6, 2)).toEqual([4, 5]);
    expect(page(7, 4, 2)).toEqual([3]);
    expect(history.page(7, 3, 2)).toEqual({ entries: [], isCompleted: true });
    // A member that joined at seq 4 still gets its history after more were published, within the slack.
    history.append(batch(4)); // up to 12
    expect(page(4, Number.MAX_SAFE_INTEGER, 15)).toEqual([1, 2, 3, 4]);
    expect(page(12, Number.MAX_SAFE_INTEGER, 15)).toEqual([8, 9, 10, 11, 12]);
    // Memory holds historySize + HISTORY_SEAM_SLACK messages: past that, an old seam gets what is still held.
    history.append(batch(HISTORY_SEAM_SLACK - 9)); // up to 1003: all held (5 + slack = 1005)
    expect(page(1003, Number.MAX_SAFE_INTEGER, 15)).toEqual([999, 1000, 1001, 1002, 1003]);
    history.append(batch(3)); // up to 1006; held: 2..1006
    expect(page(4, Number.MAX_SAFE_INTEGER, 15)).toEqual([2, 3, 4]);
    expect(history.page(8, Number.MAX_SAFE_INTEGER, 15).isCompleted).toBe(true);
    expect(history.page(8, Number.MAX_SAFE_INTEGER, 3).isCompleted).toBe(false);
  });

  it('discards what is pending and keeps nothing more once the room is gone', async () => {
    const { clock, store, history } = setup({ historySize: 5, keepRecord: true });
    history.append(batch(3));
    await history.discard();
    history.append(batch(3));
    clock.advance(HISTORY_WRITE_WINDOW_MS);
    await history.flush();
    expect(store.writes).toEqual([]);
    expect(history.page(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 15).entries).toEqual([]);
  });
});

import type { MessagesFrame } from '@stadium/protocol';
import { describe, expect, it } from 'vitest';
import { MessageHold } from './message-hold.js';

const frame = (g: string, seq: number): MessagesFrame => ({
  t: 'msgs',
  g,
  m: [{ id: `${g}-${seq}`, seq, type: 'TIMTextElem', payload: { text: 'x' }, from: 'a', time: 1, priority: 'Normal' }],
});

describe('MessageHold', () => {
  it('keeps frames of held rooms only, and releases them once in arrival order', () => {
    const hold = new MessageHold();
    expect(hold.offer(frame('room1', 1))).toBe(false);
    hold.start('room1');
    const first = frame('room1', 2);
    const second = frame('room1', 3);
    expect(hold.offer(first)).toBe(true);
    expect(hold.offer(frame('room2', 1))).toBe(false);
    expect(hold.offer(second)).toBe(true);
    expect(hold.release('room1')).toEqual([first, second]);
    expect(hold.release('room1')).toEqual([]);
    expect(hold.offer(frame('room1', 4))).toBe(false);
  });
});

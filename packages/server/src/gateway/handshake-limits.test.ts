import { describe, expect, it } from 'vitest';
import { HandshakeLimiter } from './handshake-limits.js';

describe('HandshakeLimiter', () => {
  it('admits the burst, then says how many whole seconds to wait, and refills with time', () => {
    const l = new HandshakeLimiter({ handshakesPerIpPerSec: 2, handshakeBurstPerIp: 3 });
    for (let i = 0; i < 3; i++) expect(l.take('a', 0)).toBe(0);
    expect(l.take('a', 0)).toBe(1);
    expect(l.take('b', 0)).toBe(0);
    expect(l.take('a', 499)).toBe(1);
    expect(l.take('a', 500)).toBe(0);
    expect(l.take('a', 500)).toBe(1);
  });

  it('rounds Retry-After up to whole seconds', () => {
    const l = new HandshakeLimiter({ handshakesPerIpPerSec: 0.1, handshakeBurstPerIp: 1 });
    expect(l.take('a', 0)).toBe(0);
    expect(l.take('a', 0)).toBe(10);
    expect(l.take('a', 1000)).toBe(9);
  });

  it('keeps at most maxTracked addresses, forgetting the least recently seen', () => {
    const l = new HandshakeLimiter({ handshakesPerIpPerSec: 1, handshakeBurstPerIp: 1 }, 2);
    expect(l.take('a', 0)).toBe(0);
    expect(l.take('b', 0)).toBe(0);
    // 'a' is seen again (refused), so 'b' is now the least recently seen.
    expect(l.take('a', 0)).toBe(1);
    expect(l.take('c', 0)).toBe(0);
    expect(l.size).toBe(2);
    // 'b' was forgotten: it starts again with a full bucket (and 'a', now the oldest, is forgotten).
    expect(l.take('b', 0)).toBe(0);
    expect(l.size).toBe(2);
  });
});

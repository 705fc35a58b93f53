import { describe as suite, expect, it } from 'vitest';
import { describe } from './describe.js';

suite('describe', () => {
  it('names the kind of a structured value without walking it', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(describe(deep)).toBe('an array');
    expect(describe({ a: 1 })).toBe('a object');
  });

  it('keeps at most 64 characters of a string', () => {
    const text = describe('x'.repeat(60_000));
    expect(text.length).toBeLessThan(70);
    expect(text.endsWith('…"')).toBe(true);
  });

  it('prints scalars as they are', () => {
    expect(describe(1e300)).toBe('1e+300');
    expect(describe(null)).toBe('null');
    expect(describe(undefined)).toBe('undefined');
    expect(describe('ok')).toBe('"ok"');
  });
});

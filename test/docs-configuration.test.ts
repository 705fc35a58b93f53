/** docs/configuration.md lists exactly the server options, with their defaults. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_OPTIONS } from '../packages/server/src/config/options.js';

describe('docs/configuration.md', () => {
  it('has one row per server option, in order, with the default', () => {
    const text = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
    const rows = text
      .split('\n')
      .filter((line) => /^\| `\w+` \| (number|string|boolean)/.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(rows.map((r) => r[1]!.replace(/`/g, ''))).toEqual(Object.keys(DEFAULT_SERVER_OPTIONS));
    for (const r of rows) {
      const name = r[1]!.replace(/`/g, '') as keyof typeof DEFAULT_SERVER_OPTIONS;
      const value = DEFAULT_SERVER_OPTIONS[name];
      const documented = r[3]!;
      if (typeof value === 'string' && value !== '') expect(documented).toContain(`'${value}'`);
      else if (typeof value === 'number') expect(Number(documented.split(' ')[0]!.replace(/_/g, ''))).toBe(value);
    }
  });
});

/**
 * docs/errors.md lists exactly the entries of the error registry, in registry order, with the
 * same numeric code and close code (house-style rule 3).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorName } from '@stadium/protocol';

interface Row {
  name: string;
  code: string;
  http: string;
  close: string;
  side: string;
}

function tableRows(markdown: string): Row[] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return { name: (cells[0] ?? '').replace(/`/g, ''), code: cells[1] ?? '', http: cells[2] ?? '', close: cells[3] ?? '', side: cells[4] ?? '' };
    });
}

describe('docs/errors.md', () => {
  const rows = tableRows(readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8'));

  it('lists exactly the registry names, in registry order', () => {
    expect(rows.map((row) => row.name)).toEqual(Object.keys(ERRORS));
  });

  it('gives each name its registry code, HTTP status, close code and side', () => {
    for (const row of rows) {
      const spec = ERRORS[row.name as ErrorName];
      expect(spec, row.name).toBeDefined();
      expect(row.code, `${row.name} code`).toBe(String(spec.code));
      expect(row.http, `${row.name} HTTP status`).toBe('http' in spec ? String(spec.http) : '');
      expect(row.close, `${row.name} close code`).toBe('close' in spec ? String(spec.close) : '');
      expect(row.side, `${row.name} side`).toBe('side' in spec ? spec.side : 'server');
    }
  });
});

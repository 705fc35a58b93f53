/** docs/permissions.md shows exactly the permission table the server enforces. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROOM_ROLES, type Operation } from '../packages/server/src/core/permissions.js';

describe('docs/permissions.md', () => {
  const rows = readFileSync(new URL('../docs/permissions.md', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => /^\| `[a-zA-Z.]+` \| [✓—]/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );

  it('lists every operation once, in table order', () => {
    expect(rows.map((cells) => cells[0]!.replace(/`/g, ''))).toEqual(Object.keys(PERMISSIONS));
  });

  it('marks exactly the allowed roles, the joined rule and the summary', () => {
    for (const cells of rows) {
      const op = cells[0]!.replace(/`/g, '') as Operation;
      const rule = PERMISSIONS[op];
      const allowed = ROOM_ROLES.filter((_, i) => cells[1 + i] === '✓');
      expect(allowed, op).toEqual(ROOM_ROLES.filter((role) => rule.roles.includes(role)));
      expect(cells[6], `${op} joined`).toBe(rule.joined ? 'joined' : '');
      expect(cells[7]!.startsWith(rule.summary), `${op} summary`).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { testIo } from './test-io.js';

describe('stadium (main)', () => {
  it.each([['--help'], ['help'], ['-h']])('prints usage for %s and exits 0', async (flag) => {
    const t = testIo();
    expect(await main([flag], t.io)).toBe(0);
    expect(t.stdout()).toMatch(/^Usage: stadium <command>/);
    expect(t.stdout()).toContain('stadium usersig --sdkappid N --key KEY --user ID');
  });

  it('exits 2 with usage for no command or an unknown one', async () => {
    const none = testIo();
    expect(await main([], none.io)).toBe(2);
    expect(none.stderr()).toMatch(/^error: missing command\n\nUsage: stadium/);
    const unknown = testIo();
    expect(await main(['serve'], unknown.io)).toBe(2);
    expect(unknown.stderr()).toContain('unknown command "serve"');
  });

  it('exits 2 with a clear message and usage for an unknown flag', async () => {
    for (const argv of [
      ['start', '--prot', '1'],
      ['app', 'create', '--name', 'x', '--bogus'],
      ['usersig', '--sdkappid', '1400000000', '--key', 'k', '--user', 'u', '--nope'],
    ]) {
      const t = testIo();
      expect(await main(argv, t.io)).toBe(2);
      expect(t.stderr()).toMatch(/^error: Unknown option '--(prot|bogus|nope)'/);
      expect(t.stderr()).toContain('Usage:');
      expect(t.stdout()).toBe('');
    }
  });

  it('exits 2 for a stray positional argument or a flag missing its value', async () => {
    const stray = testIo();
    expect(await main(['usersig', 'extra'], stray.io)).toBe(2);
    expect(stray.stderr()).toContain('Unexpected argument');
    const noValue = testIo();
    expect(await main(['app', 'create', '--name'], noValue.io)).toBe(2);
    expect(noValue.stderr()).toContain("'--name");
  });

  it("prints each command's own usage for --help", async () => {
    for (const [argv, text] of [
      [['start', '--help'], 'Usage: stadium start'],
      [['app', '--help'], 'stadium app create'],
      [['app', 'create', '--help'], 'stadium app create'],
      [['usersig', '-h'], 'Usage: stadium usersig'],
    ] as const) {
      const t = testIo();
      expect(await main([...argv], t.io)).toBe(0);
      expect(t.stdout()).toContain(text);
    }
  });
});

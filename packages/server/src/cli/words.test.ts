import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../storage/open-store.js';
import { main } from './main.js';
import { testIo } from './test-io.js';

describe('stadium words', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stadium-cli-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function run(argv: string[]) {
    const t = testIo();
    const code = await main([...argv, '--data', dataDir], t.io);
    return { code, stdout: t.stdout(), stderr: t.stderr() };
  }

  it('sets a list from a file, lists and deletes it; bad input exits with a clear error and changes nothing', async () => {
    const created = await run(['app', 'create', '--name', 'Shop', '--json']);
    const id = String((JSON.parse(created.stdout) as { SDKAppID: number }).SDKAppID);
    const file = join(dataDir, 'words.txt');
    await writeFile(file, 'scam\r\n\n诈骗\nscam\n  spam  \n');

    expect(await run(['words', 'list', id])).toMatchObject({ code: 0, stdout: expect.stringContaining('no word lists') as string });
    const set = await run(['words', 'set', id, '--list', 'banned', '--action', 'reject', '--file', file]);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toContain('3 words, action reject');
    expect(JSON.parse((await run(['words', 'list', id, '--json'])).stdout)).toEqual([{ name: 'banned', action: 'reject', words: 3 }]);
    const store = await openStore({ db: '', dataDir });
    expect((await store.listWordLists(Number(id)))[0]!.words).toEqual(['scam', '诈骗', 'spam']);
    await store.close();

    // Bad command lines (exit 2) and refusals (exit 1) change nothing.
    expect((await run(['words', 'set', id, '--list', 'x', '--action', 'hold', '--file', file])).code).toBe(2);
    expect((await run(['words', 'set', id, '--list', 'x', '--action', 'mask'])).code).toBe(2);
    expect((await run(['words', 'set', id, '--list', 'x', '--action', 'mask', '--file', join(dataDir, 'missing.txt')])).code).toBe(2);
    const badName = await run(['words', 'set', id, '--list', 'no spaces', '--action', 'mask', '--file', file]);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('INVALID_PARAMETER');
    const unknownApp = await run(['words', 'list', '1599999999']);
    expect(unknownApp.code).toBe(1);
    expect(unknownApp.stderr).toContain('APP_NOT_FOUND');
    expect(JSON.parse((await run(['words', 'list', id, '--json'])).stdout)).toHaveLength(1);

    // The review action (messages held for owners and admins).
    expect((await run(['words', 'set', id, '--list', 'held', '--action', 'review', '--file', file])).stdout).toContain('3 words, action review');
    expect(await run(['words', 'delete', id, '--list', 'held'])).toMatchObject({ code: 0 });

    expect(await run(['words', 'delete', id, '--list', 'banned'])).toMatchObject({ code: 0 });
    const again = await run(['words', 'delete', id, '--list', 'banned']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('WORD_LIST_NOT_FOUND');
    expect(JSON.parse((await run(['words', 'list', id, '--json'])).stdout)).toEqual([]);
  });
});

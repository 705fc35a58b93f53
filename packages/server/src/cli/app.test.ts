import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allCallbacks } from '../core/app-callbacks.js';
import { openStore } from '../storage/open-store.js';
import { main } from './main.js';
import { testIo } from './test-io.js';

describe('stadium app', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stadium-cli-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function run(argv: string[], env: Record<string, string> = {}) {
    const t = testIo(env);
    const code = await main(argv, t.io);
    return { code, stdout: t.stdout(), stderr: t.stderr() };
  }

  async function appsInStore() {
    const store = await openStore({ db: '', dataDir });
    try {
      return await store.listApps();
    } finally {
      await store.close();
    }
  }

  it('create --json prints exactly {"SDKAppID","secretKey","adminUserID"} on one line and stores the app', async () => {
    const { code, stdout, stderr } = await run(['app', 'create', '--name', 'Shop', '--data', dataDir, '--json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    const out = JSON.parse(stdout) as { SDKAppID: number; secretKey: string; adminUserID: string };
    expect(Object.keys(out)).toEqual(['SDKAppID', 'secretKey', 'adminUserID']);
    expect(out.SDKAppID).toBeGreaterThanOrEqual(1400000000);
    expect(out.SDKAppID).toBeLessThanOrEqual(1599999999);
    expect(out.secretKey).toMatch(/^[0-9a-f]{64}$/);
    expect(out.adminUserID).toBe('administrator');
    expect(stdout).toBe(`${JSON.stringify({ SDKAppID: out.SDKAppID, secretKey: out.secretKey, adminUserID: 'administrator' })}\n`);

    const apps = await appsInStore();
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ sdkAppId: out.SDKAppID, name: 'Shop', secretKey: out.secretKey, adminUserId: 'administrator', callbackUrl: null });
  });

  it('create without --json prints a readable block with the key and a userSig hint', async () => {
    const { code, stdout } = await run(['app', 'create', '--name', 'Shop', '--data', dataDir, '--callback-url', 'https://example.com/cb']);
    expect(code).toBe(0);
    const [app] = await appsInStore();
    expect(app?.callbackUrl).toBe('https://example.com/cb');
    expect(stdout).toContain(`SDKAppID:       ${app?.sdkAppId}`);
    expect(stdout).toContain(`Secret key:     ${app?.secretKey}`);
    expect(stdout).toContain('Admin user ID:  administrator');
    expect(stdout).toContain(`npx stadium usersig --sdkappid ${app?.sdkAppId} --key ${app?.secretKey} --user administrator`);
    expect(stdout).toContain('https://example.com/cb');
  });

  it('reads STADIUM_DATA and STADIUM_DB when the flags are absent; flags win', async () => {
    expect((await run(['app', 'create', '--name', 'env', '--json'], { STADIUM_DATA: dataDir })).code).toBe(0);
    expect(await appsInStore()).toHaveLength(1);
    const file = join(dataDir, 'other.db');
    expect((await run(['app', 'create', '--name', 'env-db', '--json'], { STADIUM_DATA: dataDir, STADIUM_DB: `sqlite:${file}` })).code).toBe(0);
    expect(await appsInStore()).toHaveLength(1);
    const listed = await run(['app', 'list', '--json', '--db', `sqlite:${file}`], { STADIUM_DATA: dataDir });
    expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((a) => a.name)).toEqual(['env-db']);
  });

  it('create rejects a bad name or callback URL with the registry error, exit 1', async () => {
    const longName = await run(['app', 'create', '--name', 'x'.repeat(65), '--data', dataDir]);
    expect(longName.code).toBe(1);
    expect(longName.stderr).toMatch(/^error 19011 INVALID_APP_NAME: /);
    const badUrl = await run(['app', 'create', '--name', 'ok', '--data', dataDir, '--callback-url', 'ftp://x']);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toMatch(/^error 10004 INVALID_PARAMETER: callback URL must be an http/);
    expect(await appsInStore()).toEqual([]);
  });

  it('create without --name exits 2', async () => {
    const r = await run(['app', 'create', '--data', dataDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing --name');
  });

  it('list shows every app with its key, as text or JSON', async () => {
    expect((await run(['app', 'list', '--data', dataDir])).stdout).toContain('No applications');
    const a = JSON.parse((await run(['app', 'create', '--name', 'A', '--data', dataDir, '--json'])).stdout) as { SDKAppID: number; secretKey: string };
    const b = JSON.parse((await run(['app', 'create', '--name', 'B', '--data', dataDir, '--json'])).stdout) as { SDKAppID: number; secretKey: string };
    const text = await run(['app', 'list', '--data', dataDir]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^SDKAppID\s+NAME\s+ADMIN\s+SECRET KEY\s+DEV LOGIN\s+CALLBACK URL$/);
    for (const app of [a, b]) expect(text.stdout).toMatch(new RegExp(`${app.SDKAppID}\\s+\\S+\\s+administrator\\s+${app.secretKey}`));
    const json = JSON.parse((await run(['app', 'list', '--data', dataDir, '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(json.map((x) => x['SDKAppID']).sort()).toEqual([a.SDKAppID, b.SDKAppID].sort());
    expect(json[0]).toEqual({
      SDKAppID: expect.any(Number),
      name: expect.any(String),
      secretKey: expect.stringMatching(/^[0-9a-f]{64}$/),
      adminUserID: 'administrator',
      callbackUrl: null,
      callbacks: { commands: [], timeoutMs: 2000, failPolicy: 'allow' },
      roomRateLimitPerSec: 40,
      memberTips: true,
      devLogin: false,
      createdAt: expect.any(String),
    });
  });

  it('update sets the callback URL, commands, timeout and fail policy; create --callback-url enables every command', async () => {
    const created = JSON.parse((await run(['app', 'create', '--name', 'Hooks', '--data', dataDir, '--callback-url', 'https://example.com/cb', '--json'])).stdout) as {
      SDKAppID: number;
    };
    const id = String(created.SDKAppID);
    expect((await appsInStore())[0]?.callbacks).toEqual(allCallbacks());

    const only = await run([
      'app',
      'update',
      id,
      '--data',
      dataDir,
      '--callbacks',
      'Group.CallbackBeforeSendMsg,State.StateChange',
      '--callback-timeout',
      '750',
      '--callback-fail',
      'reject',
    ]);
    expect(only.code).toBe(0);
    expect(only.stdout).toContain('callbacks: Group.CallbackBeforeSendMsg, State.StateChange to https://example.com/cb, timeout 750 ms, fail policy reject');
    expect((await appsInStore())[0]?.callbacks).toEqual({ commands: ['Group.CallbackBeforeSendMsg', 'State.StateChange'], timeoutMs: 750, failPolicy: 'reject' });

    // --sdkappid still works; "none" sends nothing; "" removes the URL.
    expect((await run(['app', 'update', '--sdkappid', id, '--data', dataDir, '--callbacks', 'none'])).code).toBe(0);
    expect((await appsInStore())[0]?.callbacks.commands).toEqual([]);
    const json = JSON.parse((await run(['app', 'update', id, '--data', dataDir, '--callback-url', '', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ callbackUrl: null, callbacks: { commands: [], timeoutMs: 750, failPolicy: 'reject' } });
    // A URL given to an app without one enables every command, unless --callbacks says otherwise.
    expect((await run(['app', 'update', id, '--data', dataDir, '--callback-url', 'http://127.0.0.1:9/cb'])).code).toBe(0);
    expect((await appsInStore())[0]?.callbacks.commands).toEqual(allCallbacks().commands);

    for (const bad of [
      ['--callbacks', 'Group.Nope'],
      ['--callback-timeout', '5'],
      ['--callback-fail', 'maybe'],
    ]) {
      const refused = await run(['app', 'update', id, '--data', dataDir, ...bad]);
      expect(refused.code, bad.join(' ')).toBe(2);
    }
    expect((await run(['app', 'update', id, '--data', dataDir, '--callback-url', 'ftp://x'])).code).toBe(1);
    expect((await appsInStore())[0]).toMatchObject({ callbackUrl: 'http://127.0.0.1:9/cb', callbacks: { timeoutMs: 750, failPolicy: 'reject' } });
  });

  it('delete removes the app and its data; an unknown SDKAppID is APP_NOT_FOUND', async () => {
    const a = JSON.parse((await run(['app', 'create', '--name', 'A', '--data', dataDir, '--json'])).stdout) as { SDKAppID: number };
    const b = JSON.parse((await run(['app', 'create', '--name', 'B', '--data', dataDir, '--json'])).stdout) as { SDKAppID: number };
    const store = await openStore({ db: '', dataDir });
    await store.createGroup({
      sdkAppId: a.SDKAppID,
      groupId: 'room',
      type: 'AVChatRoom',
      name: 'r',
      ownerId: 'o',
      introduction: '',
      notification: '',
      faceUrl: '',
      createdAt: 0,
      lastInfoAt: 0,
      muteAll: false,
      customFields: [],
      settings: {},
      firstSeq: 1,
      counters: {},
      attributes: {},
      attributesVersion: 0,
      pinnedMessages: [],
    });
    await store.close();

    const del = await run(['app', 'delete', '--sdkappid', String(a.SDKAppID), '--data', dataDir]);
    expect(del.code).toBe(0);
    expect(del.stdout).toContain(`Deleted app ${a.SDKAppID}`);
    expect((await appsInStore()).map((x) => x.sdkAppId)).toEqual([b.SDKAppID]);
    const check = await openStore({ db: '', dataDir });
    expect(await check.listGroups(a.SDKAppID)).toEqual([]);
    await check.close();

    const again = await run(['app', 'delete', '--sdkappid', String(a.SDKAppID), '--data', dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`^error 60006 APP_NOT_FOUND: SDKAppID ${a.SDKAppID}: `));
  });

  it('delete without a valid --sdkappid exits 2', async () => {
    expect((await run(['app', 'delete', '--data', dataDir])).code).toBe(2);
    expect((await run(['app', 'delete', '--sdkappid', 'x', '--data', dataDir])).code).toBe(2);
  });

  it('unknown or missing app command exits 2', async () => {
    expect((await run(['app'])).code).toBe(2);
    const r = await run(['app', 'remove']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown app command "remove"');
  });

  it('an unsupported --db URL exits 1 naming the supported ones', async () => {
    const r = await run(['app', 'list', '--db', 'mysql://localhost/x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: db "mysql:\/\/localhost\/x" is not supported; .*postgres:\/\//);
  });

  it('a PostgreSQL database that cannot be reached exits 1 with STORE_UNAVAILABLE, its password hidden', async () => {
    const r = await run(['app', 'list', '--db', 'postgres://stadium:secret@127.0.0.1:1/x?connect_timeout_ms=500']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error 19080 STORE_UNAVAILABLE: open on postgres:\/\/stadium:\*\*\*@127\.0\.0\.1:1\/x/);
    expect(r.stderr).not.toContain('secret');
  });
});

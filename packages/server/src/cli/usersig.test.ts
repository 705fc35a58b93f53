import { describe, expect, it } from 'vitest';
import { verifyUserSig } from '../auth/user-sig.js';
import { main } from './main.js';
import { testIo } from './test-io.js';
import { DEFAULT_USERSIG_EXPIRE_SEC } from './usersig.js';

const nowSec = () => Math.floor(Date.now() / 1000);

describe('stadium usersig', () => {
  it('prints only a userSig that verifies, valid 180 days by default', async () => {
    const t = testIo();
    expect(await main(['usersig', '--sdkappid', '1400000001', '--key', 'secret', '--user', 'administrator'], t.io)).toBe(0);
    expect(t.stdout()).toMatch(/^[A-Za-z0-9*\-_]+\n$/);
    const verdict = verifyUserSig({ userSig: t.stdout().trim(), sdkAppId: 1400000001, userId: 'administrator', key: 'secret', nowSec: nowSec() });
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(verdict.expiresAt - nowSec()).toBeGreaterThan(DEFAULT_USERSIG_EXPIRE_SEC - 5);
    expect(DEFAULT_USERSIG_EXPIRE_SEC).toBe(15_552_000);
    expect(t.stderr()).toBe('');
  });

  it('honours --expire', async () => {
    const t = testIo();
    expect(await main(['usersig', '--sdkappid', '1400000001', '--key', 'secret', '--user', 'alice', '--expire', '60'], t.io)).toBe(0);
    const userSig = t.stdout().trim();
    const verdict = verifyUserSig({ userSig, sdkAppId: 1400000001, userId: 'alice', key: 'secret', nowSec: nowSec() });
    expect(verdict.ok && verdict.expiresAt - nowSec()).toBeLessThanOrEqual(60);
    expect(verifyUserSig({ userSig, sdkAppId: 1400000001, userId: 'alice', key: 'secret', nowSec: nowSec() + 120 })).toEqual({
      ok: false,
      reason: 'USERSIG_EXPIRED',
    });
  });

  it('exits 2 for missing or malformed flags', async () => {
    for (const [argv, message] of [
      [['usersig', '--key', 'k', '--user', 'u'], 'missing --sdkappid'],
      [['usersig', '--sdkappid', '1400000001', '--user', 'u'], 'missing --key'],
      [['usersig', '--sdkappid', '1400000001', '--key', 'k'], 'missing --user'],
      [['usersig', '--sdkappid', 'abc', '--key', 'k', '--user', 'u'], '--sdkappid must be an integer'],
      [['usersig', '--sdkappid', '0x10', '--key', 'k', '--user', 'u'], '--sdkappid must be an integer'],
      [['usersig', '--sdkappid', '01400000001', '--key', 'k', '--user', 'u'], '--sdkappid must be an integer'],
      [['usersig', '--sdkappid', '1400000001', '--key', 'k', '--user', 'u', '--expire', '0'], '--expire must be an integer'],
    ] as const) {
      const t = testIo();
      expect(await main([...argv], t.io)).toBe(2);
      expect(t.stderr()).toContain(message);
    }
  });

  it('exits 1 with the registry error for an invalid userID', async () => {
    const t = testIo();
    expect(await main(['usersig', '--sdkappid', '1400000001', '--key', 'k', '--user', 'has space'], t.io)).toBe(1);
    expect(t.stderr()).toMatch(/^error 70402 INVALID_USER_ID: /);
  });
});

import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { deflateSync, inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { genUserSig, verifyUserSig } from './user-sig.js';

interface TlsApi {
  genSig(userid: string, expire: number, userBuf?: Buffer | null): string;
  genPrivateMapKey(userid: string, expire: number, roomid: number, privilegeMap: number): string;
}
const require = createRequire(import.meta.url);
const TLSSigAPIv2 = require('tls-sig-api-v2') as { Api: new (sdkappid: number, key: string) => TlsApi };

const SDK_APP_ID = 1400000001;
const KEY = 'a'.repeat(64);
const OTHER_KEY = 'b'.repeat(64);
const NOW = 1_700_000_000;

function decodeSig(userSig: string): Record<string, unknown> {
  const b64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString('utf8')) as Record<string, unknown>;
}

function encodeSig(json: string, level?: number): string {
  const compressed = level === undefined ? deflateSync(Buffer.from(json)) : deflateSync(Buffer.from(json), { level });
  return compressed.toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

function hmacB64(key: string, content: string): string {
  return createHmac('sha256', key).update(content).digest('base64');
}

const verify = (userSig: unknown, overrides: Partial<{ sdkAppId: number; userId: string; key: string; nowSec: number }> = {}) =>
  verifyUserSig({ userSig, sdkAppId: SDK_APP_ID, userId: 'alice', key: KEY, nowSec: NOW + 10, ...overrides });

describe('userSig made by the public tls-sig-api-v2 library', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('verifies', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW * 1000);
    const sig = new TLSSigAPIv2.Api(SDK_APP_ID, KEY).genSig('alice', 86400);
    expect(verify(sig)).toEqual({ ok: true, issuedAt: NOW, expiresAt: NOW + 86400 });
  });

  it('verifies a ticket carrying TLS.userbuf (signed over the userbuf line)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW * 1000);
    const sig = new TLSSigAPIv2.Api(SDK_APP_ID, KEY).genPrivateMapKey('alice', 300, 1234, 255);
    expect(decodeSig(sig)['TLS.userbuf']).toEqual(expect.any(String));
    expect(verify(sig)).toEqual({ ok: true, issuedAt: NOW, expiresAt: NOW + 300 });
    expect(verify(sig, { key: OTHER_KEY })).toEqual({ ok: false, reason: 'USERSIG_BAD_SIGNATURE' });
  });

  it('is byte-identical to ours for the same inputs', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW * 1000);
    const theirs = new TLSSigAPIv2.Api(SDK_APP_ID, KEY).genSig('alice', 86400);
    expect(genUserSig({ sdkAppId: SDK_APP_ID, key: KEY, userId: 'alice', expireSec: 86400, nowSec: NOW })).toBe(theirs);
  });
});

describe('genUserSig', () => {
  const sig = genUserSig({ sdkAppId: SDK_APP_ID, key: KEY, userId: 'alice', expireSec: 600, nowSec: NOW });

  it('verifies with verifyUserSig', () => {
    expect(verify(sig)).toEqual({ ok: true, issuedAt: NOW, expiresAt: NOW + 600 });
  });

  it('holds the TLSSigAPIv2 document, checked by an independent decoder', () => {
    expect(sig).toMatch(/^[A-Za-z0-9*\-_]+$/);
    const doc = decodeSig(sig);
    expect(doc).toEqual({
      'TLS.ver': '2.0',
      'TLS.identifier': 'alice',
      'TLS.sdkappid': SDK_APP_ID,
      'TLS.time': NOW,
      'TLS.expire': 600,
      'TLS.sig': hmacB64(KEY, `TLS.identifier:alice\nTLS.sdkappid:${SDK_APP_ID}\nTLS.time:${NOW}\nTLS.expire:600\n`),
    });
  });

  it('rejects bad input with a TypeError', () => {
    expect(() => genUserSig({ sdkAppId: 0, key: KEY, userId: 'a', expireSec: 1, nowSec: NOW })).toThrow(TypeError);
    expect(() => genUserSig({ sdkAppId: SDK_APP_ID, key: '', userId: 'a', expireSec: 1, nowSec: NOW })).toThrow(TypeError);
    expect(() => genUserSig({ sdkAppId: SDK_APP_ID, key: KEY, userId: '', expireSec: 1, nowSec: NOW })).toThrow(TypeError);
    expect(() => genUserSig({ sdkAppId: SDK_APP_ID, key: KEY, userId: 'a', expireSec: 0, nowSec: NOW })).toThrow(TypeError);
  });
});

describe('verifyUserSig', () => {
  const content = `TLS.identifier:alice\nTLS.sdkappid:${SDK_APP_ID}\nTLS.time:${NOW}\nTLS.expire:600\n`;

  it('accepts a Go-style ticket (zlib level 0, struct key order, trailing newline)', () => {
    const json = `{"TLS.ver":"2.0","TLS.identifier":"alice","TLS.sdkappid":${SDK_APP_ID},"TLS.expire":600,"TLS.time":${NOW},"TLS.sig":"${hmacB64(KEY, content)}"}\n`;
    const sig = encodeSig(json, 0);
    expect(verify(sig)).toEqual({ ok: true, issuedAt: NOW, expiresAt: NOW + 600 });
  });

  it('accepts any zlib level', () => {
    const json = JSON.stringify({ 'TLS.identifier': 'alice', 'TLS.sdkappid': SDK_APP_ID, 'TLS.time': NOW, 'TLS.expire': 600, 'TLS.sig': hmacB64(KEY, content) });
    for (const level of [1, 6, 9]) expect(verify(encodeSig(json, level)).ok).toBe(true);
  });

  it('reports USERSIG_EXPIRED only after time + expire', () => {
    const sig = genUserSig({ sdkAppId: SDK_APP_ID, key: KEY, userId: 'alice', expireSec: 600, nowSec: NOW });
    expect(verify(sig, { nowSec: NOW + 600 })).toEqual({ ok: true, issuedAt: NOW, expiresAt: NOW + 600 });
    expect(verify(sig, { nowSec: NOW + 601 })).toEqual({ ok: false, reason: 'USERSIG_EXPIRED' });
  });

  it('reports USERSIG_BAD_SIGNATURE for a flipped signature character', () => {
    const doc = decodeSig(genUserSig({ sdkAppId: SDK_APP_ID, key: KEY, userId: 'alice', expireSec: 600, nowSec: NOW }));
    const s = doc['TLS.sig'] as string;
    for (const i of [0, 10, s.length - 2]) {
      const flipped = s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
      expect(verify(encodeSig(JSON.stringify({ ...doc, 'TLS.sig': flipped })))).toEqual({ ok: false, reason: 'USERSIG_BAD_SIGNATURE' });
    }
  });

  it('reports USERSIG_BAD_SIGNATURE for a ticket signed with another key, even when expired', () => {
    const sig = genUserSig({ sdkAppId: SDK_APP_ID, key: OTHER_KEY, userId: 'alice', expireSec: 600, nowSec: NOW });
    expect(verify(sig)).toEqual({ ok: false, reason: 'USERSIG_BAD_SIGNATURE' });
    expect(verify(sig, { nowSec: NOW + 10_000 })).toEqual({ ok: false, reason: 'USERSIG_BAD_SIGNATURE' });
  });

  it('reports USERSIG_BAD_SIGNATURE when a signed field was changed', () => {
    const doc = decodeSig(genUserSig({ sdkAppId: SDK_APP_ID, key: KEY, userId: 'alice', expireSec: 600, nowSec: NOW }));
    expect(verify(encodeSig(JSON.stringify({ ...doc, 'TLS.expire': 6_000_000 })))).toEqual({ ok: false, reason: 'USERSIG_BAD_SIGNATURE' });
    expect(verify(encodeSig(JSON.stringify({ ...doc, 'TLS.userbuf': 'AAAA' })))).toEqual({ ok: false, reason: 'USERSIG_BAD_SIGNATURE' });
  });

  it('reports USERSIG_USER_MISMATCH for another user', () => {
    const sig = genUserSig({ sdkAppId: SDK_APP_ID, key: KEY, userId: 'bob', expireSec: 600, nowSec: NOW });
    expect(verify(sig)).toEqual({ ok: false, reason: 'USERSIG_USER_MISMATCH' });
  });

  it('reports USERSIG_APP_MISMATCH for another app (before the user check)', () => {
    const sig = genUserSig({ sdkAppId: SDK_APP_ID + 1, key: KEY, userId: 'bob', expireSec: 600, nowSec: NOW });
    expect(verify(sig)).toEqual({ ok: false, reason: 'USERSIG_APP_MISMATCH' });
  });

  it('reports USERSIG_EMPTY for an empty ticket', () => {
    expect(verify('')).toEqual({ ok: false, reason: 'USERSIG_EMPTY' });
    expect(verify(undefined)).toEqual({ ok: false, reason: 'USERSIG_EMPTY' });
    expect(verify(null)).toEqual({ ok: false, reason: 'USERSIG_EMPTY' });
  });

  it('reports USERSIG_INVALID for garbage and never throws', () => {
    const garbage: unknown[] = [
      'hello world',
      'eJw!!!',
      'AAAA',
      42,
      {},
      [],
      'x'.repeat(100_000),
      encodeSig('not json'),
      encodeSig('[1,2]'),
      encodeSig('null'),
      encodeSig(JSON.stringify({ 'TLS.identifier': 'alice', 'TLS.sdkappid': String(SDK_APP_ID), 'TLS.time': NOW, 'TLS.expire': 600, 'TLS.sig': 'x' })),
      encodeSig(JSON.stringify({ 'TLS.identifier': 'alice', 'TLS.sdkappid': SDK_APP_ID, 'TLS.time': NOW, 'TLS.expire': 600 })),
      encodeSig(JSON.stringify({ 'TLS.identifier': 'alice', 'TLS.sdkappid': SDK_APP_ID, 'TLS.time': NOW, 'TLS.expire': 600, 'TLS.sig': 'x', 'TLS.userbuf': 5 })),
      encodeSig(' '.repeat(1_000_000)),
      genUserSig({ sdkAppId: SDK_APP_ID, key: KEY, userId: 'alice', expireSec: 600, nowSec: NOW }).slice(0, 40),
    ];
    for (const userSig of garbage) expect(verify(userSig)).toEqual({ ok: false, reason: 'USERSIG_INVALID' });
  });

  it('gives each failure a distinct reason', () => {
    const good = genUserSig({ sdkAppId: SDK_APP_ID, key: KEY, userId: 'alice', expireSec: 600, nowSec: NOW });
    const reasons = [
      verify(''),
      verify('garbage'),
      verify(genUserSig({ sdkAppId: 1400000999, key: KEY, userId: 'alice', expireSec: 600, nowSec: NOW })),
      verify(good, { userId: 'bob' }),
      verify(good, { key: OTHER_KEY }),
      verify(good, { nowSec: NOW + 601 }),
    ].map((v) => (v.ok ? 'ok' : v.reason));
    expect(new Set(reasons).size).toBe(6);
    expect(reasons).not.toContain('ok');
  });
});

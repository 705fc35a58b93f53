import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIpOf, normalizeIp, parseTrustedProxies } from './client-ip.js';

const req = (peer: string, forwarded?: string | string[]): IncomingMessage =>
  ({ socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

describe('clientIpOf', () => {
  const trusted = parseTrustedProxies('10.0.0.1, 10.0.0.2 [::1]');

  it('is the peer without trusted proxies, whatever the header says', () => {
    expect(clientIpOf(req('::ffff:198.51.100.1', '203.0.113.1'), new Set())).toBe('198.51.100.1');
    expect(clientIpOf(req('198.51.100.1', '203.0.113.1'), trusted)).toBe('198.51.100.1');
  });

  it('is the right-most forwarded address that is not a trusted proxy', () => {
    expect(clientIpOf(req('10.0.0.1', '203.0.113.1'), trusted)).toBe('203.0.113.1');
    expect(clientIpOf(req('::ffff:10.0.0.1', 'spoofed, 203.0.113.1, 10.0.0.2'), trusted)).toBe('203.0.113.1');
    expect(clientIpOf(req('::1', ['203.0.113.5', '10.0.0.2']), trusted)).toBe('203.0.113.5');
  });

  it('is the peer when the header is missing, empty or names only proxies', () => {
    expect(clientIpOf(req('10.0.0.1'), trusted)).toBe('10.0.0.1');
    expect(clientIpOf(req('10.0.0.1', ' , '), trusted)).toBe('10.0.0.1');
    expect(clientIpOf(req('10.0.0.1', '10.0.0.2'), trusted)).toBe('10.0.0.1');
  });

  it('looks at no more than 32 entries', () => {
    const many = ['203.0.113.1', ...Array.from({ length: 40 }, () => '10.0.0.2')].join(',');
    expect(clientIpOf(req('10.0.0.1', many), trusted)).toBe('10.0.0.1');
  });

  it('normalises IPv4-mapped and bracketed addresses', () => {
    expect(normalizeIp('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(normalizeIp('[::1]')).toBe('::1');
    expect([...parseTrustedProxies('')]).toEqual([]);
  });
});

/**
 * The address a WebSocket client connects from. Normally the socket's peer address; when that
 * peer is one of the `trustedProxies` (a reverse proxy or load balancer in front of Stadium),
 * the address the proxy put in `X-Forwarded-For`: the right-most entry that is not itself a
 * trusted proxy (entries further left were written by the client and prove nothing).
 */
import type { IncomingMessage } from 'node:http';

/** Parse the `trustedProxies` option: addresses separated by commas or spaces ('' trusts none). */
export function parseTrustedProxies(text: string): ReadonlySet<string> {
  return new Set(
    text
      .split(/[\s,]+/)
      .map((entry) => normalizeIp(entry))
      .filter((entry) => entry !== ''),
  );
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client; bracketed IPv6 loses its brackets. */
export function normalizeIp(address: string): string {
  const trimmed = address.trim().replace(/^\[(.*)\]$/, '$1');
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

/** The client's address for `req` (see the module comment). */
export function clientIpOf(req: IncomingMessage, trusted: ReadonlySet<string>): string {
  const peer = normalizeIp(req.socket.remoteAddress ?? '');
  if (trusted.size === 0 || !trusted.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  // A bounded walk: a client cannot make the server scan a huge header past 32 hops.
  for (let i = hops.length - 1, seen = 0; i >= 0 && seen < 32; i--, seen++) {
    const hop = normalizeIp(hops[i]!);
    if (hop === '') continue;
    if (!trusted.has(hop)) return hop;
  }
  return peer;
}

/**
 * Open the Bus named by a URL: the one place that maps `--bus` / `STADIUM_BUS` to an adapter.
 * Adapters are imported lazily, so a deployment loads only the one it uses.
 */
import type { Bus } from './bus.js';
import type { BusOptions } from './bus-options.js';

/** Bus URLs this build understands. */
export const SUPPORTED_BUS_URLS = ['local:', 'nats://host:port[,host:port…]'] as const;

/**
 * Open the bus `url` names. `local:` is this machine: in-process for one process (the
 * workers of `--workers N` get their IPC bus from the primary instead). `nats://…` (or
 * `tls://…`, several servers comma-separated) is a NATS deployment: the NATS client is loaded
 * only then. `node` names the node the bus carries. Throws a TypeError listing the supported
 * URLs for anything else.
 */
export async function openBus(url: string, options: BusOptions & { node?: string } = {}): Promise<Bus> {
  if (url === 'local:' || url === '') {
    const { LocalBus } = await import('./local-bus.js');
    return new LocalBus(options);
  }
  if (isNatsUrl(url)) {
    const { NatsBus } = await import('./nats/nats-bus.js');
    return NatsBus.connect(url, options);
  }
  throw new TypeError(`bus "${url}" is not supported by this build; use ${SUPPORTED_BUS_URLS.map((u) => `"${u}"`).join(', ')}`);
}

/** Whether `url` names a NATS deployment. */
export function isNatsUrl(url: string): boolean {
  return /^(nats|tls):\/\/[^\s]+$/.test(url);
}

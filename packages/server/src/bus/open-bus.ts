/**
 * Open the Bus named by a URL: the one place that maps `--bus` / `STADIUM_BUS` to an adapter.
 * Adapters are imported lazily, so a deployment loads only the one it uses.
 */
import type { Bus } from './bus.js';
import type { BusOptions } from './bus-options.js';

/** Bus URLs this build understands. */
export const SUPPORTED_BUS_URLS = ['local:'] as const;

/**
 * Open the bus `url` names. `local:` is this machine: in-process for one process (the
 * workers of `--workers N` get their IPC bus from the primary instead). Throws a TypeError
 * listing the supported URLs for anything else.
 */
export async function openBus(url: string, options: BusOptions = {}): Promise<Bus> {
  if (url === 'local:' || url === '') {
    const { LocalBus } = await import('./local-bus.js');
    return new LocalBus(options);
  }
  throw new TypeError(`bus "${url}" is not supported by this build; use ${SUPPORTED_BUS_URLS.map((u) => `"${u}"`).join(', ')}`);
}

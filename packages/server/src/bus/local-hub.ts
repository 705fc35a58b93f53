/**
 * The shared memory of the {@link LocalBus}es of one process: who subscribes to what, who
 * serves what. One LocalBus makes its own; give the same hub to several to run several
 * nodes in one process (tests), each node with its own LocalBus.
 */
import type { BusMessage } from './bus.js';
import type { LocalBus } from './local-bus.js';

/** One subscribe() call. */
export interface LocalSubscription {
  readonly handler: (message: BusMessage) => void;
}

/** Subscriptions and served subjects of every LocalBus on it. */
export class LocalHub {
  /** Subscriptions per subject, of every node on the hub. */
  readonly subscriptions = new Map<string, Set<LocalSubscription>>();
  /** The node that serves each subject. */
  readonly servers = new Map<string, LocalBus>();
  /** The nodes on the hub (not closed). */
  readonly nodes = new Set<LocalBus>();
}

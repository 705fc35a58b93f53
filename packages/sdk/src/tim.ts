/** The `TIM` object: `create` (one instance per SDKAppID), `createInstance`, `EVENT`, `TYPES`. */
import { TIM_EVENT, TIM_TYPES } from '@stadium/protocol';
import { Client } from './client.js';
import { resolveTimOptions, type TimOptions } from './options.js';

/** SDK version. */
export const VERSION = '0.1.0';

const instances = new Map<number, Client>();

/** The SDK's entry point, shaped like the compatible SDK's `TIM`. */
export interface TimStatic {
  /** `TIM.EVENT`: event names (exact compatible values). */
  readonly EVENT: typeof TIM_EVENT;
  /** `TIM.TYPES`: message, conversation, group and other constants (exact compatible values). */
  readonly TYPES: typeof TIM_TYPES;
  /** SDK version. */
  readonly VERSION: string;
  /**
   * The SDK instance for `options.SDKAppID`: the same instance on every call with the same
   * SDKAppID (later options are ignored) until it is destroyed. Throws 2000 without a valid SDKAppID.
   */
  create(options: TimOptions): Client;
  /**
   * Stadium extension: a new, independent instance that `create` does not cache or return,
   * for tests and load tools that need several clients in one process.
   */
  createInstance(options: TimOptions): Client;
}

/** The `TIM` object (also the package's default export). */
export const TIM: TimStatic = Object.freeze({
  EVENT: TIM_EVENT,
  TYPES: TIM_TYPES,
  VERSION,
  create(options: TimOptions): Client {
    const { SDKAppID } = resolveTimOptions(options);
    const existing = instances.get(SDKAppID);
    if (existing) return existing;
    const client: Client = new Client(options, {
      destroyed: () => {
        if (instances.get(SDKAppID) === client) instances.delete(SDKAppID);
      },
    });
    instances.set(SDKAppID, client);
    return client;
  },
  createInstance(options: TimOptions): Client {
    return new Client(options);
  },
});

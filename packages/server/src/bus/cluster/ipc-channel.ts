/**
 * The IPC channel of a multi-process node, as the cluster adapter needs it: send a message,
 * listen for messages. In production it is node:cluster's channel (`process` in a worker,
 * the `Worker` object in the primary); tests pass an in-memory pair instead
 * (testing/ipc-channel-pair.ts).
 */
import type { Worker } from 'node:cluster';

/** One end of an IPC channel that sends `Out`. */
export interface IpcChannel<Out> {
  /** Send `message`; a channel that is gone drops it (the other side's exit is handled apart). */
  send(message: Out): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** This worker's channel to the primary. Throws outside a cluster worker. */
export function processChannel<Out>(): IpcChannel<Out> {
  if (!process.send) throw new TypeError('there is no IPC channel to a primary: this process is not a cluster worker');
  return {
    send(message) {
      // The primary may be gone (shutdown); a failed send must not crash the worker.
      if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
    },
    on: (event, listener) => process.on(event, listener),
    off: (event, listener) => process.off(event, listener),
  };
}

/** The primary's channel to `worker`. */
export function workerChannel<Out>(worker: Worker): IpcChannel<Out> {
  return {
    send(message) {
      // A worker may be going away at this very moment (shutdown, crash): its channel errors
      // are expected and must not take the primary down.
      if (worker.isConnected()) worker.send(message as object, undefined, () => undefined);
    },
    on: (event, listener) => worker.on(event, listener),
    off: (event, listener) => worker.off(event, listener),
  };
}

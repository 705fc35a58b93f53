/**
 * Two connected in-memory IPC channel ends, for testing the cluster adapter in one process.
 * Each message is copied with `structuredClone` when sent (what node:cluster's 'advanced'
 * serialization does) and delivered in order, on a later microtask, to the other end.
 */
import type { IpcChannel } from '../bus/cluster/ipc-channel.js';

/** One end: what it sent, as delivered copies. */
export interface TestIpcEnd<Out> extends IpcChannel<Out> {
  /** Every message this end sent while connected. */
  readonly sent: Out[];
}

/** A worker's end and the primary's end of one channel. */
export interface IpcChannelPair<ToPrimary, ToWorker> {
  readonly worker: TestIpcEnd<ToPrimary>;
  readonly primary: TestIpcEnd<ToWorker>;
  /** Cut the channel: nothing more is delivered either way, not even what is on its way. */
  disconnect(): void;
}

class End<Out> implements TestIpcEnd<Out> {
  readonly sent: Out[] = [];
  readonly listeners = new Set<(message: unknown) => void>();
  peer: End<unknown> | undefined;
  constructor(readonly link: { connected: boolean }) {}

  send(message: Out): void {
    if (!this.link.connected) return;
    const copy = structuredClone(message);
    this.sent.push(copy);
    queueMicrotask(() => {
      if (!this.link.connected || !this.peer) return;
      for (const listener of [...this.peer.listeners]) listener(copy);
    });
  }

  on(_event: 'message', listener: (message: unknown) => void): this {
    this.listeners.add(listener);
    return this;
  }

  off(_event: 'message', listener: (message: unknown) => void): this {
    this.listeners.delete(listener);
    return this;
  }
}

/** A connected pair of in-memory channel ends. */
export function ipcChannelPair<ToPrimary, ToWorker>(): IpcChannelPair<ToPrimary, ToWorker> {
  const link = { connected: true };
  const worker = new End<ToPrimary>(link);
  const primary = new End<ToWorker>(link);
  worker.peer = primary;
  primary.peer = worker;
  return {
    worker,
    primary,
    disconnect: () => {
      link.connected = false;
    },
  };
}

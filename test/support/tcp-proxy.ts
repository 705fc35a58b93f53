/**
 * A loopback TCP proxy whose connections a test can cut on purpose, to inject network drops
 * between a real SDK and a real server. Given an idle timeout and a clock it also behaves like
 * a load balancer that closes a connection with no bytes in either direction for that long.
 */
import * as net from 'node:net';
import type { Clock } from '../../packages/server/src/clock/clock.js';

/** A running proxy. */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>` of the proxy. */
  url: string;
  /** Destroy every proxied connection now (both sides see a reset). */
  cut(): void;
  /** Refuse (close) new connections while true. */
  refuse: boolean;
  /** While true, what the server sends is dropped instead of reaching the client (a lost answer). */
  dropToClient: boolean;
  /** Connections accepted so far (refused ones not counted). */
  readonly opened: number;
  /** Connections closed for being idle so far. */
  readonly idleClosed: number;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link startTcpProxy}. */
export interface TcpProxyOptions {
  /** Close a connection after this long without a byte either way, measured on `clock`. @default never */
  idleTimeoutMs?: number;
  /** The clock of `idleTimeoutMs` (a test's manual clock). */
  clock?: Clock;
}

/** Proxy 127.0.0.1:<random> to `target` (an http URL). */
export async function startTcpProxy(target: string, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let opened = 0;
  let idleClosed = 0;
  const proxy: TcpProxy = {
    url: '',
    refuse: false,
    dropToClient: false,
    get opened() {
      return opened;
    },
    get idleClosed() {
      return idleClosed;
    },
    cut() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    async [Symbol.asyncDispose]() {
      proxy.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = net.createServer((client) => {
    if (proxy.refuse) {
      client.destroy();
      return;
    }
    opened++;
    const upstream = net.connect(Number(port), hostname);
    sockets.add(client);
    sockets.add(upstream);
    const { idleTimeoutMs, clock } = options;
    let idleTimer: ReturnType<Clock['setTimeout']> | null = null;
    const active = (): void => {
      if (idleTimeoutMs === undefined || clock === undefined) return;
      if (idleTimer !== null) clock.clearTimeout(idleTimer);
      idleTimer = clock.setTimeout(() => {
        idleTimer = null;
        idleClosed++;
        drop();
      }, idleTimeoutMs);
    };
    active();
    client.pipe(upstream);
    client.on('data', active);
    upstream.on('data', (chunk: Buffer) => {
      active();
      if (!proxy.dropToClient) client.write(chunk);
    });
    const drop = (): void => {
      if (idleTimer !== null) clock?.clearTimeout(idleTimer);
      idleTimer = null;
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return proxy;
}

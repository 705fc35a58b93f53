/**
 * A loopback TCP proxy whose connections a test can cut on purpose, to inject network drops
 * between a real SDK and a real server.
 */
import * as net from 'node:net';

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
  [Symbol.asyncDispose](): Promise<void>;
}

/** Proxy 127.0.0.1:<random> to `target` (an http URL). */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const proxy: TcpProxy = {
    url: '',
    refuse: false,
    dropToClient: false,
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
    const upstream = net.connect(Number(port), hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!proxy.dropToClient) client.write(chunk);
    });
    const drop = (): void => {
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

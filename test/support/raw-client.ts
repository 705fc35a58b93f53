/**
 * A protocol-level client for black-box tests: speaks raw frames, so tests can send what the
 * SDK never would (malformed frames, unknown commands, oversized messages).
 */
import WebSocket from 'ws';
import type { ServerFrame } from '@stadium/protocol';

/** A raw protocol connection. */
export class RawClient {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  closeCode: number | null = null;
  closeReason = '';
  #nextId = 1;
  #waiters: Array<{ match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }> = [];
  #closeWaiters: Array<() => void> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      for (const w of this.#closeWaiters) w();
    });
  }

  /** Connect and wait for `hello` (or for the close, if the server refuses). */
  static async connect(baseUrl: string, query: string, options: { localAddress?: string } = {}): Promise<RawClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws?${query}`, options);
    const client = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      const done = (): void => resolve();
      client.#waiters.push({ match: (f) => f.t === 'hello' || f.t === 'err', resolve: done });
      client.#closeWaiters.push(done);
    });
    return client;
  }

  /** Wait for the first frame (already received or future) that matches. */
  next(match: (f: ServerFrame) => boolean): Promise<ServerFrame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  /** Send a request and wait for its response frame. */
  async request(cmd: string, body: unknown = {}): Promise<ServerFrame & { t: 'res' }> {
    const id = this.#nextId++;
    this.ws.send(JSON.stringify({ t: 'req', id, cmd, body }));
    return (await this.next((f) => f.t === 'res' && f.id === id)) as ServerFrame & { t: 'res' };
  }

  /** Send raw text. */
  sendRaw(text: string | Buffer): void {
    this.ws.send(text);
  }

  /** Wait for the server to close the connection. */
  closed(): Promise<void> {
    if (this.closeCode !== null) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closeCode !== null) return;
    const done = this.closed();
    this.ws.close();
    await done;
  }
}

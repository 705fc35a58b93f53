/**
 * A raw protocol client for fuzzing: sends many frames at once and awaits their answers by
 * request id (a map, so tens of thousands of frames cost no more than one lookup each). It
 * keeps only what the properties need: the answers it is waiting for, the frames that answered
 * nothing it asked (`err`, `msgs`, …) and how the connection closed.
 */
import WebSocket from 'ws';
import type { ServerFrame } from '@stadium/protocol';

/** A `res` frame. */
export type Res = ServerFrame & { t: 'res' };

/** A raw connection that answers by id. */
export class FuzzClient {
  readonly ws: WebSocket;
  /** Frames that were not the answer to a pending request, oldest first (bounded). */
  readonly other: ServerFrame[] = [];
  closeCode: number | null = null;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (res: Res) => void; reject: (error: Error) => void }>();
  readonly #otherWaiters: Array<{ match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }> = [];
  readonly #closeWaiters: Array<() => void> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => this.#onFrame(JSON.parse(data.toString()) as ServerFrame));
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const [id, p] of this.#pending) p.reject(new Error(`connection closed with ${code} before answering request ${id}`));
      this.#pending.clear();
      for (const w of this.#closeWaiters.splice(0)) w();
    });
  }

  /** Connect and wait for `hello`. */
  static async connect(baseUrl: string, sdkAppId: number): Promise<FuzzClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws?sdkappid=${sdkAppId}&v=1`);
    const client = new FuzzClient(ws);
    await client.next((f) => f.t === 'hello');
    return client;
  }

  /** A fresh request id. */
  id(): number {
    return this.#nextId++;
  }

  /** Wait for the answer to request `id` (rejects if the connection closes first). */
  answer(id: number): Promise<Res> {
    return new Promise((resolve, reject) => {
      if (this.closeCode !== null) return reject(new Error(`connection closed with ${this.closeCode} before answering request ${id}`));
      this.#pending.set(id, { resolve, reject });
    });
  }

  /** Send a request built from `body` (any value) and wait for its answer. */
  request(cmd: string, body: unknown = {}): Promise<Res> {
    const id = this.id();
    const answer = this.answer(id);
    this.ws.send(JSON.stringify({ t: 'req', id, cmd, body }));
    return answer;
  }

  /** Send raw text (or bytes as a text frame). */
  sendRaw(text: string | Buffer, binary = false): void {
    this.ws.send(text, { binary });
  }

  /** The first frame outside the pending answers that matches (already received or future). */
  next(match: (f: ServerFrame) => boolean): Promise<ServerFrame> {
    const seen = this.other.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#otherWaiters.push({ match, resolve }));
  }

  /** Forget the frames kept so far. */
  clearOther(): void {
    this.other.length = 0;
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

  #onFrame(frame: ServerFrame): void {
    if (frame.t === 'res') {
      const pending = this.#pending.get(frame.id);
      if (pending) {
        this.#pending.delete(frame.id);
        pending.resolve(frame);
        return;
      }
    }
    if (this.other.length < 10_000) this.other.push(frame);
    for (let i = 0; i < this.#otherWaiters.length; i++) {
      const w = this.#otherWaiters[i]!;
      if (!w.match(frame)) continue;
      this.#otherWaiters.splice(i--, 1);
      w.resolve(frame);
    }
  }
}

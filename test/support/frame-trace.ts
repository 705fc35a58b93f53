/**
 * A WebSocket class for SDK instances that watches the frames they exchange, so that a test
 * driving a manual clock can wait until every ping sent has had its pong and every request
 * its answer before it moves time on (the bytes travel on real sockets, in real time).
 */
import type WebSocket from 'ws';
import type { WebSocketConstructor } from '../../packages/sdk/src/transport/websocket-like.js';
import { defaultWebSocket } from '../../packages/sdk/src/transport/websocket-node.js';

interface Outstanding {
  pings: number;
  requests: Set<number>;
}

/** See the module comment. Pass {@link FrameTrace.WebSocket} as the instance's `WebSocket` option. */
export class FrameTrace {
  /** Sockets opened so far. */
  opened = 0;
  /** The `cmd` of every request sent, in order. */
  readonly commands: string[] = [];
  readonly WebSocket: WebSocketConstructor;
  readonly #open = new Map<object, Outstanding>();
  #waiters: Array<() => void> = [];

  constructor() {
    const Base = defaultWebSocket() as unknown as new (url: string) => WebSocket;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the socket class reports to this trace
    const trace = this;
    class TracedWebSocket extends Base {
      constructor(url: string) {
        super(url);
        trace.opened++;
        const outstanding: Outstanding = { pings: 0, requests: new Set() };
        trace.#open.set(this, outstanding);
        this.on('message', (data: WebSocket.RawData) => {
          const frame = JSON.parse(data.toString()) as { t?: string; id?: number };
          if (frame.t === 'pong') outstanding.pings = Math.max(0, outstanding.pings - 1);
          else if (frame.t === 'res' && typeof frame.id === 'number') outstanding.requests.delete(frame.id);
          trace.#wake();
        });
        this.on('close', () => {
          trace.#open.delete(this);
          trace.#wake();
        });
      }

      override send(data: string): void {
        const frame = JSON.parse(data) as { t?: string; id?: number; cmd?: string };
        const outstanding = trace.#open.get(this);
        if (outstanding && frame.t === 'ping') outstanding.pings++;
        if (outstanding && frame.t === 'req' && typeof frame.id === 'number') {
          outstanding.requests.add(frame.id);
          trace.commands.push(String(frame.cmd));
        }
        super.send(data);
      }
    }
    this.WebSocket = TracedWebSocket as unknown as WebSocketConstructor;
  }

  /** Pings without a pong and requests without an answer, on open sockets. */
  get outstanding(): number {
    let n = 0;
    for (const o of this.#open.values()) n += o.pings + o.requests.size;
    return n;
  }

  /**
   * Resolves once nothing is outstanding after the promise callbacks queued so far have run
   * (a request an async step is about to send counts).
   */
  async quiet(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.outstanding === 0) return;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

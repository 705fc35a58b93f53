/**
 * The Bus contract: one vitest suite that every adapter runs (`describeBusContract` from its
 * own `*.test.ts`), so the in-process, multi-process and later NATS buses mean the same.
 * An adapter provides a factory that builds a deployment of at least three nodes, all on
 * the clock and options the suite passes in, and a way to make one node drop out.
 */
import { StadiumError, withCode, type ErrorName } from '@stadium/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../clock/manual-clock.js';
import type { Bus, BusMessage, BusRequest } from './bus.js';
import type { BusOptions } from './bus-options.js';

/** Several nodes' buses, connected to each other. */
export interface BusDeployment {
  /** One bus per node; at least three. */
  readonly buses: readonly Bus[];
  /** Node `index` goes away as if its process died: it gets nothing more, serves nothing more. */
  drop(index: number): Promise<void> | void;
  /** Resolves once every message already sent has arrived (a no-op for synchronous buses). */
  settle(): Promise<void>;
  /** Close every bus and the transport between them. */
  close(): Promise<void>;
}

/** Builds a deployment whose every bus takes `options` (clock, onHandlerError). */
export type BusDeploymentFactory = (options: BusOptions & { clock: ManualClock }) => Promise<BusDeployment> | BusDeployment;

/** A request promise whose outcome a test can look at without awaiting it. */
interface Tracked {
  readonly settled: boolean;
  readonly value: unknown;
  readonly error: unknown;
}

function track(promise: Promise<unknown>): Tracked {
  const state = { settled: false, value: undefined as unknown, error: undefined as unknown };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

function info(groupId: string): BusRequest {
  return { cmd: 'info', sdkAppId: 1400000001, groupId, body: {} };
}

function batch(groupId: string, seq: number): BusMessage {
  return { kind: 'batch', sdkAppId: 1400000001, groupId, entries: [{ seq, rank: 1, json: `{"seq":${seq}}` }] };
}

/** Resolves when `promise` rejects, with what it rejected with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<StadiumError> {
  const outcome = await promise.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(StadiumError);
  return outcome.error as StadiumError;
}

function expectReason(error: unknown, reason: ErrorName): void {
  expect(error).toBeInstanceOf(StadiumError);
  expect((error as StadiumError).reason).toBe(reason);
}

/** A handler that answers only when the test says so (never, unless `answer` is called). */
function held(): { handler: (request: BusRequest) => Promise<unknown>; calls: BusRequest[] } {
  const calls: BusRequest[] = [];
  return { calls, handler: (request) => (calls.push(request), new Promise(() => undefined)) };
}

/** Run the Bus contract against the deployments `factory` builds. */
export function describeBusContract(name: string, factory: BusDeploymentFactory): void {
  describe(`Bus contract: ${name}`, () => {
    let deployment: BusDeployment | undefined;
    let clock: ManualClock;
    let onHandlerError: ReturnType<typeof vi.fn<(error: unknown, request: BusRequest) => void>>;

    async function deploy(): Promise<{ buses: readonly Bus[]; d: BusDeployment }> {
      clock = new ManualClock();
      onHandlerError = vi.fn<(error: unknown, request: BusRequest) => void>();
      deployment = await factory({ clock, onHandlerError });
      expect(deployment.buses.length).toBeGreaterThanOrEqual(3);
      return { buses: deployment.buses, d: deployment };
    }

    afterEach(async () => {
      await deployment?.close();
      deployment = undefined;
    });

    describe('publish / subscribe', () => {
      it('delivers to the subscribers on every node, the publisher’s own included, exactly once', async () => {
        const { buses, d } = await deploy();
        const got = buses.map(() => [] as BusMessage[]);
        buses.forEach((bus, i) => bus.subscribe('room.a', (m) => got[i]!.push(m)));
        buses[2]!.subscribe('room.b', () => expect.fail('room.b has no publisher'));
        await d.settle();
        for (const [from, bus] of buses.entries()) {
          bus.publish('room.a', batch('a', from + 1));
          await d.settle();
          for (const messages of got) expect(messages).toEqual([batch('a', from + 1)]);
          for (const messages of got) messages.length = 0;
        }
      });

      it('delivers to each of two subscriptions on one node', async () => {
        const { buses, d } = await deploy();
        const first: BusMessage[] = [];
        const second: BusMessage[] = [];
        buses[1]!.subscribe('room.a', (m) => first.push(m));
        buses[1]!.subscribe('room.a', (m) => second.push(m));
        await d.settle();
        buses[0]!.publish('room.a', batch('a', 1));
        await d.settle();
        expect([first, second]).toEqual([[batch('a', 1)], [batch('a', 1)]]);
      });

      it('keeps delivering to a node’s other subscription when one of two unsubscribes', async () => {
        const { buses, d } = await deploy();
        const kept: BusMessage[] = [];
        const unsubscribe = buses[1]!.subscribe('room.a', () => expect.fail('unsubscribed'));
        buses[1]!.subscribe('room.a', (m) => kept.push(m));
        await d.settle();
        unsubscribe();
        await d.settle();
        buses[0]!.publish('room.a', batch('a', 1));
        await d.settle();
        buses[1]!.publish('room.a', batch('a', 2));
        await d.settle();
        expect(kept).toEqual([batch('a', 1), batch('a', 2)]);
      });

      it('delivers nothing more after unsubscribe', async () => {
        const { buses, d } = await deploy();
        const got = buses.map(() => [] as BusMessage[]);
        const unsubscribes = buses.map((bus, i) => bus.subscribe('room.a', (m) => got[i]!.push(m)));
        await d.settle();
        unsubscribes[0]!();
        unsubscribes[1]!();
        unsubscribes[1]!();
        await d.settle();
        buses[0]!.publish('room.a', batch('a', 1));
        await d.settle();
        buses[2]!.publish('room.a', batch('a', 2));
        await d.settle();
        expect(got).toEqual([[], [], [batch('a', 1), batch('a', 2)]]);
      });

      // Order holds per subject and publisher (a room has one publisher: its authority).
      it('keeps publish order per subject', async () => {
        const { buses, d } = await deploy();
        const seqs = (messages: BusMessage[]): number[] => messages.map((m) => (m.kind === 'batch' ? m.entries[0]!.seq : -1));
        const got = buses.map(() => ({ a: [] as BusMessage[], b: [] as BusMessage[] }));
        buses.forEach((bus, i) => {
          bus.subscribe('room.a', (m) => got[i]!.a.push(m));
          bus.subscribe('room.b', (m) => got[i]!.b.push(m));
        });
        await d.settle();
        const count = 200;
        for (let seq = 1; seq <= count; seq++) {
          buses[0]!.publish('room.a', batch('a', seq));
          buses[1]!.publish('room.b', batch('b', seq));
        }
        await d.settle();
        const expected = Array.from({ length: count }, (_, i) => i + 1);
        for (const { a, b } of got) {
          expect(seqs(a)).toEqual(expected);
          expect(seqs(b)).toEqual(expected);
        }
      });
    });

    describe('request / reply', () => {
      it('answers with the handler’s result, across nodes and on the same node', async () => {
        const { buses, d } = await deploy();
        const seen: BusRequest[] = [];
        buses[1]!.serve('authority.n1', async (request) => {
          seen.push(request);
          return { memberCount: 3, lastSeq: request.groupId.length };
        });
        await d.settle();
        await expect(buses[0]!.request('authority.n1', info('four'))).resolves.toEqual({ memberCount: 3, lastSeq: 4 });
        await expect(buses[1]!.request('authority.n1', info('seven..'))).resolves.toEqual({ memberCount: 3, lastSeq: 7 });
        await expect(buses[2]!.request('authority.n1', info(''))).resolves.toEqual({ memberCount: 3, lastSeq: 0 });
        expect(seen).toEqual([info('four'), info('seven..'), info('')]);
      });

      it('refuses with the handler’s StadiumError: same reason, same detail', async () => {
        const { buses, d } = await deploy();
        const thrown = new StadiumError('RATE_LIMITED', 'room r1 sends at most 40 messages a second');
        buses[1]!.serve('authority.n1', () => Promise.reject(thrown));
        buses[1]!.serve('authority.bare', async () => {
          throw new StadiumError('GROUP_NOT_FOUND');
        });
        await d.settle();
        for (const from of [0, 1]) {
          const error = await rejection(buses[from]!.request('authority.n1', info('r1')));
          expect([error.reason, error.code, error.message]).toEqual([thrown.reason, thrown.code, thrown.message]);
          const bare = await rejection(buses[from]!.request('authority.bare', info('r1')));
          expect([bare.reason, bare.message]).toEqual(['GROUP_NOT_FOUND', new StadiumError('GROUP_NOT_FOUND').message]);
        }
        expect(onHandlerError).not.toHaveBeenCalled();
      });

      it('keeps a refusal’s own numeric code (a callback’s custom code)', async () => {
        const { buses, d } = await deploy();
        buses[1]!.serve('authority.n1', async () => {
          throw withCode(new StadiumError('CALLBACK_REJECTED', 'links are not allowed'), 10123);
        });
        await d.settle();
        for (const from of [0, 1]) {
          const error = await rejection(buses[from]!.request('authority.n1', info('r1')));
          expect([error.reason, error.code, error.detail]).toEqual(['CALLBACK_REJECTED', 10123, 'links are not allowed']);
        }
      });

      it('turns any other handler failure into INTERNAL_ERROR and reports it once', async () => {
        const { buses, d } = await deploy();
        const bug = new TypeError('cannot read properties of undefined');
        buses[2]!.serve('authority.n2', async () => {
          throw bug;
        });
        await d.settle();
        const error = await rejection(buses[0]!.request('authority.n2', info('r1')));
        expect(error.reason).toBe('INTERNAL_ERROR');
        expect(error.message).not.toContain('cannot read');
        expect(onHandlerError).toHaveBeenCalledTimes(1);
        expect(onHandlerError).toHaveBeenCalledWith(bug, info('r1'));
        expectReason(await rejection(buses[2]!.request('authority.n2', info('r2'))), 'INTERNAL_ERROR');
        expect(onHandlerError).toHaveBeenCalledTimes(2);
      });

      it('rejects with OVERLOADED exactly when the clock passes the default timeout of 15 s', async () => {
        const { buses, d } = await deploy();
        buses[1]!.serve('authority.n1', held().handler);
        await d.settle();
        const remote = track(buses[0]!.request('authority.n1', info('r1')));
        const local = track(buses[1]!.request('authority.n1', info('r1')));
        await d.settle();
        clock.advance(14_999);
        await d.settle();
        expect([remote.settled, local.settled]).toEqual([false, false]);
        clock.advance(1);
        await d.settle();
        expectReason(remote.error, 'OVERLOADED');
        expectReason(local.error, 'OVERLOADED');
      });

      it('takes a per-request timeout', async () => {
        const { buses, d } = await deploy();
        buses[1]!.serve('authority.n1', held().handler);
        await d.settle();
        const short = track(buses[0]!.request('authority.n1', info('r1'), { timeoutMs: 50 }));
        const long = track(buses[0]!.request('authority.n1', info('r1'), { timeoutMs: 20_000 }));
        await d.settle();
        clock.advance(49);
        await d.settle();
        expect(short.settled).toBe(false);
        clock.advance(1);
        await d.settle();
        expectReason(short.error, 'OVERLOADED');
        clock.advance(15_000);
        await d.settle();
        expect(long.settled).toBe(false);
        clock.advance(4_950);
        await d.settle();
        expectReason(long.error, 'OVERLOADED');
      });

      it('answers in time does not time out later', async () => {
        const { buses, d } = await deploy();
        buses[1]!.serve('authority.n1', async () => 'done');
        await d.settle();
        await expect(buses[0]!.request('authority.n1', info('r1'), { timeoutMs: 10 })).resolves.toBe('done');
        clock.advance(60_000);
        await d.settle();
      });

      it('rejects with SERVICE_UNAVAILABLE when nobody serves the subject', async () => {
        const { buses, d } = await deploy();
        buses[1]!.serve('authority.n1', async () => 'n1');
        await d.settle();
        for (const bus of buses) {
          const error = await rejection(bus.request('authority.nobody', info('r1')));
          expect(error.reason).toBe('SERVICE_UNAVAILABLE');
          expect(error.message).toContain('authority.nobody');
        }
      });

      it('stops serving when serve()’s unsubscribe is called, and not before', async () => {
        const { buses, d } = await deploy();
        const stop = buses[1]!.serve('authority.n1', async () => 'n1');
        await d.settle();
        await expect(buses[0]!.request('authority.n1', info('r1'))).resolves.toBe('n1');
        stop();
        await d.settle();
        for (const bus of buses) expectReason(await rejection(bus.request('authority.n1', info('r1'))), 'SERVICE_UNAVAILABLE');
      });

      it('keeps the newer handler when an older one of the same subject unsubscribes', async () => {
        const { buses, d } = await deploy();
        const stopOld = buses[1]!.serve('authority.n1', async () => 'old');
        buses[1]!.serve('authority.n1', async () => 'new');
        stopOld();
        await d.settle();
        await expect(buses[0]!.request('authority.n1', info('r1'))).resolves.toBe('new');
        await expect(buses[1]!.request('authority.n1', info('r1'))).resolves.toBe('new');
      });
    });

    describe('close', () => {
      it('fails the node’s own pending requests with SERVICE_UNAVAILABLE, and refuses new ones', async () => {
        const { buses, d } = await deploy();
        buses[1]!.serve('authority.n1', held().handler);
        await d.settle();
        const pending = track(buses[0]!.request('authority.n1', info('r1')));
        await d.settle();
        await buses[0]!.close();
        await d.settle();
        expectReason(pending.error, 'SERVICE_UNAVAILABLE');
        expectReason(await rejection(buses[0]!.request('authority.n1', info('r2'))), 'SERVICE_UNAVAILABLE');
      });
    });

    describe('a node that drops out', () => {
      it('fails the requests pending at it with SERVICE_UNAVAILABLE at once', async () => {
        const { buses, d } = await deploy();
        const slow = held();
        buses[2]!.serve('authority.n2', slow.handler);
        buses[1]!.serve('authority.n1', async () => 'n1');
        await d.settle();
        const pending = [track(buses[0]!.request('authority.n2', info('r1'))), track(buses[1]!.request('authority.n2', info('r2')))];
        await d.settle();
        expect(slow.calls).toHaveLength(2);
        await d.drop(2);
        await d.settle();
        for (const request of pending) expectReason(request.error, 'SERVICE_UNAVAILABLE');
        expectReason(await rejection(buses[0]!.request('authority.n2', info('r3'))), 'SERVICE_UNAVAILABLE');
        await expect(buses[0]!.request('authority.n1', info('r4'))).resolves.toBe('n1');
      });

      it('receives no more publishes, while the others still do', async () => {
        const { buses, d } = await deploy();
        const got = buses.map(() => [] as BusMessage[]);
        buses.forEach((bus, i) => bus.subscribe('room.a', (m) => got[i]!.push(m)));
        await d.settle();
        await d.drop(2);
        await d.settle();
        buses[0]!.publish('room.a', batch('a', 1));
        await d.settle();
        buses[1]!.publish('room.a', batch('a', 2));
        await d.settle();
        expect(got).toEqual([[batch('a', 1), batch('a', 2)], [batch('a', 1), batch('a', 2)], []]);
      });
    });
  });
}

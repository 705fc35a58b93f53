/**
 * A reconnect storm after a restart (issue 12 item 4), at full size: 20,000 SDK guests in one
 * room of a real `stadium start --workers 2`, held by child processes (one process may hold at
 * most 20,000 open files). The node is restarted (SIGTERM: drain, close 4012 with a suggested
 * delay, exit; then started again on the same port and data); the SDK instances come back at
 * their own jittered pace, admission control lets them in at the node's, and each rejoins the
 * room with its position. Meanwhile the host goes on sending, so guests that come back late
 * get what they missed by resuming. What must hold: no crash, server memory bounded, at least
 * 99 % of the guests end with exactly every message once and in order (none told of a missed
 * range), and the time to full recovery is reported.
 *
 * It runs alone, after the other tests (`vitest run --project storm`): it uses both cores.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import TIM, { type Client } from '@stadium/sdk';
import { startTestStadium, TEST_WORKERS } from '../support/stadium.js';
import { nextEvent } from '../support/events.js';

const GUESTS = Number(process.env.STORM_GUESTS ?? 20_000);
const CHILDREN = 2;
/** Upper bound on the node's resident memory during the storm (both workers), bytes. */
const MEMORY_BOUND = 2 * 1024 ** 3;

/** A child process holding some of the guests. */
class Clients {
  readonly #child: ChildProcess;
  #next = 0;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;

  constructor() {
    this.#child = fork(fileURLToPath(new URL('./storm-clients.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.#child.on('message', (m: { ready?: boolean; id?: number; ok?: boolean; value?: unknown; error?: string }) => {
        if (m.ready) return resolve();
        const p = this.#pending.get(m.id!);
        this.#pending.delete(m.id!);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(new Error(m.error));
      });
      this.#child.once('exit', (code) => {
        const error = new Error(`storm clients exited with ${String(code)}`);
        reject(error);
        for (const p of this.#pending.values()) p.reject(error);
      });
    });
  }

  call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ ...args, cmd, id });
    });
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
  }
}

interface Report {
  clients: number;
  complete: number;
  duplicates: number;
  missing: number;
  outOfOrder: number;
  missedEvents: number;
}

async function residentBytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^stadium_process_process_resident_memory_bytes(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1] ?? NaN);
}

describe.skipIf(TEST_WORKERS < 2)('restart storm', () => {
  it(`${GUESTS} guests come back after a restart and resume: no crash, memory bounded, ≥ 99 % complete`, async () => {
    await using t = await startTestStadium({
      // Every guest of the storm comes from 127.0.0.1: the per-address limits are not what is tested here.
      maxConnectionsPerIp: 100_000,
      handshakesPerIpPerSec: 1_000_000,
      handshakeBurstPerIp: 1_000_000,
      maxRoomsPerConnection: 10,
    });
    const children = Array.from({ length: CHILDREN }, () => new Clients());
    try {
      await Promise.all(children.map((c) => c.ready));
      const host: Client = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: [t.url], reconnectBaseMs: 100, reconnectMaxMs: 1000 });
      host.setLogLevel(4);
      await host.login({ userID: 'host', userSig: t.sig('host') });
      const { groupID } = (await host.createGroup({ name: 'storm', type: 'AVChatRoom', settings: { memberTips: false } })).data.group;
      await host.joinGroup({ groupID });
      const send = async (text: string): Promise<void> => {
        await host.sendMessage(host.createTextMessage({ to: groupID, conversationType: 'GROUP', payload: { text } }));
      };

      const joinArgs = { servers: [t.url], sdkAppId: t.app.sdkAppId, groupID, count: GUESTS / CHILDREN, reconnectBaseMs: 500, reconnectMaxMs: 5000 };
      const joins = await Promise.all(children.map((c) => c.call<{ joined: number; ms: number }>('join', joinArgs)));
      expect(joins.reduce((n, j) => n + j.joined, 0)).toBe(GUESTS);
      const expected: string[] = [];
      for (let i = 1; i <= 5; i++) {
        expected.push(`before-${i}`);
        await send(`before-${i}`);
      }
      for (const c of children) expect(await c.call<{ waiting: number }>('wait', { text: 'before-5', timeoutMs: 60_000 })).toMatchObject({ waiting: 0 });

      // The restart: every guest is closed at once, and comes back at its own pace.
      const started = Date.now();
      let peakBytes = 0;
      const sampler = setInterval(() => {
        residentBytes(t.url).then(
          (b) => (peakBytes = Math.max(peakBytes, Number.isFinite(b) ? b : 0)),
          () => undefined,
        );
      }, 500);
      try {
        const hostBack = nextEvent(host, TIM.EVENT.NET_STATE_CHANGE, (d: { state: string }) => d.state === TIM.TYPES.NET_STATE_CONNECTED, 60_000);
        await t.restart();
        await hostBack;
        // While the guests come back, the room goes on: the late ones must get these by resuming.
        for (let i = 1; i <= 10; i++) {
          expected.push(`during-${i}`);
          await send(`during-${i}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        const waits = await Promise.all(children.map((c) => c.call<{ ms: number; waiting: number }>('wait', { text: 'during-10', timeoutMs: 120_000 })));
        const recoveredMs = Date.now() - started;
        const reports = await Promise.all(children.map((c) => c.call<Report>('report', { expected })));
        const total = reports.reduce<Report>(
          (sum, r) => ({
            clients: sum.clients + r.clients,
            complete: sum.complete + r.complete,
            duplicates: sum.duplicates + r.duplicates,
            missing: sum.missing + r.missing,
            outOfOrder: sum.outOfOrder + r.outOfOrder,
            missedEvents: sum.missedEvents + r.missedEvents,
          }),
          { clients: 0, complete: 0, duplicates: 0, missing: 0, outOfOrder: 0, missedEvents: 0 },
        );
        const summary = `${GUESTS} guests, restart to every guest back with every message: ${recoveredMs} ms; complete ${total.complete} (${((100 * total.complete) / GUESTS).toFixed(2)} %), duplicates ${total.duplicates}, missing ${total.missing}, out of order ${total.outOfOrder}, missed-range events ${total.missedEvents}; peak resident memory ${(peakBytes / 1024 ** 2).toFixed(0)} MB`;
        console.info(summary, JSON.stringify(reports), JSON.stringify(await (await fetch(`${t.url}/healthz`)).json()));
        expect(
          waits.map((w) => w.waiting),
          summary,
        ).toEqual(children.map(() => 0));
        expect(total.clients).toBe(GUESTS);
        expect(total.complete / GUESTS, summary).toBeGreaterThanOrEqual(0.99);
        expect(total.duplicates, summary).toBe(0);
        expect(peakBytes, summary).toBeGreaterThan(0);
        expect(peakBytes, summary).toBeLessThan(MEMORY_BOUND);
      } finally {
        clearInterval(sampler);
      }
      await Promise.all(children.map((c) => c.call('destroy')));
      await host.destroy();
    } finally {
      for (const c of children) c.kill();
    }
  }, 600_000);
});

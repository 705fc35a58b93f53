/**
 * What every fuzz property shares: a real server (port 0, real SQLite file) whose log is
 * collected, so a property can assert that nothing was logged at warn level or above; the check of one
 * answer; sending a batch of frames and awaiting every answer by id; a bystander that must
 * still be served after a run; and how a failure names its seed and path for replay.
 */
import fc from 'fast-check';
import { pino } from 'pino';
import { ERRORS, type ErrorName } from '@stadium/protocol';
import type { ServerOptions } from '../../packages/server/src/config/options.js';
import type { ManualClock } from '../../packages/server/src/clock/manual-clock.js';
import { startTestStadium, type TestStadium } from '../support/stadium.js';
import { requestText, shortText, type FuzzFrame } from './arbitraries.js';
import { FuzzClient, type Res } from './fuzz-client.js';

/** A pino level at or above which a line counts as a logged fault: warn (faults are logged at warn or error). */
const FAULT_LEVEL = 40;

/** A server under fuzz and what it logged at error level. */
export interface FuzzStadium {
  t: TestStadium;
  /** Lines logged at warn level or above (bounded). */
  errors: Array<Record<string, unknown>>;
  /** Every line logged at warn or above, counted. */
  logged: number;
  connect(): Promise<FuzzClient>;
  login(userId: string): Promise<FuzzClient>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Replay a failure: `FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run --project single test/fuzz/…`
 * with the seed and path from the failure message. FUZZ_RUNS multiplies every numRuns.
 */
export function fuzzParameters<T>(numRuns: number): fc.Parameters<T> {
  const seed = process.env.FUZZ_SEED;
  const path = process.env.FUZZ_PATH;
  const factor = Number(process.env.FUZZ_RUNS ?? '1');
  return {
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1))),
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(path !== undefined ? { path } : {}),
    // Runs and shrinking stop after 15 s (a failure found by then is still reported), so a slow
    // machine runs fewer cases instead of timing out.
    endOnFailure: false,
    interruptAfterTimeLimit: 15_000,
    markInterruptAsFailure: false,
  };
}

/**
 * Run a property and, on failure, rethrow with the seed and path first in the message, so a
 * truncated CI log still shows how to replay it.
 */
export async function assertProperty<T>(name: string, property: fc.IAsyncProperty<T>, parameters: fc.Parameters<T>): Promise<fc.RunDetails<T>> {
  const details = await fc.check(property, parameters);
  if (details.failed) {
    const replay = `FUZZ_SEED=${details.seed} FUZZ_PATH="${details.counterexamplePath ?? ''}"`;
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`fuzz property "${name}" failed; replay with ${replay}\n${cause.slice(0, 3000)}\n\n${fc.defaultReportMessage(details)?.slice(0, 4000) ?? ''}`);
  }
  return details;
}

/** Start a server under fuzz. Defaults suit fuzzing: bad frames do not close the connection. */
export async function startFuzzStadium(options: Partial<ServerOptions> = {}, deps: { clock?: ManualClock } = {}): Promise<FuzzStadium> {
  const errors: Array<Record<string, unknown>> = [];
  let logged = 0;
  const logger = pino(
    { level: 'warn' },
    {
      write(line: string) {
        logged++;
        const entry = JSON.parse(line) as Record<string, unknown>;
        if ((entry.level as number) >= FAULT_LEVEL && errors.length < 100) errors.push(entry);
      },
    },
  );
  // The request budgets have tests of their own (hostile-connections): here every frame must reach its checks.
  const budgets = {
    requestsPerSec: 1_000_000,
    requestBurst: 1_000_000,
    maxRequestsInFlight: 1_000_000,
    maxRefusedRequestsPerMinute: 1_000_000_000,
    maxFramesPerSec: 1_000_000_000,
    frameBurst: 1_000_000_000,
  };
  const t = await startTestStadium({ maxBadFramesPerMinute: 1_000_000_000, maxRoomsCreatedPerUserPerHour: 1_000_000, ...budgets, ...options }, { logger, ...deps });
  const clients: FuzzClient[] = [];
  const fz: FuzzStadium = {
    t,
    errors,
    get logged() {
      return logged;
    },
    async connect() {
      const c = await FuzzClient.connect(t.url, t.app.sdkAppId);
      clients.push(c);
      return c;
    },
    async login(userId) {
      const c = await fz.connect();
      expectOk(await c.request('login', { userID: userId, userSig: t.sig(userId) }), `login ${userId}`);
      return c;
    },
    async [Symbol.asyncDispose]() {
      for (const c of clients) c.ws.terminate();
      await t[Symbol.asyncDispose]();
    },
  };
  return fz;
}

/** Throw unless `res` is a success. */
export function expectOk(res: Res, what: string): Res & { data: unknown } {
  if (res.code !== 0) throw new Error(`${what} failed: ${JSON.stringify(res)}`);
  return res as Res & { data: unknown };
}

/**
 * The check every answer must pass: a `res` to the same id; a refusal is a registry error
 * (name, its own code, a short message holding the registry text) and never INTERNAL_ERROR.
 */
export function checkAnswer(res: Res, id: number, text: string): void {
  const fail = (why: string): never => {
    throw new Error(`${why}\n  sent: ${shortText(text)}\n  got:  ${shortText(JSON.stringify(res))}`);
  };
  if (res.t !== 'res' || res.id !== id) fail('not the answer to this request');
  if (res.code === 0) return;
  const { name, message } = res as { name?: string; message?: unknown };
  if (name === 'INTERNAL_ERROR') fail('INTERNAL_ERROR answered to client input');
  if (typeof name !== 'string' || !(name in ERRORS)) fail('refusal without a registry name');
  const spec = ERRORS[name as ErrorName];
  if (spec.code !== res.code) fail(`code ${res.code} is not ${name}'s code ${spec.code}`);
  if (typeof message !== 'string' || message.length > 1000) fail('message missing or longer than 1,000 characters');
  if ((message as string).split(spec.message).length - 1 !== 1) fail('message does not hold the registry text exactly once');
}

/** Largest frame the fuzzer sends; the server's maxFrameBytes (65,536) closes on more (1009). */
export const MAX_FUZZ_FRAME_BYTES = 65_000;

/** What one batch did. */
export interface BatchResult {
  sent: number;
  /** Frames over {@link MAX_FUZZ_FRAME_BYTES}, not sent. */
  skipped: number;
  answers: Array<{ text: string; res: Res }>;
}

/**
 * Send every frame at once, await every answer by id and check each. Throws on the first
 * answer that fails {@link checkAnswer} or when the connection closes.
 */
export async function sendBatch(c: FuzzClient, frames: readonly FuzzFrame[]): Promise<BatchResult> {
  const pending: Array<{ id: number; text: string; answer: Promise<Res> }> = [];
  let skipped = 0;
  for (const frame of frames) {
    const id = c.id();
    const text = requestText(id, frame);
    if (Buffer.byteLength(text) > MAX_FUZZ_FRAME_BYTES) {
      skipped++;
      continue;
    }
    pending.push({ id, text, answer: c.answer(id) });
    c.sendRaw(text);
  }
  const answers: BatchResult['answers'] = [];
  for (const p of pending) {
    const res = await p.answer.catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n  sent: ${shortText(p.text)}`);
    });
    checkAnswer(res, p.id, p.text);
    answers.push({ text: p.text, res });
  }
  return { sent: pending.length, skipped, answers };
}

/** Throw if the server logged anything at warn level or above (bad input must log nothing there). */
export function expectNoLoggedErrors(fz: FuzzStadium): void {
  if (fz.errors.length > 0) {
    const first = fz.errors[0]!;
    throw new Error(`the server logged ${fz.errors.length} warning(s) or error(s); first: ${shortText(JSON.stringify({ msg: first.msg, cmd: first.cmd, err: first.err }))}`);
  }
}

/**
 * A bystander in its own room: it must still get answers and the room's messages. `check`
 * reads its room and sends a message it must receive back (its own echo, in a `msgs` frame).
 */
export class Bystander {
  readonly #c: FuzzClient;
  readonly #groupId: string;
  #n = 0;

  private constructor(c: FuzzClient, groupId: string) {
    this.#c = c;
    this.#groupId = groupId;
  }

  static async join(fz: FuzzStadium, userId: string, groupId: string): Promise<Bystander> {
    const c = await fz.login(userId);
    expectOk(await c.request('group.create', { name: 'bystander', type: 'AVChatRoom', groupID: groupId }), 'bystander create');
    expectOk(await c.request('group.join', { groupID: groupId }), 'bystander join');
    return new Bystander(c, groupId);
  }

  async check(): Promise<void> {
    if (this.#c.closeCode !== null) throw new Error(`the bystander was disconnected (${this.#c.closeCode})`);
    expectOk(await this.#c.request('group.get', { groupID: this.#groupId }), 'bystander group.get');
    const id = `bystander-${++this.#n}`;
    const received = this.#c.next((f) => f.t === 'msgs' && f.g === this.#groupId && f.m.some((m) => m.id === id));
    // High priority is sent at once (no batch window), so this works on a ManualClock too.
    const message = { id, type: 'TIMTextElem', payload: { text: 'still here' }, priority: 'High' };
    expectOk(await this.#c.request('msg.send', { groupID: this.#groupId, message }), 'bystander msg.send');
    await received;
    this.#c.clearOther();
  }
}

/**
 * The test callback (REST `stadium_admin/send_test_callback`, the console's "send test
 * callback" button): one signed POST to the app's callback URL, built exactly like a real
 * callback (query `SdkAppid`, `CallbackCommand`, `contenttype`, `ClientIP`, `OptPlatform`,
 * header X-Stadium-Signature) with the command `Stadium.TestCallback`, which no app enables, so
 * a receiver can tell it apart. It is not counted in the callback metrics. It waits at most the
 * app's callback timeout, on the injected clock, and reports the HTTP status and the latency.
 */
import type { Clock } from '../clock/clock.js';
import type { AppRecord } from '../core/records.js';
import { SIGNATURE_HEADER, signCallback } from './callback-signature.js';
import type { CallbackTransport } from './callback-transport.js';

/** `CallbackCommand` of the test request. */
export const TEST_CALLBACK_COMMAND = 'Stadium.TestCallback';

/** What the test request gave. */
export interface TestCallbackResult {
  /** HTTP 200 with a JSON object, as a real callback needs. */
  ok: boolean;
  /** The receiver's HTTP status, 0 when there was none (refused, timed out). */
  status: number;
  /** Milliseconds until the answer (or the failure). */
  latencyMs: number;
  /** What went wrong, '' when ok. */
  detail: string;
}

/** Send the test callback of `app` (which must have a callback URL). */
export async function sendTestCallback(transport: CallbackTransport, clock: Clock, app: AppRecord & { callbackUrl: string }): Promise<TestCallbackResult> {
  const url = new URL(app.callbackUrl);
  url.searchParams.set('SdkAppid', String(app.sdkAppId));
  url.searchParams.set('CallbackCommand', TEST_CALLBACK_COMMAND);
  url.searchParams.set('contenttype', 'json');
  url.searchParams.set('ClientIP', '');
  url.searchParams.set('OptPlatform', 'RESTAPI');
  const text = JSON.stringify({ CallbackCommand: TEST_CALLBACK_COMMAND, EventTime: clock.now() });
  const headers = { [SIGNATURE_HEADER]: signCallback(app.secretKey, Math.floor(clock.now() / 1000), text) };
  const timeoutMs = app.callbacks.timeoutMs;
  const abort = new AbortController();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    abort.abort(new Error(`no answer within ${timeoutMs} ms`));
  }, timeoutMs);
  const started = performance.now();
  const latency = (): number => Math.round(performance.now() - started);
  try {
    const answer = await transport.post(url, headers, text, abort.signal);
    if (timedOut) return { ok: false, status: 0, latencyMs: latency(), detail: `no answer within ${timeoutMs} ms` };
    if (answer.status !== 200) return { ok: false, status: answer.status, latencyMs: latency(), detail: `the receiver answered HTTP ${answer.status}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      parsed = undefined;
    }
    const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    return { ok: isObject, status: 200, latencyMs: latency(), detail: isObject ? '' : 'the answer is not a JSON object' };
  } catch (error) {
    const detail = timedOut ? `no answer within ${timeoutMs} ms` : error instanceof Error ? error.message : String(error);
    return { ok: false, status: 0, latencyMs: latency(), detail };
  } finally {
    clock.clearTimeout(timer);
  }
}

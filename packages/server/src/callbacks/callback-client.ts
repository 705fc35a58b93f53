/**
 * Sends one callback request to an app's callback URL, as the compatible service does: POST,
 * JSON body, query `SdkAppid`, `CallbackCommand`, `contenttype=json`, `ClientIP`, `OptPlatform`
 * appended to the configured URL, plus Stadium's signature header. Waits at most the app's
 * callback timeout, on the injected clock. An answer counts only when it is HTTP 200 with a
 * JSON object; anything else is a failure. Every request is counted in the callback metrics.
 */
import type { Clock } from '../clock/clock.js';
import type { CallbackCommand } from '../core/app-callbacks.js';
import type { AppRecord } from '../core/records.js';
import type { Metrics } from '../metrics/metrics.js';
import { SIGNATURE_HEADER, signCallback } from './callback-signature.js';
import type { CallbackTransport } from './callback-transport.js';

/** Who caused the event, for the query string. */
export interface CallbackOrigin {
  /** `ClientIP`: the address the request came from ('' when unknown). */
  clientIp: string;
  /** `OptPlatform`: `Web`, `iOS`, … or `RESTAPI`. */
  platform: string;
}

/** The outcome of one request. */
export type CallbackResult = { ok: true; answer: Record<string, unknown> } | { ok: false; timedOut: boolean; detail: string };

/** Platforms the query may name; anything else is sent as `Unknown`. */
const OPT_PLATFORMS = new Set(['Web', 'Android', 'iOS', 'Windows', 'macOS', 'iPad', 'RESTAPI', 'Unknown']);

/** True when `app` has a callback URL and `command` enabled. */
export function callbackEnabled(app: AppRecord, command: CallbackCommand): boolean {
  return app.callbackUrl !== null && app.callbacks.commands.includes(command);
}

/** One-request callback sender. */
export class CallbackClient {
  readonly #transport: CallbackTransport;
  readonly #clock: Clock;
  readonly #metrics: Metrics;

  constructor(deps: { transport: CallbackTransport; clock: Clock; metrics: Metrics }) {
    this.#transport = deps.transport;
    this.#clock = deps.clock;
    this.#metrics = deps.metrics;
  }

  /** Send `body` (which carries `CallbackCommand`) for `command` to the app's callback URL. */
  async send(app: AppRecord, command: CallbackCommand, origin: CallbackOrigin, body: Record<string, unknown>): Promise<CallbackResult> {
    if (app.callbackUrl === null) return { ok: false, timedOut: false, detail: 'the app has no callback URL' };
    const url = new URL(app.callbackUrl);
    url.searchParams.set('SdkAppid', String(app.sdkAppId));
    url.searchParams.set('CallbackCommand', command);
    url.searchParams.set('contenttype', 'json');
    url.searchParams.set('ClientIP', origin.clientIp);
    url.searchParams.set('OptPlatform', OPT_PLATFORMS.has(origin.platform) ? origin.platform : 'Unknown');
    const text = JSON.stringify(body);
    const headers = { [SIGNATURE_HEADER]: signCallback(app.secretKey, Math.floor(this.#clock.now() / 1000), text) };
    const timeoutMs = app.callbacks.timeoutMs;
    const abort = new AbortController();
    let timedOut = false;
    const timer = this.#clock.setTimeout(() => {
      timedOut = true;
      abort.abort(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const started = performance.now();
    const metrics = this.#metrics;
    try {
      const answer = await this.#transport.post(url, headers, text, abort.signal);
      if (timedOut) throw new Error('timed out');
      metrics.callbackLatency.observe({ command }, (performance.now() - started) / 1000);
      if (answer.status !== 200) return this.#failed(command, `the receiver answered HTTP ${answer.status}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer.body);
      } catch {
        return this.#failed(command, 'the answer is not JSON');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return this.#failed(command, 'the answer is not a JSON object');
      metrics.callbackRequests.inc({ command, outcome: 'ok' });
      return { ok: true, answer: parsed as Record<string, unknown> };
    } catch (error) {
      if (timedOut) {
        metrics.callbackRequests.inc({ command, outcome: 'timeout' });
        metrics.callbackTimeouts.inc({ command });
        return { ok: false, timedOut: true, detail: `no answer within ${timeoutMs} ms` };
      }
      return this.#failed(command, error instanceof Error ? error.message : String(error));
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }

  #failed(command: CallbackCommand, detail: string): CallbackResult {
    this.#metrics.callbackRequests.inc({ command, outcome: 'error' });
    this.#metrics.callbackFailures.inc({ command });
    return { ok: false, timedOut: false, detail };
  }
}

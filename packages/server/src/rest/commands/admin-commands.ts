/**
 * `stadium_admin/…`: Stadium's own admin commands (not in the compatible API), with the same
 * calling convention, authentication and envelope as every /v4 command. Today: an app's
 * callback settings and its test callback (docs/callbacks.md).
 */
import { Type } from '@sinclair/typebox';
import { StadiumError } from '@stadium/protocol';
import { assertValidCallbackUrl } from '../../apps/create-app.js';
import { CALLBACK_COMMANDS, MAX_CALLBACK_TIMEOUT_MS, MIN_CALLBACK_TIMEOUT_MS, type AppCallbacks } from '../../core/app-callbacks.js';
import type { AppRecord } from '../../core/records.js';
import { defineCommand, type AnyRestCommand } from '../rest-command.js';

const CommandName = Type.Union(
  CALLBACK_COMMANDS.map((c) => Type.Literal(c)),
  { description: 'A callback command name' },
);
const FailPolicy = Type.Union([Type.Literal('allow'), Type.Literal('reject')], {
  description: 'Before-send callback failed or timed out: deliver the message (allow) or refuse it with 80003 (reject)',
});

const CallbackConfig = Type.Object({
  CallbackUrl: Type.String({ description: 'The callback URL; "" when none is set (no callback is sent)' }),
  Commands: Type.Array(CommandName, { description: 'The callback commands sent to the URL' }),
  TimeoutMs: Type.Integer({ description: 'Longest wait for one callback answer, milliseconds' }),
  FailPolicy,
});

function configOf(app: AppRecord): Record<string, unknown> {
  return { CallbackUrl: app.callbackUrl ?? '', Commands: [...app.callbacks.commands], TimeoutMs: app.callbacks.timeoutMs, FailPolicy: app.callbacks.failPolicy };
}

/** `stadium_admin/get_callback_config`. */
export const getCallbackConfig = defineCommand({
  path: 'stadium_admin/get_callback_config',
  summary: "The app's callback settings: URL, enabled commands, timeout and fail policy (Stadium's own command).",
  body: Type.Object({}),
  response: CallbackConfig,
  async handle({ actor, deps }) {
    const app = await deps.store.getApp(actor.app.sdkAppId);
    if (!app) throw new StadiumError('APP_NOT_FOUND', `SDKAppID ${actor.app.sdkAppId}`);
    return configOf(app);
  },
});

/** `stadium_admin/set_callback_config`. */
export const setCallbackConfig = defineCommand({
  path: 'stadium_admin/set_callback_config',
  summary: "Change the app's callback settings; absent fields keep their value. Every node applies them within appRefreshMs (Stadium's own command).",
  body: Type.Object({
    CallbackUrl: Type.Optional(Type.String({ maxLength: 2048, description: 'An http:// or https:// URL; "" removes it (no callback is sent)' })),
    Commands: Type.Optional(Type.Array(CommandName, { maxItems: CALLBACK_COMMANDS.length * 2, description: 'The callback commands to send; [] sends none' })),
    TimeoutMs: Type.Optional(Type.Integer({ minimum: MIN_CALLBACK_TIMEOUT_MS, maximum: MAX_CALLBACK_TIMEOUT_MS, description: 'Default 2000' })),
    FailPolicy: Type.Optional(FailPolicy),
  }),
  response: CallbackConfig,
  async handle({ actor, deps }, body) {
    if (body.CallbackUrl !== undefined && body.CallbackUrl !== '') assertValidCallbackUrl(body.CallbackUrl);
    const current = await deps.store.getApp(actor.app.sdkAppId);
    if (!current) throw new StadiumError('APP_NOT_FOUND', `SDKAppID ${actor.app.sdkAppId}`);
    // A URL given to an app that had none receives every command unless Commands says otherwise (as `app create --callback-url`).
    const firstUrl = body.CallbackUrl !== undefined && body.CallbackUrl !== '' && current.callbackUrl === null;
    const callbacks: AppCallbacks = {
      // In the registry's order, each once.
      commands: body.Commands !== undefined ? CALLBACK_COMMANDS.filter((c) => body.Commands!.includes(c)) : firstUrl ? [...CALLBACK_COMMANDS] : current.callbacks.commands,
      timeoutMs: body.TimeoutMs ?? current.callbacks.timeoutMs,
      failPolicy: body.FailPolicy ?? current.callbacks.failPolicy,
    };
    const app = await deps.store.updateApp(current.sdkAppId, {
      callbacks,
      ...(body.CallbackUrl === undefined ? {} : { callbackUrl: body.CallbackUrl === '' ? null : body.CallbackUrl }),
    });
    if (!app) throw new StadiumError('APP_NOT_FOUND', `SDKAppID ${current.sdkAppId}`);
    deps.appChanged?.(app);
    return configOf(app);
  },
});

/** `stadium_admin/send_test_callback`. */
export const sendTestCallback = defineCommand({
  path: 'stadium_admin/send_test_callback',
  summary:
    "Send one signed test request (CallbackCommand Stadium.TestCallback) to the app's callback URL and report the receiver's HTTP status and the latency (Stadium's own command).",
  body: Type.Object({}),
  response: Type.Object({
    CallbackUrl: Type.String({ description: 'Where the request went' }),
    Ok: Type.Integer({ description: '1 when the receiver answered HTTP 200 with a JSON object (what a real callback needs), else 0' }),
    HttpStatus: Type.Integer({ description: "The receiver's HTTP status; 0 when there was no answer (refused, timed out)" }),
    LatencyMs: Type.Integer({ description: 'Milliseconds until the answer or the failure' }),
    Detail: Type.String({ description: 'What went wrong; "" when Ok' }),
  }),
  async handle({ actor, deps }) {
    const app = await deps.store.getApp(actor.app.sdkAppId);
    if (!app) throw new StadiumError('APP_NOT_FOUND', `SDKAppID ${actor.app.sdkAppId}`);
    const callbackUrl = app.callbackUrl;
    if (callbackUrl === null) throw new StadiumError('INVALID_PARAMETER', 'the app has no callback URL: set one with stadium_admin/set_callback_config first');
    if (!deps.sendTestCallback) throw new StadiumError('SERVICE_UNAVAILABLE', 'this node sends no callbacks');
    const result = await deps.sendTestCallback({ ...app, callbackUrl });
    return { CallbackUrl: callbackUrl, Ok: result.ok ? 1 : 0, HttpStatus: result.status, LatencyMs: result.latencyMs, Detail: result.detail };
  },
});

/** Stadium's admin commands. */
export const ADMIN_COMMANDS: readonly AnyRestCommand[] = [getCallbackConfig, setCallbackConfig, sendTestCallback];

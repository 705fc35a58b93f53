/**
 * The third-party callbacks an app receives: which callback commands are sent to its callback
 * URL, how long a before-event callback may take, and what happens when it fails or times
 * out. Stored with the app (AppRecord.callbacks); the dispatcher in callbacks/ sends them.
 */

/** Every callback command Stadium sends, by its compatible name (compat-spec §4). */
export const CALLBACK_COMMANDS = [
  'Group.CallbackBeforeSendMsg',
  'Group.CallbackAfterSendMsg',
  'Group.CallbackSendMsgException',
  'Group.CallbackAfterNewMemberJoin',
  'Group.CallbackAfterMemberExit',
  'Group.CallbackAfterGroupDestroyed',
  'Group.CallbackAfterGroupInfoChanged',
  'State.StateChange',
] as const;

/** A callback command name. */
export type CallbackCommand = (typeof CALLBACK_COMMANDS)[number];

/** What to do with a message when its before-send callback fails or times out. */
export type CallbackFailPolicy = 'allow' | 'reject';

/** An app's callback settings (the URL itself is AppRecord.callbackUrl). */
export interface AppCallbacks {
  /** Commands sent to the callback URL; the others are not. @default [] (every command when created with a callback URL) */
  commands: CallbackCommand[];
  /** Longest wait for one callback answer, milliseconds. @default 2000 */
  timeoutMs: number;
  /** Before-send callback failed or timed out: deliver the message (`allow`) or refuse it with CALLBACK_FAILED, 80003 (`reject`). @default 'allow' */
  failPolicy: CallbackFailPolicy;
}

/** Default wait for a callback answer (the compatible 2 s). */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 2000;
/** Shortest and longest callback timeouts an app may set. */
export const MIN_CALLBACK_TIMEOUT_MS = 100;
export const MAX_CALLBACK_TIMEOUT_MS = 30_000;

/** No command enabled: the settings of an app without a callback URL. */
export function noCallbacks(): AppCallbacks {
  return { commands: [], timeoutMs: DEFAULT_CALLBACK_TIMEOUT_MS, failPolicy: 'allow' };
}

/** Every command enabled, default timeout and policy (`stadium app create --callback-url`). */
export function allCallbacks(): AppCallbacks {
  return { commands: [...CALLBACK_COMMANDS], timeoutMs: DEFAULT_CALLBACK_TIMEOUT_MS, failPolicy: 'allow' };
}

/** True when `value` is a callback command name. */
export function isCallbackCommand(value: unknown): value is CallbackCommand {
  return typeof value === 'string' && (CALLBACK_COMMANDS as readonly string[]).includes(value);
}

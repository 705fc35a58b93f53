/**
 * How the console talks to the server (docs/console.md): its own session endpoints under
 * /console/api/ (sign-in, apps, a short-lived admin userSig per app), and the documented REST
 * API under /v4/ for everything inside an app, called with that userSig as the app admin.
 */

/** An error answer of /console/api/ or a failed REST envelope. */
export class ConsoleError extends Error {
  constructor(
    /** Registry name (console API) or the REST ErrorCode as text. */
    readonly reason: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

let csrf = '';

/** Remember the session's CSRF token (sent on every POST). */
export function setCsrf(token: string): void {
  csrf = token;
}

/** Call a console endpoint; POSTs carry the CSRF token header. */
export async function consoleApi<T>(path: string, body?: unknown): Promise<T> {
  const init: RequestInit =
    body === undefined
      ? { credentials: 'same-origin' }
      : { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) };
  const res = await fetch(`/console/api/${path}`, init);
  const answer = (await res.json().catch(() => ({}))) as T & { error?: { name: string; code: number; message: string } };
  if (!res.ok || answer.error) {
    const e = answer.error ?? { name: 'HTTP_ERROR', code: res.status, message: `/console/api/${path} answered ${res.status}` };
    throw new ConsoleError(e.name, e.code, e.message);
  }
  return answer;
}

/** An app as the console lists it. */
export interface AppSummary {
  SDKAppID: number;
  name: string;
  createdAt: number;
  devLogin: boolean;
}

interface AdminSig {
  identifier: string;
  userSig: string;
  until: number;
}
const sigs = new Map<number, AdminSig>();

async function adminSig(sdkAppId: number): Promise<AdminSig> {
  const cached = sigs.get(sdkAppId);
  if (cached && cached.until > Date.now()) return cached;
  const answer = await consoleApi<{ identifier: string; userSig: string; expireSec: number }>('usersig', { SDKAppID: sdkAppId });
  // Ask again a minute before it ends.
  const sig = { identifier: answer.identifier, userSig: answer.userSig, until: Date.now() + (answer.expireSec - 60) * 1000 };
  sigs.set(sdkAppId, sig);
  return sig;
}

/** Forget cached userSigs (sign-out). */
export function forgetSigs(): void {
  sigs.clear();
}

/** A REST answer: the envelope plus the command's fields. */
export type RestAnswer = Record<string, unknown> & { ActionStatus: string; ErrorCode: number; ErrorInfo: string };

async function post(sdkAppId: number, command: string, body: Record<string, unknown>): Promise<Response> {
  const sig = await adminSig(sdkAppId);
  const query = new URLSearchParams({
    sdkappid: String(sdkAppId),
    identifier: sig.identifier,
    usersig: sig.userSig,
    random: String(Math.floor(Math.random() * 4294967295)),
    contenttype: 'json',
  });
  return fetch(`/v4/${command}?${query.toString()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Call `POST /v4/<command>` of app `sdkAppId` as its admin; throws ConsoleError for a failed envelope. */
export async function rest<T = RestAnswer>(sdkAppId: number, command: string, body: Record<string, unknown> = {}): Promise<T & RestAnswer> {
  const res = await post(sdkAppId, command, body);
  const answer = (await res.json().catch(() => ({ ActionStatus: 'FAIL', ErrorCode: res.status, ErrorInfo: `HTTP ${res.status}` }))) as T & RestAnswer;
  if (answer.ActionStatus !== 'OK') throw new ConsoleError(String(answer.ErrorCode), answer.ErrorCode, answer.ErrorInfo || `${command} failed (${answer.ErrorCode})`);
  return answer;
}

/**
 * Call a REST command that answers JSON lines (`stadium_admin/export_group_record`): the lines'
 * text, or a ConsoleError for a refusal (which comes as the usual JSON envelope).
 */
export async function restLines(sdkAppId: number, command: string, body: Record<string, unknown>): Promise<string> {
  const res = await post(sdkAppId, command, body);
  if (!(res.headers.get('content-type') ?? '').includes('ndjson')) {
    const answer = (await res.json().catch(() => ({ ErrorCode: res.status, ErrorInfo: `HTTP ${res.status}` }))) as Partial<RestAnswer>;
    const code = answer.ErrorCode ?? res.status;
    throw new ConsoleError(String(code), code, answer.ErrorInfo || `${command} failed (${code})`);
  }
  return res.text();
}

/** The message of any error, for the page. */
export function errorText(e: unknown): string {
  if (e instanceof ConsoleError) return `${e.message} (${e.code})`;
  return e instanceof Error ? e.message : String(e);
}

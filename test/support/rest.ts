/**
 * A REST caller for tests: `POST /v4/<path>?sdkappid=&identifier=&usersig=&random=&contenttype=json`
 * as the app admin, like a backend written for the hosted service.
 */
import type { TestStadium } from './stadium.js';

/** An answer: the envelope and the command's fields. */
export type RestAnswer = { ActionStatus: 'OK' | 'FAIL'; ErrorCode: number; ErrorInfo: string } & Record<string, unknown>;

/** Call `path` with `body` (an object, or raw text) as `identifier` (default: the app admin). */
export async function rest(
  t: TestStadium,
  path: string,
  body: unknown,
  options: { identifier?: string; usersig?: string; query?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<RestAnswer & { httpStatus: number; headers: Headers }> {
  const identifier = options.identifier ?? t.app.adminUserId;
  const usersig = options.usersig ?? t.sig(identifier);
  const query =
    options.query ??
    `sdkappid=${t.app.sdkAppId}&identifier=${encodeURIComponent(identifier)}&usersig=${encodeURIComponent(usersig)}&random=${Math.floor(Math.random() * 0xffffffff)}&contenttype=json`;
  const response = await fetch(`${t.url}/v4/${path}?${query}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'application/json', ...options.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const answer = (await response.json()) as RestAnswer;
  return { ...answer, httpStatus: response.status, headers: response.headers };
}

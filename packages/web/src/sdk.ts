/**
 * The SDK as the page gets it: the global `TIM` of /sdk/stadium.js (loaded by a script tag in
 * index.html, never bundled a second time). Only its types come from @stadium/sdk.
 */
import type { Client, Message, TimStatic } from '@stadium/sdk';

export type { Client, Message, TimStatic };

declare global {
  interface Window {
    TIM?: TimStatic;
  }
}

/** The global TIM, or undefined when /sdk/stadium.js did not load. */
export function globalTim(): TimStatic | undefined {
  return window.TIM;
}

/** The SDK instance of app `SDKAppID` on this server. */
export function timFor(TIM: TimStatic, SDKAppID: number): Client {
  const tim = TIM.create({ SDKAppID, server: location.origin });
  tim.setLogLevel(2);
  return tim;
}

/** The text of an SDK or page error, for a visible reason. */
export function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}

/** A URL the page may load as video or image: http(s) only, so no `javascript:` or `data:` URL gets in. */
export function safeUrl(value: string | null | undefined): string {
  if (!value) return '';
  try {
    const url = new URL(value, location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '';
  } catch {
    return '';
  }
}

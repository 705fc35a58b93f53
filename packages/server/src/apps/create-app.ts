/**
 * Create an application: the one path the CLI, the console and the dev-app bootstrap use,
 * so every app gets a validated name, a fresh secret key and the default settings.
 */
import { randomBytes } from 'node:crypto';
import { StadiumError } from '@stadium/protocol';
import type { Clock } from '../clock/clock.js';
import { allCallbacks, noCallbacks } from '../core/app-callbacks.js';
import { DEFAULT_APP_SETTINGS, type AppRecord, type Store } from '../storage/store.js';

/** Input of {@link createApp}. */
export interface CreateAppInput {
  /** Display name, 1–64 characters. */
  name: string;
  /** Webhook URL (http or https) that receives every callback command of the app. */
  callbackUrl?: string | null;
  /** Choose the SDKAppID; omitted, the store picks a free one. */
  sdkAppId?: number;
  /** Turn on the development login (app setting `devLogin`, docs/live-page.md). @default false */
  devLogin?: boolean;
}

/** The admin account every new app gets. */
export const DEFAULT_ADMIN_USER_ID = 'administrator';
/** Longest app name, in characters. */
export const MAX_APP_NAME_CHARS = 64;
/** Bytes of randomness in a secret key (hex-encoded to 64 characters). */
const SECRET_KEY_BYTES = 32;

/** A new secret key: 64 lowercase hex characters. */
export function generateSecretKey(): string {
  return randomBytes(SECRET_KEY_BYTES).toString('hex');
}

/** Throw `INVALID_APP_NAME` unless `name` is a string of 1–64 characters that is not all blank. */
export function assertValidAppName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '' || [...name].length > MAX_APP_NAME_CHARS) {
    throw new StadiumError('INVALID_APP_NAME', typeof name === 'string' ? `got ${[...name].length} characters` : undefined);
  }
}

/** Throw `INVALID_PARAMETER` unless `url` is an absolute http(s) URL. */
export function assertValidCallbackUrl(url: unknown): asserts url is string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new StadiumError('INVALID_PARAMETER', `callback URL must be an http:// or https:// URL, got ${JSON.stringify(url)}`);
  }
}

/**
 * Validate and create an app with admin `administrator`, a random secret key and
 * {@link DEFAULT_APP_SETTINGS}. Rejects with `INVALID_APP_NAME`, `INVALID_PARAMETER` (callback
 * URL, SDKAppID) or `APP_LIMIT_REACHED`.
 */
export async function createApp(store: Store, input: CreateAppInput, clock: Clock): Promise<AppRecord> {
  assertValidAppName(input.name);
  const callbackUrl = input.callbackUrl ?? null;
  if (callbackUrl !== null) assertValidCallbackUrl(callbackUrl);
  return store.createApp({
    ...(input.sdkAppId !== undefined ? { sdkAppId: input.sdkAppId } : {}),
    name: input.name,
    secretKey: generateSecretKey(),
    adminUserId: DEFAULT_ADMIN_USER_ID,
    callbackUrl,
    // A callback URL given at creation receives every callback command (the documented contract).
    callbacks: callbackUrl === null ? noCallbacks() : allCallbacks(),
    createdAt: clock.now(),
    settings: { ...DEFAULT_APP_SETTINGS, devLogin: input.devLogin === true },
  });
}

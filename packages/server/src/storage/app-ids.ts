/**
 * SDKAppID allocation rules shared by every Store adapter, so all of them hand out IDs from
 * the same range and refuse the same inputs.
 */
import { randomInt } from 'node:crypto';
import { LIMITS, StadiumError } from '@stadium/protocol';

/** Lowest SDKAppID a store picks by itself (the compatible service's IM apps start here). */
export const SDK_APP_ID_MIN = 1_400_000_000;
/** Highest SDKAppID a store picks by itself. */
export const SDK_APP_ID_MAX = 1_599_999_999;
/** Largest SDKAppID accepted when the caller chooses one (the compatible service's IDs are uint32). */
const SDK_APP_ID_CEILING = 0xffff_ffff;
/** Attempts at a random free ID before giving up; with ≤300 apps in a 200M range one is plenty. */
const MAX_ATTEMPTS = 64;

/** A random SDKAppID in {@link SDK_APP_ID_MIN}–{@link SDK_APP_ID_MAX}. */
export function randomSdkAppId(): number {
  return randomInt(SDK_APP_ID_MIN, SDK_APP_ID_MAX + 1);
}

/** Throw `INVALID_PARAMETER` unless `id` can be an SDKAppID (a positive uint32). */
export function assertValidSdkAppId(id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0 || id > SDK_APP_ID_CEILING) {
    throw new StadiumError('INVALID_PARAMETER', `SDKAppID must be an integer 1–${SDK_APP_ID_CEILING}, got ${String(id)}`);
  }
}

/** Throw `APP_LIMIT_REACHED` when `count` apps already exist. */
export function assertBelowAppLimit(count: number): void {
  if (count >= LIMITS.maxAppsPerAccount) throw new StadiumError('APP_LIMIT_REACHED', `${count} applications exist`);
}

/** The error for an explicit SDKAppID another app already has. */
export function duplicateSdkAppId(id: number): StadiumError {
  return new StadiumError('INVALID_PARAMETER', `SDKAppID ${id} is already in use`);
}

/**
 * Choose the SDKAppID of a new app: `wanted` when given (validated and checked free), else a
 * random free one. `isTaken` asks the adapter.
 */
export async function chooseSdkAppId(wanted: number | undefined, isTaken: (id: number) => boolean | Promise<boolean>): Promise<number> {
  if (wanted !== undefined) {
    assertValidSdkAppId(wanted);
    if (await isTaken(wanted)) throw duplicateSdkAppId(wanted);
    return wanted;
  }
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const id = randomSdkAppId();
    if (!(await isTaken(id))) return id;
  }
  throw new StadiumError('INTERNAL_ERROR', 'could not find a free SDKAppID');
}

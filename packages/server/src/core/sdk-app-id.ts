/**
 * SDKAppIDs are parsed strictly: decimal digits only (no sign, no `0x`, no exponent, no
 * spaces), within the range of app IDs. `Number()` would accept `0x5A`, `1e9` or ` 7`.
 */

/** Largest SDKAppID accepted from outside (32-bit unsigned). */
export const MAX_SDK_APP_ID = 0xffffffff;

/** The SDKAppID in `text`, or undefined when it is not a plain decimal ID. */
export function parseSdkAppId(text: string | null | undefined): number | undefined {
  if (typeof text !== 'string' || !/^[1-9][0-9]{0,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= MAX_SDK_APP_ID ? value : undefined;
}

/**
 * The one parser of an SDKAppID given as text (the `sdkappid` query parameter of the
 * WebSocket upgrade and of REST calls, CLI flags). `Number()` alone takes `0x10`, `1e9`,
 * ` 7 `, `+7` and `''` (as 0); an SDKAppID is written in decimal digits only, and is a
 * uint32 like the compatible service's.
 */

/** Largest SDKAppID accepted from outside (32-bit unsigned). */
export const MAX_SDK_APP_ID = 0xffffffff;

/** A positive SDKAppID from decimal text (no sign, no leading zeros, no spaces, at most {@link MAX_SDK_APP_ID}); undefined otherwise. */
export function parseSdkAppId(text: string | null | undefined): number | undefined {
  if (typeof text !== 'string' || !/^[1-9][0-9]{0,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= MAX_SDK_APP_ID ? value : undefined;
}

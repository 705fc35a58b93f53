/**
 * The one parser of an SDKAppID given as text (the `sdkappid` query parameter of the
 * WebSocket upgrade, CLI flags). `Number()` alone takes `0x10`, `1e9`, ` 7 `, `+7` and `''`
 * (as 0); an SDKAppID is written in decimal digits only.
 */

/** A positive SDKAppID from decimal text (no sign, no leading zeros, no spaces, safe integer); undefined otherwise. */
export function parseSdkAppId(text: string | null | undefined): number | undefined {
  if (typeof text !== 'string' || !/^[1-9][0-9]{0,15}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Where an instance connects: the server's WebSocket endpoint for an app. */
import { PROTOCOL_VERSION, WS_PATH } from '@stadium/protocol';

/** The WebSocket URL for a server base URL: http→ws, https→wss, path `/ws`, query sdkappid, v, platform. */
export function connectionUrl(server: string, SDKAppID: number, platform: string): string {
  const url = new URL(server);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  url.pathname = url.pathname.replace(/\/+$/, '') + WS_PATH;
  url.search = '';
  url.searchParams.set('sdkappid', String(SDKAppID));
  url.searchParams.set('v', String(PROTOCOL_VERSION));
  url.searchParams.set('platform', platform);
  return url.toString();
}

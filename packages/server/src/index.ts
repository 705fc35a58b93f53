/** @stadium/server: the Stadium server as a library (the CLI is `stadium`). */
export { startStadium } from './server.js';
export type { StadiumServer, StadiumDeps } from './server.js';
export { DEFAULT_SERVER_OPTIONS, resolveServerOptions } from './config/options.js';
export type { ServerOptions } from './config/options.js';
export type { Store, AppRecord, GroupRecord, AppSettings } from './storage/store.js';
export { systemClock } from './clock/clock.js';
export type { Clock } from './clock/clock.js';
export { ManualClock } from './clock/manual-clock.js';

/** Bounds of a room's history for late joiners and its whole record (docs/protocol.md, docs/rest-api.md). */

/** Most messages one room's record keeps (`keepRecord`); past it the oldest are dropped. */
export const MAX_RECORD_MESSAGES = 1_000_000;
/** Default and largest page of `msg.history` (the compatible SDK asks for 15 at a time). */
export const HISTORY_PAGE_DEFAULT = 15;
export const HISTORY_PAGE_MAX = 100;

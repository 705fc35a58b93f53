/** Keeping lists bounded: the page runs through long shows without growing. */

/** Most chat lines the chat panel keeps (older ones leave the DOM). */
export const MAX_CHAT_LINES = 200;
/** Most system-notice banners shown at once. */
export const MAX_BANNERS = 3;
/** Most gift animations shown at once. */
export const MAX_GIFTS_SHOWN = 3;

/** `list` followed by `more`, keeping only the last `max` items (a new array). */
export function appendBounded<T>(list: readonly T[], more: readonly T[], max: number): T[] {
  if (more.length >= max) return more.slice(more.length - max);
  const keep = Math.max(0, list.length + more.length - max);
  return keep === 0 ? [...list, ...more] : [...list.slice(keep), ...more];
}

/**
 * Gifts: custom messages sent at High priority (so a busy room sheds comments before gifts),
 * with `data` = JSON `{"kind":"gift","gift":"<id>"}` and `description` "gift". Any app can send
 * the same message from its own client or backend and the live page shows it.
 */

/** A gift the page can send. */
export interface Gift {
  id: string;
  name: string;
  emoji: string;
}

/** The gifts of the page. */
export const GIFTS: readonly Gift[] = Object.freeze([
  { id: 'rose', name: 'Rose', emoji: '🌹' },
  { id: 'rocket', name: 'Rocket', emoji: '🚀' },
  { id: 'party', name: 'Party', emoji: '🎉' },
]);

/** The custom payload of a gift message. */
export function giftPayload(gift: Gift): { data: string; description: string; extension: string } {
  return { data: JSON.stringify({ kind: 'gift', gift: gift.id }), description: 'gift', extension: '' };
}

/** The gift a custom payload carries, or undefined when it is not a gift the page knows. */
export function parseGift(payload: { data?: unknown }): Gift | undefined {
  if (typeof payload.data !== 'string' || payload.data.length > 200) return undefined;
  try {
    const value = JSON.parse(payload.data) as { kind?: unknown; gift?: unknown };
    if (value.kind !== 'gift') return undefined;
    return GIFTS.find((g) => g.id === value.gift);
  } catch {
    return undefined;
  }
}

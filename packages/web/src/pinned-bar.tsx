/**
 * The room's pinned messages, above the chat panel: read after joining
 * (getPinnedGroupMessageList) and replaced on every PINNED_GROUP_MESSAGE_UPDATED. Text is
 * rendered as text (Preact escapes it), never as HTML.
 */
import type { Message } from './sdk.js';

/** One pin as the page shows it. */
export interface Pin {
  seq: number;
  nick: string;
  text: string;
}

/** Longest text a pin shows, characters (the rest is cut with an ellipsis). */
const MAX_PIN_CHARS = 140;

/** The pins the page shows for a room's pinned messages. */
export function pinsOf(messages: readonly Message[]): Pin[] {
  return messages.map((m) => {
    const payload = m.payload;
    const raw = typeof payload.text === 'string' ? payload.text : typeof payload.description === 'string' && payload.description !== '' ? payload.description : '(message)';
    const text = raw.length > MAX_PIN_CHARS ? `${raw.slice(0, MAX_PIN_CHARS - 1)}…` : raw;
    return { seq: m.sequence, nick: m.nick || m.from, text };
  });
}

export function PinnedBar({ pins }: { pins: readonly Pin[] }) {
  if (pins.length === 0) return null;
  return (
    <section class="pinned" aria-label="Pinned messages" data-testid="pinned">
      <ul class="pinned-list">
        {pins.map((p) => (
          <li class="pinned-item" key={p.seq}>
            <span class="pinned-icon" aria-hidden="true">
              📌
            </span>
            <span class="pinned-nick">{p.nick}</span>
            <span class="pinned-text">{p.text}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

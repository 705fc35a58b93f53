/**
 * The chat panel: the last {@link MAX_CHAT_LINES} lines (older ones leave the DOM), with nick
 * and avatar; text is always rendered as text. It keeps to the bottom unless the viewer scrolled up.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import { Avatar } from './avatar.js';

/** One line of the chat. */
export type ChatLine =
  | { id: string; kind: 'text'; userID: string; nick: string; avatar: string; text: string; self: boolean }
  | { id: string; kind: 'gift'; nick: string; gift: string }
  | { id: string; kind: 'tip'; text: string }
  | { id: string; kind: 'error'; text: string };

function Line({ line }: { line: ChatLine }) {
  switch (line.kind) {
    case 'text':
      return (
        <li class={line.self ? 'chat-line self' : 'chat-line'}>
          <Avatar url={line.avatar} name={line.nick || line.userID} />
          <span class="nick">{line.nick || line.userID}</span>
          <span class="text">{line.text}</span>
        </li>
      );
    case 'gift':
      return (
        <li class="chat-line gift">
          <span class="nick">{line.nick}</span> sent {line.gift}
        </li>
      );
    case 'tip':
      return <li class="chat-line tip">{line.text}</li>;
    case 'error':
      return <li class="chat-line error">{line.text}</li>;
  }
}

export function ChatPanel({ lines }: { lines: readonly ChatLine[] }) {
  const list = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = list.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines]);
  return (
    <ol
      class="chat-list"
      ref={list}
      aria-label="Chat"
      aria-live="off"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {lines.map((line) => (
        <Line key={line.id} line={line} />
      ))}
    </ol>
  );
}

/**
 * Comments flying across the video. The {@link DanmakuScheduler} decides which comment enters
 * which lane; this component only draws: one span per comment, moved by the compositor (Web
 * Animations on `transform`) and removed when it has crossed, so the overlay holds a bounded
 * number of nodes (at most {@link MAX_FLYING}) whatever the message rate. Hidden from screen
 * readers: the chat panel has the same text.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { DanmakuScheduler } from './danmaku-scheduler.js';

/** A comment for the overlay. */
export interface Danmaku {
  text: string;
  self: boolean;
}

/** Longest text shown in the overlay, characters (the chat shows all of it). */
export const MAX_DANMAKU_CHARS = 40;
/** Most comments in flight at once (a backstop; the lanes keep it lower). */
export const MAX_FLYING = 60;
/** Time to cross the video, ms. */
const FLIGHT_MS = 8000;
/** Height of a lane, px. */
const LANE_PX = 34;
/** Space above the first lane, px (system-notice banners sit there). */
const TOP_PX = 56;
const TICK_MS = 100;

export function DanmakuOverlay({ scheduler }: { scheduler: DanmakuScheduler<Danmaku> }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    const timer = setInterval(() => {
      if (document.hidden || reduced) {
        scheduler.clear();
        return;
      }
      scheduler.setLanes(Math.min(8, Math.max(1, Math.floor(((el.clientHeight - TOP_PX) * 0.75) / LANE_PX))));
      const width = el.clientWidth;
      for (const { item, lane } of scheduler.take(performance.now())) {
        if (el.childElementCount >= MAX_FLYING) {
          scheduler.dropped++;
          continue;
        }
        const span = document.createElement('span');
        span.className = item.self ? 'dm self' : 'dm';
        span.textContent = [...item.text].length > MAX_DANMAKU_CHARS ? `${[...item.text].slice(0, MAX_DANMAKU_CHARS).join('')}…` : item.text;
        span.style.top = `${TOP_PX + lane * LANE_PX}px`;
        el.append(span);
        const flight = span.animate([{ transform: `translateX(${width}px)` }, { transform: 'translateX(-100%)' }], { duration: FLIGHT_MS, easing: 'linear' });
        flight.onfinish = () => span.remove();
        flight.oncancel = () => span.remove();
      }
    }, TICK_MS);
    return () => {
      clearInterval(timer);
      el.replaceChildren();
    };
  }, [scheduler]);
  return <div class="danmaku" ref={box} aria-hidden="true" />;
}

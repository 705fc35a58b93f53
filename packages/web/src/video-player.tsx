/**
 * The video area: a plain HTML5 player for the room's video URL (MP4, WebM, HLS), or a
 * placeholder when the room has none. An HLS URL (.m3u8) plays natively where the browser can;
 * elsewhere hls.js (its light build) is loaded on demand, so it is never part of the first load.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { safeUrl } from './sdk.js';

/** Whether `url` names an HLS playlist. */
export function isHlsUrl(url: string): boolean {
  try {
    return new URL(url).pathname.toLowerCase().endsWith('.m3u8');
  } catch {
    return false;
  }
}

export function VideoPlayer({ url, title }: { url: string; title: string }) {
  const src = safeUrl(url);
  const video = useRef<HTMLVideoElement>(null);
  const [player, setPlayer] = useState<'native' | 'hls'>('native');
  const [error, setError] = useState('');

  useEffect(() => {
    const el = video.current;
    setError('');
    if (!el || !src) return;
    if (!isHlsUrl(src) || el.canPlayType('application/vnd.apple.mpegurl') !== '') {
      setPlayer('native');
      el.src = src;
      return;
    }
    setPlayer('hls');
    let live = true;
    let hls: { destroy(): void } | undefined;
    import('hls.js/light').then(
      ({ default: Hls }) => {
        if (!live) return;
        if (!Hls.isSupported()) {
          setError('This browser cannot play this HLS stream.');
          return;
        }
        const instance = new Hls();
        hls = instance;
        instance.loadSource(src);
        instance.attachMedia(el);
      },
      () => live && setError('The HLS player did not load; reload the page.'),
    );
    return () => {
      live = false;
      hls?.destroy();
    };
  }, [src]);

  if (!src) {
    return (
      <div class="video placeholder" role="img" aria-label="No video for this room yet">
        <div class="placeholder-inner">
          <span class="live-dot" aria-hidden="true" /> LIVE
          <p class="placeholder-title">{title}</p>
          <p class="placeholder-hint">No video yet: set the room's custom field "video" or add ?video=&lt;URL&gt;</p>
        </div>
      </div>
    );
  }
  return (
    <>
      <video class="video" ref={video} data-player={player} controls autoplay muted playsinline aria-label={`Video of ${title}`} />
      {error && (
        <p class="video-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/**
 * The video area: a plain HTML5 player for the room's video URL (MP4, WebM, or HLS where the
 * browser plays it natively), or a placeholder when the room has none.
 */
import { safeUrl } from './sdk.js';

export function VideoPlayer({ url, title }: { url: string; title: string }) {
  const src = safeUrl(url);
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
  return <video class="video" src={src} controls autoplay muted playsinline aria-label={`Video of ${title}`} />;
}

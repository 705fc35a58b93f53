/** A user's avatar: their picture when it is an http(s) URL, otherwise their initial on a colour of their own. */
import { safeUrl } from './sdk.js';

function hue(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) % 360;
  return h;
}

export function Avatar({ url, name }: { url: string; name: string }) {
  const src = safeUrl(url);
  if (src) return <img class="avatar" src={src} alt="" width={28} height={28} loading="lazy" />;
  const initial = [...(name.trim() || '?')][0]!.toUpperCase();
  return (
    <span class="avatar" aria-hidden="true" style={{ background: `hsl(${hue(name)} 55% 42%)` }}>
      {initial}
    </span>
  );
}

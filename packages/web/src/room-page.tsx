/**
 * A live room: video with the danmaku overlay, gifts and banners over it; likes, gifts and the
 * online count below; the chat panel beside (below, on a phone). Guests read; logging in with
 * a nickname enables the input. Everything goes through the SDK's public API, as an app would.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { GroupInfo } from '@stadium/sdk';
import { appendBounded, MAX_BANNERS, MAX_CHAT_LINES, MAX_GIFTS_SHOWN } from './bounded.js';
import { ChatPanel, type ChatLine } from './chat-panel.js';
import { DanmakuOverlay, type Danmaku } from './danmaku-overlay.js';
import { DanmakuScheduler } from './danmaku-scheduler.js';
import { GIFTS, giftPayload, parseGift, type Gift } from './gifts.js';
import { loadIdentity, saveIdentity, userIdFor, type Identity } from './identity.js';
import { logIn } from './login.js';
import { LoginForm } from './login-form.js';
import { PinnedBar, pinsOf, type Pin } from './pinned-bar.js';
import { errorText, timFor, type Message, type TimStatic } from './sdk.js';
import { VideoPlayer } from './video-player.js';

/** Longest comment the input takes, characters. */
const MAX_COMMENT_CHARS = 200;
/** How often the online count is read again (tips may be off), ms. */
const ONLINE_POLL_MS = 10_000;
/** How long a gift animation stays, ms. */
const GIFT_SHOW_MS = 3500;

interface GiftShow {
  id: number;
  gift: Gift;
  nick: string;
}
interface Banner {
  id: number;
  text: string;
}

let nextId = 0;
const localId = (): number => ++nextId;

export function RoomPage({ TIM, sdkAppId, groupID, videoParam }: { TIM: TimStatic; sdkAppId: number; groupID: string; videoParam: string }) {
  const tim = useMemo(() => timFor(TIM, sdkAppId), [TIM, sdkAppId]);
  const scheduler = useMemo(() => new DanmakuScheduler<Danmaku>(), []);
  const [group, setGroup] = useState<GroupInfo | null>(null);
  const [joinError, setJoinError] = useState('');
  const [identity, setIdentity] = useState<Identity | undefined>(undefined);
  const [loggingIn, setLoggingIn] = useState(false);
  const [loginError, setLoginError] = useState('');
  const [lines, setLines] = useState<ChatLine[]>([]);
  const [likes, setLikes] = useState(0);
  const [online, setOnline] = useState(0);
  const [gifts, setGifts] = useState<GiftShow[]>([]);
  const [banners, setBanners] = useState<Banner[]>([]);
  const [draft, setDraft] = useState('');
  const [sendError, setSendError] = useState('');
  const [ended, setEnded] = useState('');
  const [pins, setPins] = useState<Pin[]>([]);

  // Lines arrive in bursts (40/s and more): they are buffered and rendered once per frame.
  const pending = useRef<ChatLine[]>([]);
  const flushing = useRef(false);
  const addLines = useCallback((more: ChatLine[]) => {
    pending.current = appendBounded(pending.current, more, MAX_CHAT_LINES);
    if (flushing.current) return;
    flushing.current = true;
    const flush = (): void => {
      flushing.current = false;
      const batch = pending.current;
      pending.current = [];
      setLines((old) => appendBounded(old, batch, MAX_CHAT_LINES));
    };
    if (document.hidden) setTimeout(flush, 250);
    else requestAnimationFrame(flush);
  }, []);

  const showGift = useCallback((gift: Gift, nick: string) => {
    const show = { id: localId(), gift, nick };
    setGifts((old) => appendBounded(old, [show], MAX_GIFTS_SHOWN));
    setTimeout(() => setGifts((old) => old.filter((g) => g.id !== show.id)), GIFT_SHOW_MS);
  }, []);
  const addBanner = useCallback((text: string) => setBanners((old) => appendBounded(old, [{ id: localId(), text }], MAX_BANNERS)), []);

  const onMessages = useCallback(
    (messages: Message[]) => {
      const out: ChatLine[] = [];
      const now = performance.now();
      for (const m of messages) {
        const payload = m.payload;
        const profile = payload.groupProfile as { groupID?: string } | undefined;
        if (m.to !== groupID && profile?.groupID !== groupID) continue;
        const nick = m.nick || m.from;
        if (m.type === TIM.TYPES.MSG_TEXT) {
          const text = typeof payload.text === 'string' ? payload.text : '';
          out.push({ id: m.ID, kind: 'text', userID: m.from, nick: m.nick, avatar: m.avatar, text, self: m.flow === 'out' });
          scheduler.push({ text, self: m.flow === 'out' }, now);
        } else if (m.type === TIM.TYPES.MSG_CUSTOM) {
          const gift = parseGift(payload);
          if (!gift) continue;
          out.push({ id: m.ID, kind: 'gift', nick, gift: `${gift.emoji} ${gift.name}` });
          showGift(gift, nick);
        } else if (m.type === TIM.TYPES.MSG_GRP_TIP) {
          const op = payload.operationType;
          if (typeof payload.memberCount === 'number') setOnline(payload.memberCount);
          if (op === TIM.TYPES.GRP_TIP_MBR_JOIN) out.push({ id: m.ID, kind: 'tip', text: `${nick} joined` });
          else if (op === TIM.TYPES.GRP_TIP_MBR_QUIT) out.push({ id: m.ID, kind: 'tip', text: `${nick} left` });
        } else if (m.type === TIM.TYPES.MSG_GRP_SYS_NOTICE) {
          const op = payload.operationType;
          if (op === 255 && typeof payload.userDefinedField === 'string') addBanner(payload.userDefinedField);
          else if (op === 5) setEnded('This room was dismissed.');
          else if (op === 4) setEnded('You were removed from this room.');
        }
      }
      if (out.length > 0) addLines(out);
    },
    [TIM, groupID, scheduler, addLines, showGift, addBanner],
  );

  // Join as a guest (or as the viewer this tab logged in as), and listen.
  useEffect(() => {
    let live = true;
    const onReceived = ({ data }: { data: Message[] }): void => onMessages(data);
    const onCounter = ({ data }: { data: { groupID: string; key: string; value: number } }): void => {
      if (data.groupID === groupID && data.key === 'likes') setLikes(data.value);
    };
    const onKicked = (): void => setEnded('You were logged out (this user logged in elsewhere).');
    const onPins = ({ data }: { data: { groupID: string; messageList: Message[] } }): void => {
      if (data.groupID === groupID) setPins(pinsOf(data.messageList));
    };
    tim.on(TIM.EVENT.PINNED_GROUP_MESSAGE_UPDATED, onPins);
    tim.on(TIM.EVENT.MESSAGE_RECEIVED, onReceived);
    tim.on(TIM.EVENT.GROUP_COUNTER_UPDATED, onCounter);
    tim.on(TIM.EVENT.KICKED_OUT, onKicked);
    const saved = loadIdentity();
    void (async () => {
      try {
        if (saved) {
          await logIn(tim, sdkAppId, saved).then(
            () => live && setIdentity(saved),
            () => saveIdentity(undefined),
          );
        }
        const joined = await tim.joinGroup({ groupID, type: TIM.TYPES.GRP_AVCHATROOM });
        if (!live) return;
        setGroup(joined.data.group);
        setOnline(joined.data.group.memberCount);
        tim.getPinnedGroupMessageList(groupID).then(
          (r) => live && setPins(pinsOf(r.data.messageList)),
          () => undefined,
        );
        const counters = await tim.getGroupCounters({ groupID, keyList: ['likes'] });
        if (live) setLikes(counters.data.counters.likes ?? 0);
      } catch (e) {
        if (live) setJoinError(errorText(e));
      }
    })();
    const poll = setInterval(() => {
      tim.getGroupOnlineMemberCount(groupID).then(
        (r) => live && setOnline(r.data.memberCount),
        () => undefined,
      );
    }, ONLINE_POLL_MS);
    return () => {
      live = false;
      clearInterval(poll);
      tim.off(TIM.EVENT.MESSAGE_RECEIVED, onReceived);
      tim.off(TIM.EVENT.GROUP_COUNTER_UPDATED, onCounter);
      tim.off(TIM.EVENT.KICKED_OUT, onKicked);
      tim.off(TIM.EVENT.PINNED_GROUP_MESSAGE_UPDATED, onPins);
    };
  }, [TIM, tim, sdkAppId, groupID, onMessages]);

  const login = async (nick: string): Promise<void> => {
    setLoggingIn(true);
    setLoginError('');
    const next = { nick, userID: userIdFor(nick) };
    // Leave as the guest (no tip) and join again once logged in, so the room tips this viewer by name.
    await tim.quitGroup(groupID).catch(() => undefined);
    try {
      await logIn(tim, sdkAppId, next);
      saveIdentity(next);
      setIdentity(next);
    } catch (e) {
      setLoginError(errorText(e));
    } finally {
      await tim.joinGroup({ groupID, type: TIM.TYPES.GRP_AVCHATROOM }).then(
        (joined) => setOnline(joined.data.group.memberCount),
        (e: unknown) => setJoinError(errorText(e)),
      );
      setLoggingIn(false);
    }
  };

  const send = async (): Promise<void> => {
    const text = draft.trim();
    if (!text || !identity) return;
    setSendError('');
    const message = tim.createTextMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text } });
    setDraft('');
    try {
      await tim.sendMessage(message);
      addLines([{ id: message.ID, kind: 'text', userID: identity.userID, nick: identity.nick, avatar: '', text, self: true }]);
      scheduler.push({ text, self: true }, performance.now());
    } catch (e) {
      const reason = errorText(e);
      setSendError(`Not sent: ${reason}`);
      addLines([{ id: `error-${localId()}`, kind: 'error', text: `Your comment "${text}" was not sent: ${reason}` }]);
    }
  };

  const like = (): void => {
    tim.increaseGroupCounter({ groupID, key: 'likes', value: 1 }).then(
      (r) => setLikes((old) => Math.max(old, r.data.value)),
      (e: unknown) => setSendError(`Like not counted: ${errorText(e)}`),
    );
  };

  const sendGift = async (gift: Gift): Promise<void> => {
    if (!identity) return;
    const message = tim.createCustomMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, priority: TIM.TYPES.MSG_PRIORITY_HIGH, payload: giftPayload(gift) });
    try {
      await tim.sendMessage(message);
      addLines([{ id: message.ID, kind: 'gift', nick: identity.nick, gift: `${gift.emoji} ${gift.name}` }]);
      showGift(gift, identity.nick);
    } catch (e) {
      setSendError(`Gift not sent: ${errorText(e)}`);
    }
  };

  const video = videoParam || group?.groupCustomField.find((f) => f.key === 'video')?.value || '';
  const title = group?.name ?? groupID;
  const guest = !identity;

  return (
    <div class="room">
      <header class="room-header">
        <a class="back" href="/live/">
          ← Rooms
        </a>
        <h1 class="room-title">{title}</h1>
        <span class="online" aria-label={`${online} online`} data-testid="online">
          <span aria-hidden="true">👁</span> {online} online
        </span>
      </header>
      <main class="room-main">
        <section class="stage" aria-label="Live video">
          <VideoPlayer url={video} title={title} />
          <DanmakuOverlay scheduler={scheduler} />
          <div class="banners">
            {banners.map((b) => (
              <div class="banner" role="status" key={b.id}>
                <span class="banner-text">{b.text}</span>
                <button type="button" class="banner-close" aria-label="Dismiss notice" onClick={() => setBanners((old) => old.filter((x) => x.id !== b.id))}>
                  ×
                </button>
              </div>
            ))}
          </div>
          <div class="gifts" aria-live="polite">
            {gifts.map((g) => (
              <div class="gift-show" key={g.id}>
                <span class="gift-anim" aria-hidden="true">
                  {g.gift.emoji}
                </span>
                <span class="gift-sender">
                  {g.nick} sent {g.gift.name}
                </span>
              </div>
            ))}
          </div>
          {(ended || joinError) && (
            <div class="ended" role="alert">
              {ended || `Could not join the room: ${joinError}`}
            </div>
          )}
        </section>
        <div class="actions">
          <button type="button" class="like" onClick={like} disabled={guest} aria-label={guest ? 'Log in to like' : 'Like'}>
            <span aria-hidden="true">❤</span> Like
          </button>
          <span class="likes" data-testid="likes" aria-label={`${likes} likes`}>
            {likes}
          </span>
          <span class="gift-buttons" role="group" aria-label="Send a gift">
            {GIFTS.map((g) => (
              <button type="button" class="gift-button" key={g.id} disabled={guest} onClick={() => void sendGift(g)} aria-label={`Send ${g.name}`} title={g.name}>
                {g.emoji}
              </button>
            ))}
          </span>
        </div>
        <aside class="chat" aria-label="Chat panel">
          <PinnedBar pins={pins} />
          <ChatPanel lines={lines} />
          {guest && <LoginForm onLogin={(nick) => void login(nick)} busy={loggingIn} error={loginError} />}
          <form
            class="send-form"
            onSubmit={(e) => {
              e.preventDefault();
              void send();
            }}
          >
            <label for="comment" class="visually-hidden">
              Comment
            </label>
            <input
              id="comment"
              name="comment"
              autocomplete="off"
              maxLength={MAX_COMMENT_CHARS}
              placeholder={guest ? 'log in to chat' : `Say something, ${identity.nick}`}
              disabled={guest}
              value={draft}
              onInput={(e) => setDraft(e.currentTarget.value)}
            />
            <button type="submit" disabled={guest || draft.trim() === ''}>
              Send
            </button>
          </form>
          {sendError && (
            <p class="form-error" role="alert" data-testid="send-error">
              {sendError}
            </p>
          )}
        </aside>
      </main>
    </div>
  );
}

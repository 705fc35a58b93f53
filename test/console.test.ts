/**
 * The operator console at /console/ against a real server: its session endpoints (wrong
 * password refused, cookie attributes, CSRF required, sign-in limits on an injected clock,
 * typed confirmation for app deletion, the admin userSig working on the REST API), the
 * `stadium console password` command, and in real Chromium: sign in, create a room, send a
 * system notice that appears on a live page, and mute a user whose next comment is refused on
 * their live page with a visible reason; a held comment appears in the review queue and, once
 * approved, on a live page; a message pinned from the live tail shows on the live page.
 * With STADIUM_SCREENSHOTS=1 it rewrites docs/img/console-room.png.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { main } from '../packages/server/src/cli/main.js';
import { testIo } from '../packages/server/src/cli/test-io.js';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { SIGN_IN_LIMITS } from '../packages/server/src/http/console/sign-in-limiter.js';
import { launchChromium } from './support/browser.js';
import { CallbackReceiver } from './support/callback-receiver.js';
import { rest } from './support/rest.js';
import { startTestStadium, type TestStadium } from './support/stadium.js';

// The committed screenshot is rewritten only when asked (STADIUM_SCREENSHOTS=1 npx vitest run
// --project single test/console.test.ts), so that a test run leaves the working tree as it was.
const IMG_DIR = process.env.STADIUM_SCREENSHOTS ? new URL('../docs/img/', import.meta.url) : pathToFileURL(join(tmpdir(), 'stadium-screenshots') + '/');
const PASSWORD = 'correct horse battery staple';

let t: TestStadium;

async function setPassword(dataDir: string, password: string): Promise<void> {
  const io = testIo({ STADIUM_CONSOLE_PASSWORD: password });
  expect(await main(['console', 'password', '--data', dataDir], io.io)).toBe(0);
  expect(io.stdout()).toContain('Set the console password of "operator"');
  expect(io.stdout()).not.toContain(password);
}

beforeAll(async () => {
  t = await startTestStadium({}, { devLogin: true });
  await setPassword(t.dataDir, PASSWORD);
}, 60_000);

afterAll(async () => {
  await t?.[Symbol.asyncDispose]();
});

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { name: string; code: number } };
  headers: Headers;
}

async function api(base: string, path: string, options: { body?: unknown; cookie?: string; csrf?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}/console/api/${path}`, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'], headers: res.headers };
}

async function signIn(base: string, password = PASSWORD): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const res = await api(base, 'sign-in', { body: { name: 'operator', password } });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, csrf: res.body.csrfToken as string, setCookie };
}

describe('console session endpoints', () => {
  it('serves /console/ pre-compressed and revalidated, and answers 503 with what to run when it is not built', async () => {
    const br = await fetch(`${t.url}/console/`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toBe('no-cache');
    const html = await br.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/live\/assets\/console-[\w-]+\.js"><\/script>/);
    expect(html).not.toContain('/sdk/stadium.js');
    const plain = await fetch(`${t.url}/console/`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(html);
    expect((await fetch(`${t.url}/console`, { redirect: 'manual' })).headers.get('location')).toBe('/console/');
    await using unbuilt = await startTestStadium({ webPath: '/nonexistent-web-build' });
    const res = await fetch(`${unbuilt.url}/console/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });

  it('refuses a wrong password, sets a strict HttpOnly cookie, and asks for the CSRF token on every POST', async () => {
    const wrong = await api(t.url, 'sign-in', { body: { name: 'operator', password: 'not the password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ name: 'CONSOLE_SIGN_IN_FAILED', code: 19070 });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect((await api(t.url, 'apps')).body.error?.name).toBe('CONSOLE_SESSION_REQUIRED');

    const { cookie, csrf, setCookie } = await signIn(t.url);
    expect(setCookie).toMatch(/^stadium_console=[\w-]+\.[\w-]+; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    const apps = await api(t.url, 'apps', { cookie });
    expect(apps.status).toBe(200);
    expect(apps.body.apps).toEqual([expect.objectContaining({ SDKAppID: t.app.sdkAppId, name: 'test' })]);

    const noCsrf = await api(t.url, 'apps/create', { cookie, body: { name: 'made without token' } });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error).toMatchObject({ name: 'CONSOLE_CSRF_FAILED', code: 19073 });
    const badCsrf = await api(t.url, 'usersig', { cookie, csrf: csrf.slice(1) + 'x', body: { SDKAppID: t.app.sdkAppId } });
    expect(badCsrf.body.error?.name).toBe('CONSOLE_CSRF_FAILED');
    expect(((await api(t.url, 'apps', { cookie })).body.apps as unknown[]).length).toBe(1);

    const made = await api(t.url, 'apps/create', { cookie, csrf, body: { name: 'Shop' } });
    expect(made.status).toBe(200);
    const sdkAppId = made.body.SDKAppID as number;
    expect(made.body.secretKey).toMatch(/^[0-9a-f]{64}$/);
    const mismatch = await api(t.url, 'apps/delete', { cookie, csrf, body: { SDKAppID: sdkAppId, confirm: 'shop' } });
    expect(mismatch.body.error).toMatchObject({ name: 'CONSOLE_CONFIRMATION_MISMATCH', code: 19074 });

    // The admin userSig the console hands out works on the REST API of that app.
    const sig = await api(t.url, 'usersig', { cookie, csrf, body: { SDKAppID: sdkAppId } });
    expect(sig.body).toMatchObject({ SDKAppID: sdkAppId, identifier: 'administrator', expireSec: 600 });
    const query = new URLSearchParams({ sdkappid: String(sdkAppId), identifier: 'administrator', usersig: sig.body.userSig as string, random: '1', contenttype: 'json' });
    const created = await fetch(`${t.url}/v4/group_open_http_svc/create_group?${query.toString()}`, {
      method: 'POST',
      body: JSON.stringify({ Type: 'AVChatRoom', Name: 'from console' }),
    });
    expect(await created.json()).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });

    expect((await api(t.url, 'apps/delete', { cookie, csrf, body: { SDKAppID: sdkAppId, confirm: 'Shop' } })).body).toEqual({ deleted: sdkAppId });
    expect(((await api(t.url, 'apps', { cookie })).body.apps as unknown[]).length).toBe(1);

    // Signing out clears the cookie; a new password ends the session everywhere.
    const out = await api(t.url, 'sign-out', { cookie, csrf, body: {} });
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    await setPassword(t.dataDir, 'another long password');
    expect((await api(t.url, 'apps', { cookie })).body.error?.name).toBe('CONSOLE_SESSION_REQUIRED');
    await setPassword(t.dataDir, PASSWORD);
  });

  it('limits sign-in attempts per account and per address on the injected clock', async () => {
    const clock = new ManualClock(Date.now());
    await using s = await startTestStadium({}, { clock });
    await setPassword(s.dataDir, PASSWORD);
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) expect((await api(s.url, 'sign-in', { body: { name: 'operator', password: `wrong ${i}` } })).status).toBe(401);
    const limited = await api(s.url, 'sign-in', { body: { name: 'operator', password: PASSWORD } });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ name: 'CONSOLE_SIGN_IN_LIMITED', code: 19071 });
    expect(Number(limited.headers.get('retry-after'))).toBe(SIGN_IN_LIMITS.windowMs / 1000);
    clock.advance(SIGN_IN_LIMITS.windowMs + 1);
    await signIn(s.url);
    // Per address: other accounts from the same address run into the address limit.
    for (let i = 0; i < SIGN_IN_LIMITS.perIp - 1; i++) await api(s.url, 'sign-in', { body: { name: `ghost${i % 5}`, password: 'x' } });
    expect((await api(s.url, 'sign-in', { body: { name: 'operator', password: PASSWORD } })).body.error?.name).toBe('CONSOLE_SIGN_IN_LIMITED');
    // About 30 scrypt hashes (unknown accounts cost one too): allow for a loaded machine.
  }, 120_000);

  it('`stadium console password` makes and prints a random password without STADIUM_CONSOLE_PASSWORD, and refuses a short one', async () => {
    const io = testIo();
    expect(await main(['console', 'password', '--data', t.dataDir, '--name', 'second'], io.io)).toBe(0);
    const password = /\(shown once\): (\S+)/.exec(io.stdout())?.[1] ?? '';
    expect(password).toHaveLength(24);
    const ok = await api(t.url, 'sign-in', { body: { name: 'second', password } });
    expect(ok.status).toBe(200);
    const short = testIo({ STADIUM_CONSOLE_PASSWORD: 'short' });
    expect(await main(['console', 'password', '--data', t.dataDir], short.io)).toBe(1);
    expect(short.stderr()).toContain('at least 12 characters');
  });
});

describe('console in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function livePage(groupID: string, nick: string): Promise<{ page: Page; userID: string }> {
    const page = await browser.newPage({ viewport: { width: 1024, height: 720 } });
    await page.goto(`${t.url}/live/?group=${encodeURIComponent(groupID)}`);
    await page.getByLabel('Nickname').fill(nick);
    await page.getByLabel('Nickname').press('Enter');
    await page.getByPlaceholder(`Say something, ${nick}`).waitFor();
    // The live page keeps its identity (nick and the userID made from it) in sessionStorage.
    const userID = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('stadium-live-identity') ?? '{}') as { userID?: string }).userID ?? '');
    expect(userID).not.toBe('');
    return { page, userID };
  }

  it('signs in, creates a room, sends a notice that a live page shows, and mutes a viewer whose next comment is refused', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    const res = await page.goto(`${t.url}/console/`);
    expect(res?.headers()['cache-control']).toBe('no-cache');
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");

    // Wrong password: refused with a visible reason.
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong operator name or password' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { name: 'Apps' }).waitFor();

    // The app and its rooms; create a room with a custom ID.
    await page.getByRole('link', { name: 'test' }).click();
    await page.getByRole('heading', { name: 'test' }).waitFor();
    const create = page.getByRole('form', { name: 'Create a live room' });
    await create.getByLabel('Name').fill('Console launch');
    await create.getByLabel('Owner').fill('anchor');
    await create.getByLabel('Custom ID').fill('console-launch');
    await create.getByRole('button', { name: 'Create room' }).click();
    await create.getByRole('status').filter({ hasText: 'Created room console-launch' }).waitFor();
    await page.getByRole('link', { name: 'Console launch' }).click();
    await page.getByRole('heading', { name: 'Console launch' }).waitFor();

    const viewer = await livePage('console-launch', 'Viewer');
    try {
      await page.getByTestId('room-online').filter({ hasText: '1' }).waitFor();
      // A system notice reaches the live page as a banner.
      const notice = page.getByRole('form', { name: 'System notice' });
      await notice.getByLabel('Notice').fill('The show starts in 5 minutes');
      await notice.getByRole('button', { name: 'Send notice' }).click();
      await notice.getByRole('status').waitFor();
      await viewer.page.locator('.banner', { hasText: 'The show starts in 5 minutes' }).waitFor();

      // Mute the viewer: their next comment is refused with a visible reason.
      const mute = page.getByRole('form', { name: 'Mute a user' });
      await mute.getByLabel('User ID').fill(viewer.userID);
      await mute.getByLabel('Seconds').fill('600');
      await mute.getByRole('button', { name: 'Mute' }).click();
      await mute
        .getByRole('status')
        .filter({ hasText: `Muted ${viewer.userID}` })
        .waitFor();
      await page.getByRole('region', { name: 'Muted users' }).getByText(viewer.userID).waitFor();
      const input = viewer.page.getByLabel('Comment');
      await input.fill('am I still here');
      await input.press('Enter');
      await viewer.page.getByTestId('send-error').filter({ hasText: 'Not sent' }).filter({ hasText: 'muted' }).waitFor();

      // Admins and slow mode, through Stadium's own REST room commands.
      const admins = page.getByRole('form', { name: 'Admins' });
      await admins.getByLabel('User ID').fill('moderator1');
      await admins.getByRole('button', { name: 'Apply role' }).click();
      await admins.getByRole('status').filter({ hasText: 'moderator1 is an admin' }).waitFor();
      const slow = page.getByRole('form', { name: 'Slow mode' });
      await slow.getByLabel('Seconds between messages').fill('5');
      await slow.getByRole('button', { name: 'Set slow mode' }).click();
      await slow.getByRole('status').filter({ hasText: 'one message per 5 s' }).waitFor();
      // The room's profile reads them back (get_group_info's own fields).
      await page.getByTestId('slow-mode').filter({ hasText: 'one message per 5 s per member' }).waitFor();
      await page.getByTestId('admins').filter({ hasText: 'moderator1' }).waitFor();

      expect(errors).toEqual([]);
    } finally {
      await viewer.page.close();
      await page.close();
    }
  });

  async function consolePage(route: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.url}/console/#${route}`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    return { page, errors };
  }

  it("a held comment appears in the console's review queue and, once approved, on the live page; a pin from the live tail shows on the live page", async () => {
    const groupID = 'console-review';
    expect(await rest(t, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: 'Review night', GroupId: groupID, Owner_Account: 'anchor' })).toMatchObject({
      ErrorCode: 0,
    });
    expect(await rest(t, 'stadium_admin/set_word_list', { Name: 'held-words', Action: 'review', Words: ['giveaway'] })).toMatchObject({ ErrorCode: 0 });
    const { page, errors } = await consolePage(`/apps/${t.app.sdkAppId}/rooms/${groupID}`);
    const sender = await livePage(groupID, 'Sender');
    const watcher = await livePage(groupID, 'Watcher');
    try {
      await page.getByRole('heading', { name: 'Review night' }).waitFor();
      // The online member list shows both viewers, newest first, with their role and mute.
      const members = page.getByRole('table', { name: 'Online member list' });
      await members.getByRole('row').filter({ hasText: watcher.userID }).filter({ hasText: 'Member' }).waitFor();
      expect(await members.getByRole('row').nth(1).textContent()).toContain(watcher.userID);
      expect(await members.getByRole('row').nth(2).textContent()).toContain(sender.userID);

      // History on, so the live tail can read the room's messages.
      const history = page.getByRole('form', { name: 'History settings' });
      await history.getByLabel('HistorySize').fill('50');
      await history.getByRole('button', { name: 'Save history settings' }).click();
      await history.getByRole('status').filter({ hasText: 'last 50 kept' }).waitFor();
      await page.getByTestId('history-now').filter({ hasText: '50' }).waitFor();

      // A comment with a word of the review list is held: it is in the queue, not on the live page.
      const input = sender.page.getByLabel('Comment');
      await input.fill('free giveaway tonight');
      await input.press('Enter');
      const queue = page.getByRole('region', { name: 'Review queue' });
      const held = queue.getByRole('listitem').filter({ hasText: 'free giveaway tonight' });
      await held.waitFor();
      await held.getByText(sender.userID).waitFor();
      expect(await watcher.page.locator('.chat-list .text', { hasText: 'free giveaway tonight' }).count()).toBe(0);
      await held.getByRole('button', { name: 'Approve' }).click();
      await queue
        .getByRole('status')
        .filter({ hasText: /Approved .* published as #\d+/ })
        .waitFor();
      await watcher.page.locator('.chat-list .text', { hasText: 'free giveaway tonight' }).waitFor();
      await queue.getByText('Nothing held.').waitFor();
      // Its batch reached the live pages' connections: the fan-out latency histogram counted it.
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(Number(/^stadium_fanout_latency_seconds_count (\d+)$/m.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
      // Held messages are not published; the approved one is.
      await page.getByTestId('msg-stats').filter({ hasText: '1 published · 0 shed' }).waitFor();

      // The approved message reaches the live tail; pinning it there shows it on the live page.
      const tail = page.getByTestId('live-tail');
      const line = tail.getByRole('listitem').filter({ hasText: 'free giveaway tonight' });
      await line.waitFor();
      await line.getByRole('button', { name: /^Pin message \d+$/ }).click();
      await page.getByRole('region', { name: 'Pins' }).getByRole('listitem').filter({ hasText: 'free giveaway tonight' }).waitFor();
      await watcher.page.getByTestId('pinned').locator('.pinned-text', { hasText: 'free giveaway tonight' }).waitFor();

      mkdirSync(IMG_DIR, { recursive: true });
      await page.screenshot({ path: new URL('console-room.png', IMG_DIR).pathname, fullPage: true });

      // Unpinning from the console takes it off the live page.
      await page.getByRole('region', { name: 'Pins' }).getByRole('button', { name: 'Unpin' }).click();
      await watcher.page.getByTestId('pinned').waitFor({ state: 'detached' });

      // The dashboard shows the fan-out latency of the batches between two of its reads.
      await page.getByRole('link', { name: 'Dashboard' }).click();
      let n = 0;
      const sending = setInterval(() => {
        void rest(t, 'group_open_http_svc/send_group_msg', {
          GroupId: groupID,
          From_Account: 'anchor',
          Random: 9000 + n++,
          MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `tick ${n}` } }],
        });
      }, 300);
      try {
        await page
          .getByTestId('fanout-latency')
          .filter({ hasText: /mean \d+(\.\d)? ms, 95 % under/ })
          .waitFor();
      } finally {
        clearInterval(sending);
      }
      expect(errors).toEqual([]);
    } finally {
      await rest(t, 'stadium_admin/delete_word_list', { Name: 'held-words' });
      await Promise.all([sender.page.close(), watcher.page.close(), page.close()]);
    }
  }, 60_000);

  it('sets the callback URL and sends a test callback that reports its status and latency', async () => {
    const receiver = await CallbackReceiver.start();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${t.url}/console/#/apps/${t.app.sdkAppId}/callbacks`);
      // A new browser context: no session yet; signing in keeps the route.
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByLabel('Password').press('Enter');
      const settings = page.getByRole('form', { name: 'Callback settings' });
      await settings.getByLabel('Callback URL').fill(receiver.url);
      await settings.getByRole('button', { name: 'Save' }).click();
      await settings.getByRole('status').waitFor();
      const test = page.getByRole('form', { name: 'Test callback' });
      await test.getByRole('button', { name: 'Send test callback' }).click();
      await test
        .getByRole('status')
        .filter({ hasText: /Test callback answered: HTTP 200 in \d+ ms/ })
        .waitFor();
      expect(receiver.received.map((cb) => cb.command)).toContain('Stadium.TestCallback');
      receiver.answer = () => ({ status: 503 });
      await test.getByRole('button', { name: 'Send test callback' }).click();
      await test.getByRole('alert').filter({ hasText: 'HTTP 503' }).waitFor();
    } finally {
      await page.close();
      await receiver.close();
    }
  });
});

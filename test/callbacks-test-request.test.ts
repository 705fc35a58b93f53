/**
 * `stadium_admin/send_test_callback`: one signed test request to the app's callback URL, with
 * the receiver's status and the latency in the answer; failures (HTTP 500, no answer within the
 * timeout on the manual clock, no URL) are reported, not raised.
 */
import { describe, expect, it } from 'vitest';
import { verifyCallbackSignature } from '../packages/server/src/callbacks/callback-signature.js';
import { startCallbackFixture } from './support/callback-setup.js';
import { rest } from './support/rest.js';
import { startTestStadium, TEST_WORKERS } from './support/stadium.js';

describe.skipIf(TEST_WORKERS > 1)('the test callback', () => {
  it('sends a signed Stadium.TestCallback and reports status and latency', async () => {
    await using f = await startCallbackFixture({ TimeoutMs: 1000 });
    const { t, receiver, clock } = f;
    const ok = await rest(t, 'stadium_admin/send_test_callback', {});
    expect(ok).toMatchObject({ ErrorCode: 0, CallbackUrl: receiver.url, Ok: 1, HttpStatus: 200, Detail: '' });
    expect(ok.LatencyMs).toBeGreaterThanOrEqual(0);
    const [request] = receiver.received;
    expect(request?.command).toBe('Stadium.TestCallback');
    expect(request?.query.get('SdkAppid')).toBe(String(t.app.sdkAppId));
    expect(request?.query.get('OptPlatform')).toBe('RESTAPI');
    expect(request?.body).toMatchObject({ CallbackCommand: 'Stadium.TestCallback' });
    const signature = request?.headers['x-stadium-signature'];
    expect(verifyCallbackSignature(typeof signature === 'string' ? signature : undefined, request!.raw, t.app.secretKey, Math.floor(clock.now() / 1000))).toBe(true);

    receiver.answer = () => ({ status: 500, body: { nope: true } });
    expect(await rest(t, 'stadium_admin/send_test_callback', {})).toMatchObject({ ErrorCode: 0, Ok: 0, HttpStatus: 500, Detail: 'the receiver answered HTTP 500' });

    receiver.answer = () => new Promise(() => undefined);
    const pending = rest(t, 'stadium_admin/send_test_callback', {});
    await receiver.count((cb) => cb.command === 'Stadium.TestCallback', 3);
    clock.advance(1000);
    expect(await pending).toMatchObject({ ErrorCode: 0, Ok: 0, HttpStatus: 0, Detail: 'no answer within 1000 ms' });
  });

  it('refuses an app without a callback URL with 10004', async () => {
    await using t = await startTestStadium();
    expect(await rest(t, 'stadium_admin/send_test_callback', {})).toMatchObject({ ErrorCode: 10004, ErrorInfo: expect.stringContaining('no callback URL') });
  });
});

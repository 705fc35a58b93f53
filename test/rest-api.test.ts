/**
 * The REST calling convention: admin authentication, the envelope, schema validation that
 * names the field and the rule, the compatible errors for unknown commands, bad JSON, big
 * bodies and bad sigs, per-app rates and CORS.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { RawClient } from './support/raw-client.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS, startTestStadium } from './support/stadium.js';

describe('REST calling convention', () => {
  it('answers HTTP 200 with the envelope, and creates, counts and destroys a live room as the SDK sees it', async () => {
    await using t = await startTestStadium();
    const created = await rest(t, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: 'Launch', Owner_Account: 'anchor', GroupId: 'launch-1' });
    expect(created).toMatchObject({ httpStatus: 200, ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', GroupId: 'launch-1' });
    const viewer = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    expect(await viewer.request('group.join', { groupID: 'launch-1' })).toMatchObject({ code: 0, data: { group: { ownerID: 'anchor', name: 'Launch' } } });
    expect(await rest(t, 'group_open_http_svc/get_online_member_num', { GroupId: 'launch-1' })).toMatchObject({ ActionStatus: 'OK', OnlineMemberNum: 1 });
    expect(await rest(t, 'group_open_http_svc/destroy_group', { GroupId: 'launch-1' })).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    const notice = await viewer.next((f) => f.t === 'msgs' && f.m.some((m) => m.type === 'TIMGroupSystemNoticeElem'));
    expect(notice).toMatchObject({ m: [{ payload: { operationType: 5, operatorID: t.app.adminUserId } }] });
    expect(await rest(t, 'group_open_http_svc/destroy_group', { GroupId: 'launch-1' })).toMatchObject({ httpStatus: 200, ActionStatus: 'FAIL', ErrorCode: 10010 });
    await viewer.close();
  });

  it('refuses bad credentials, unknown commands, bad bodies and big bodies with the compatible codes', async () => {
    await using t = await startTestStadium({ restMaxBodyBytes: 10_000 });
    const path = 'group_open_http_svc/get_online_member_num';
    expect(await rest(t, path, {}, { query: 'identifier=administrator' })).toMatchObject({ httpStatus: 200, ActionStatus: 'FAIL', ErrorCode: 60012 });
    expect(await rest(t, path, {}, { query: `sdkappid=0x${t.app.sdkAppId.toString(16)}&identifier=administrator&usersig=x` })).toMatchObject({ ErrorCode: 60006 });
    expect(await rest(t, path, {}, { query: `sdkappid=${t.app.sdkAppId}` })).toMatchObject({ ErrorCode: 60004 });
    expect(await rest(t, path, {}, { identifier: 'viewer' })).toMatchObject({ ErrorCode: 60010 });
    expect(await rest(t, path, {}, { usersig: t.sig('someone-else') })).toMatchObject({ ErrorCode: 70013 });
    expect(await rest(t, path, {}, { usersig: 'not-a-sig' })).toMatchObject({ ErrorCode: 70003 });
    expect(await rest(t, 'group_open_http_svc/no_such_command', {})).toMatchObject({ httpStatus: 200, ErrorCode: 60009 });
    expect(await rest(t, path, '{"GroupId": ')).toMatchObject({ httpStatus: 200, ErrorCode: 60003 });
    expect(await rest(t, path, '')).toMatchObject({ ErrorCode: 60003 });
    expect(await rest(t, path, '[1,2]')).toMatchObject({ ErrorCode: 60003 });
    expect(await rest(t, path, { GroupId: 'x'.repeat(20_000) })).toMatchObject({ httpStatus: 200, ErrorCode: 60008 });
    // The schema refusal names the field and the rule.
    const missing = await rest(t, path, {});
    expect(missing).toMatchObject({ ErrorCode: 10004 });
    expect(missing.ErrorInfo).toMatch(/^GroupId: is required/);
    const wrongType = await rest(t, path, { GroupId: 42 });
    expect(wrongType.ErrorInfo).toMatch(/^GroupId: must be string/);
    // Any content type is read as JSON, as the hosted service does.
    expect(await rest(t, path, { GroupId: 'nope' }, { contentType: 'text/plain' })).toMatchObject({ ErrorCode: 10010 });
  });

  it('answers CORS as the hosted service does', async () => {
    await using t = await startTestStadium();
    const answer = await rest(t, 'group_open_http_svc/get_online_member_num', { GroupId: 'nope' });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-methods')).toBe('POST');
    const preflight = await fetch(`${t.url}/v4/group_open_http_svc/get_online_member_num`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Requested-With');
  });

  it("limits each app's calls of a command per second", async () => {
    // In-process on a manual clock the bucket never refills: exactly the burst of 200 passes.
    // A multi-process node limits on each worker, so there at most the 60 above one burst.
    await using t = await startTestStadium({}, { clock: new ManualClock(Date.now()) });
    const results = await Promise.all(Array.from({ length: 260 }, () => rest(t, 'group_open_http_svc/get_online_member_num', { GroupId: 'nope' })));
    const limited = results.filter((r) => r.ErrorCode === 60007).length;
    if (TEST_WORKERS === 1) expect(limited).toBe(60);
    else expect(limited).toBeLessThanOrEqual(60);
    expect(results.filter((r) => r.ErrorCode !== 60007).every((r) => r.ErrorCode === 10010)).toBe(true);
  });

  it('publishes an OpenAPI 3 document generated from the schemas that validate requests', async () => {
    await using t = await startTestStadium();
    const doc = (await (await fetch(`${t.url}/v4/openapi.json`)).json()) as { openapi: string; paths: Record<string, { post?: { requestBody?: unknown } }> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/v4/group_open_http_svc/create_group']?.post?.requestBody).toBeDefined();
  });
});

import { GROUP_SYSTEM_NOTICE, TIM_TYPES } from '@stadium/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../testing/engine.js';
import { refusal } from '../testing/refusal.js';

let engine: TestEngine;
afterEach(async () => engine.close());

const create = (e: TestEngine, userId: string | null, extra: Record<string, unknown> = {}) =>
  e.groups.create(e.actor(userId), { name: 'r', type: TIM_TYPES.GRP_AVCHATROOM, ...extra });

describe('room operations on an Actor', () => {
  it('creates rooms for users only, with checked fields and IDs', async () => {
    engine = await startTestEngine();
    expect(await refusal(create(engine, null))).toBe('NOT_LOGGED_IN');
    expect(await refusal(create(engine, 'host', { type: 'Public' }))).toBe('GROUP_TYPE_NOT_SUPPORTED');
    expect(await refusal(create(engine, 'host', { name: 'x'.repeat(31) }))).toBe('INVALID_GROUP_FIELD');
    expect(await refusal(create(engine, 'host', { settings: null }))).toBe('INVALID_PARAMETER');
    expect(await refusal(create(engine, 'host', { settings: 'fast' }))).toBe('INVALID_PARAMETER');
    expect(await refusal(create(engine, 'host', { groupID: '@TGS#mine' }))).toBe('INVALID_GROUP_ID');
    const { group } = await create(engine, 'host', { groupID: 'launch' });
    expect(group).toMatchObject({ groupID: 'launch', ownerID: 'host', memberCount: 0 });
    expect(await refusal(create(engine, 'host', { groupID: 'launch' }))).toBe('GROUP_ID_IN_USE');
    expect(await refusal(create(engine, 'other', { groupID: 'launch' }))).toBe('GROUP_ID_TAKEN');
    // An app admin may create a room owned by someone else (the REST API's Owner_Account).
    const owned = await engine.groups.create(engine.actor(engine.app.adminUserId), { name: 'r', type: TIM_TYPES.GRP_AVCHATROOM }, 'anchor');
    expect(owned.group.ownerID).toBe('anchor');
  });

  it('joins guests and users at once, reports AlreadyInGroup, and counts every member', async () => {
    engine = await startTestEngine();
    const { group } = await create(engine, 'host', { settings: { memberTips: false } });
    const guest = engine.member();
    const user = engine.member();
    expect((await engine.groups.join(engine.actor(null), guest, group.groupID, undefined)).status).toBe('JoinedSuccess');
    expect((await engine.groups.join(engine.actor('u'), user, group.groupID, undefined)).status).toBe('JoinedSuccess');
    expect((await engine.groups.join(engine.actor('u'), user, group.groupID, undefined)).status).toBe('AlreadyInGroup');
    expect((await engine.groups.onlineCount(engine.actor(null), group.groupID)).memberCount).toBe(2);
    expect(await refusal(engine.groups.join(engine.actor(null), guest, 'missing', undefined))).toBe('GROUP_NOT_FOUND');
    expect(await refusal(engine.groups.join(engine.actor(null), guest, ['deep'], undefined))).toBe('INVALID_GROUP_ID');
    expect(await refusal(engine.groups.join(engine.actor(null), engine.member(), group.groupID, -1))).toBe('INVALID_PARAMETER');
    engine.groups.leave(user, user.joined(group.groupID)!);
    await expect.poll(async () => (await engine.groups.onlineCount(engine.actor(null), group.groupID)).memberCount).toBe(1);
  });

  it('keeps the owner in, and lets only the owner or the app admin dismiss; every member is told', async () => {
    engine = await startTestEngine();
    const { group } = await create(engine, 'host', { settings: { memberTips: false } });
    const host = engine.member();
    const viewer = engine.member();
    await engine.groups.join(engine.actor('host'), host, group.groupID, undefined);
    await engine.groups.join(engine.actor('v'), viewer, group.groupID, undefined);
    expect(await refusal(engine.groups.quit(engine.actor('host'), host, group.groupID))).toBe('OWNER_CANNOT_QUIT');
    expect(await refusal(engine.groups.dismiss(engine.actor('v'), group.groupID))).toBe('NO_PERMISSION');
    expect(await refusal(engine.groups.dismiss(engine.actor(null), group.groupID))).toBe('NOT_LOGGED_IN');
    expect(await refusal(engine.groups.updateSettings(engine.actor('v'), { groupID: group.groupID, rateLimitPerSec: 1 }))).toBe('NO_PERMISSION');
    await engine.groups.dismiss(engine.actor('host'), group.groupID);
    expect(viewer.received).toMatchObject([{ type: 'TIMGroupSystemNoticeElem', payload: { operationType: GROUP_SYSTEM_NOTICE.DISMISSED, operatorID: 'host' } }]);
    expect(viewer.joined(group.groupID)).toBeUndefined();
    expect(await refusal(engine.groups.profile(engine.actor(null), group.groupID))).toBe('GROUP_NOT_FOUND');
  });

  it('resumes a member after its position and says what it could not send', async () => {
    engine = await startTestEngine();
    const { group } = await create(engine, 'host', { settings: { memberTips: false } });
    const host = engine.member();
    await engine.groups.join(engine.actor('host'), host, group.groupID, undefined);
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) {
      seqs.push((await engine.messages.send(engine.actor('host'), group.groupID, { id: `m${i}`, type: 'TIMTextElem', payload: { text: 'x' } }, host)).seq);
    }
    const back = engine.member();
    const result = await engine.groups.join(engine.actor(null), back, group.groupID, seqs[0]);
    expect(result).toMatchObject({ resumed: true, lastSeq: seqs[2] });
    expect(back.received.map((m) => m.seq)).toEqual(seqs.slice(1));
    const lost = await engine.groups.join(engine.actor(null), engine.member(), group.groupID, seqs[2]! + 5);
    expect(lost.resumed).toBe(false);
    expect(lost.missed).toBeUndefined();
  });
});

describe('the online member list of a big room', () => {
  it('lists every member exactly (not capped at 1,000), newest first, in pages of at most 500', async () => {
    engine = await startTestEngine();
    const { group } = await create(engine, 'host', { settings: { memberTips: false } });
    const n = 1234;
    const members = [];
    for (let i = 0; i < n; i++) {
      const member = engine.member(`u${i}`);
      members.push(member);
      await engine.groups.join(engine.actor(`u${i}`), member, group.groupID, undefined);
    }
    // Guests are counted, not listed.
    await engine.groups.join(engine.actor(null), engine.member(), group.groupID, undefined);
    // Leavers are gone from the list.
    for (let i = 0; i < n; i += 10) engine.groups.leave(members[i]!, members[i]!.joined(group.groupID)!);
    const admin = engine.actor(engine.app.adminUserId);
    const seen: string[] = [];
    let offset = 0;
    let pages = 0;
    do {
      const page = await engine.groups.memberList(admin, { groupID: group.groupID, count: 1000, offset });
      expect(page.memberList.length).toBeLessThanOrEqual(500);
      seen.push(...page.memberList.map((m) => m.userID));
      offset = page.offset;
      pages++;
    } while (offset !== 0);
    const expected = [];
    for (let i = n - 1; i >= 0; i--) if (i % 10 !== 0) expected.push(`u${i}`);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 500));
    expect(await refusal(engine.groups.memberList(admin, { groupID: group.groupID, count: 1.5 }))).toBe('INVALID_PARAMETER');
    expect(await refusal(engine.groups.memberList(admin, { groupID: group.groupID, offset: 2 ** 53 }))).toBe('INVALID_PARAMETER');
    expect(await refusal(engine.groups.memberList(engine.actor(null), { groupID: group.groupID }))).toBe('NOT_LOGGED_IN');
  });
});

/**
 * Group attributes with the real SDK and REST against a real server: joined members write,
 * every member (guests too) gets GROUP_ATTRIBUTES_UPDATED with the whole set, the compatible
 * limits and codes (10045–10050), racing writes get 10056, at most 5 writes a second per room
 * (10049, on the injected clock), and the attributes survive a restart with a real SQLite file.
 */
import { describe, expect, it } from 'vitest';
import { ERRORS } from '@stadium/protocol';
import TIM, { type Client } from '@stadium/sdk';
import { PERMISSIONS, type Operation, type RoomRole } from '../packages/server/src/core/permissions.js';
import { ManualClock } from '../packages/server/src/clock/manual-clock.js';
import { nextEvent, loggedInClient } from './support/events.js';
import { RawClient } from './support/raw-client.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS, startTestStadium, type TestStadium } from './support/stadium.js';

const user = (t: TestStadium, userID: string): Promise<Client> => loggedInClient(t, userID);

async function guest(t: TestStadium): Promise<Client> {
  const c = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
  c.setLogLevel(4);
  return c;
}

const code = async (p: Promise<unknown>): Promise<number> =>
  p.then(
    () => 0,
    (e: { code: number }) => e.code,
  );

type Updated = { groupID: string; groupAttributes: Record<string, string> };
const updated = (c: Client, match: (d: Updated) => boolean = () => true): Promise<Updated> => nextEvent<Updated>(c, TIM.EVENT.GROUP_ATTRIBUTES_UPDATED, match);

/** What the permission table says a role gets: success, or the refusal's code. */
function expected(op: Operation, role: RoomRole): number {
  const rule = PERMISSIONS[op];
  if (rule.roles.includes(role)) return 0;
  return ERRORS[role === 'guest' ? 'NOT_LOGGED_IN' : (rule.refusal ?? 'NO_PERMISSION')].code;
}

describe('group attributes', () => {
  it('every role gets what the permission table says, joined or not', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    const connect = async (userId: string | null): Promise<RawClient> => {
      const c = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
      if (userId !== null) expect((await c.request('login', { userID: userId, userSig: t.sig(userId) })).code).toBe(0);
      return c;
    };
    const clients: Record<RoomRole, RawClient> = {
      appAdmin: await connect(t.app.adminUserId),
      owner: await connect('owner'),
      admin: await connect('admin'),
      member: await connect('member'),
      guest: await connect(null),
    };
    // Two rooms, so that neither passes the write rate (5 a second): one walked before joining, one after.
    const room = async (): Promise<string> => {
      const created = (await clients.owner.request('group.create', { name: 'walk', type: 'AVChatRoom' })) as { data: { group: { groupID: string } } };
      const groupID = created.data.group.groupID;
      expect((await clients.owner.request('group.role', { groupID, userID: 'admin', role: 'Admin' })).code).toBe(0);
      return groupID;
    };
    const unjoined = await room();
    const groupID = await room();
    const bodiesOf = (groupID: string): Array<[Operation, Record<string, unknown>]> => [
      ['attributes.read', { groupID, op: 'get' }],
      ['attributes.write', { groupID, op: 'set', attributes: { k: 'v' } }],
    ];
    // Not joined: the joined rule refuses members and admins (10007); owner and app admin are exempt; guests are refused for the login first.
    for (const [op, body] of bodiesOf(unjoined)) {
      for (const [role, client] of Object.entries(clients) as Array<[RoomRole, RawClient]>) {
        const allowed = expected(op, role);
        const want = allowed !== 0 ? allowed : role === 'admin' || role === 'member' || role === 'guest' ? 10007 : 0;
        expect(await client.request('group.attributes', body), `${op} ${role} not joined`).toMatchObject({ code: want });
      }
    }
    for (const c of Object.values(clients)) expect((await c.request('group.join', { groupID })).code).toBe(0);
    let cells = 0;
    for (const [op, body] of bodiesOf(groupID)) {
      for (const [role, client] of Object.entries(clients) as Array<[RoomRole, RawClient]>) {
        expect(await client.request('group.attributes', body), `${op} ${role}`).toMatchObject({ code: expected(op, role) });
        cells++;
      }
    }
    expect(cells).toBe(10);
    for (const c of Object.values(clients)) await c.close();
  });

  it.skipIf(TEST_WORKERS > 1)('joined members write, every member gets the whole set, guests read; bad input changes nothing', async () => {
    // The manual clock moves a second before each write, to stay under the write rate.
    const clock = new ManualClock(Date.now());
    const tick = (): void => clock.advance(1000);
    await using t = await startTestStadium({ batchWindowMs: 0 }, { clock });
    const host = await user(t, 'host');
    const fan = await user(t, 'fan');
    const outsider = await user(t, 'outsider');
    const viewer = await guest(t);
    const { groupID } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data.group;
    for (const c of [host, fan, viewer]) await c.joinGroup({ groupID });

    const seenByHost = updated(host);
    const seenByViewer = updated(viewer);
    tick();
    const init = await fan.initGroupAttributes({ groupID, groupAttributes: { stage: 'intro', speaker: 'host' } });
    expect(init).toEqual({ code: 0, data: { groupAttributes: { stage: 'intro', speaker: 'host' } } });
    expect(await seenByHost).toEqual({ groupID, groupAttributes: { stage: 'intro', speaker: 'host' } });
    expect(await seenByViewer).toEqual({ groupID, groupAttributes: { stage: 'intro', speaker: 'host' } });

    const afterSet = updated(viewer);
    tick();
    expect((await host.setGroupAttributes({ groupID, groupAttributes: { stage: 'q&a', 舞台: '问答' } })).data).toEqual({ groupAttributes: { stage: 'q&a', 舞台: '问答' } });
    expect((await afterSet).groupAttributes).toEqual({ stage: 'q&a', speaker: 'host', 舞台: '问答' });
    expect((await viewer.getGroupAttributes({ groupID, keyList: [] })).data.groupAttributes).toEqual({ stage: 'q&a', speaker: 'host', 舞台: '问答' });
    expect((await fan.getGroupAttributes({ groupID, keyList: ['stage', 'missing'] })).data.groupAttributes).toEqual({ stage: 'q&a' });

    // Who may: a guest may not write (SDK: log in first), a member who has not joined may neither read nor write.
    expect(await code(viewer.setGroupAttributes({ groupID, groupAttributes: { stage: 'x' } }))).toBe(2999);
    expect(await code(outsider.setGroupAttributes({ groupID, groupAttributes: { stage: 'x' } }))).toBe(10007);
    expect(await code(outsider.getGroupAttributes({ groupID }))).toBe(10007);

    // The compatible limits; each refusal leaves the set as it was.
    expect(await code(fan.setGroupAttributes({ groupID, groupAttributes: { ['k'.repeat(33)]: 'v' } }))).toBe(10045);
    expect(await code(fan.setGroupAttributes({ groupID, groupAttributes: { ['名'.repeat(11)]: 'v' } }))).toBe(10045);
    expect(await code(fan.setGroupAttributes({ groupID, groupAttributes: { '': 'v' } }))).toBe(10045);
    expect(await code(fan.setGroupAttributes({ groupID, groupAttributes: { stage: 'v'.repeat(4097) } }))).toBe(10046);
    expect(await code(fan.setGroupAttributes({ groupID, groupAttributes: { stage: 7 as unknown as string } }))).toBe(10004);
    const fourteen = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`k${i}`, 'v']));
    expect(await code(fan.setGroupAttributes({ groupID, groupAttributes: fourteen }))).toBe(10047);
    expect(await code(fan.deleteGroupAttributes({ groupID, keyList: ['stage', 'nope'] }))).toBe(10050);
    expect((await fan.getGroupAttributes({ groupID })).data.groupAttributes).toEqual({ stage: 'q&a', speaker: 'host', 舞台: '问答' });

    // 16 KB in all (keys and values): four values of 4,000 bytes fit, a fifth does not.
    tick();
    await fan.initGroupAttributes({ groupID, groupAttributes: { a: 'x'.repeat(4000), b: 'x'.repeat(4000), c: 'x'.repeat(4000), d: 'x'.repeat(4000) } });
    expect(await code(fan.setGroupAttributes({ groupID, groupAttributes: { e: 'x'.repeat(380) } }))).toBe(10048);
    tick();
    await fan.setGroupAttributes({ groupID, groupAttributes: { e: 'x'.repeat(379) } });

    // Delete some, then all ([] = all); members see the empty set. (Fan wrote last, so it knows the newest version.)
    tick();
    expect((await fan.deleteGroupAttributes({ groupID, keyList: ['a', 'b'] })).data).toEqual({ keyList: ['a', 'b'] });
    const cleared = updated(host, (d) => Object.keys(d.groupAttributes).length === 0);
    tick();
    expect((await fan.deleteGroupAttributes({ groupID, keyList: [] })).data).toEqual({ keyList: [] });
    expect(await cleared).toEqual({ groupID, groupAttributes: {} });
  });

  it('of two writes made on the same version, exactly one wins; the other gets 10056 and retries after reading', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    const a = await user(t, 'alice');
    const b = await user(t, 'bob');
    const { groupID } = (await a.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data.group;
    await a.joinGroup({ groupID });
    await b.joinGroup({ groupID });
    await a.getGroupAttributes({ groupID });
    await b.getGroupAttributes({ groupID });

    // Sent together: both name the version they read, so the second one decided loses.
    const results = await Promise.all([
      code(a.setGroupAttributes({ groupID, groupAttributes: { turn: 'alice' } })),
      code(b.setGroupAttributes({ groupID, groupAttributes: { turn: 'bob' } })),
    ]);
    expect([...results].sort()).toEqual([0, 10056]);
    const winner = results[0] === 0 ? 'alice' : 'bob';
    const loser = winner === 'alice' ? b : a;
    expect((await loser.getGroupAttributes({ groupID })).data.groupAttributes).toEqual({ turn: winner });
    // Having read the newest version, the retry passes.
    await expect(loser.setGroupAttributes({ groupID, groupAttributes: { turn: 'again' } })).resolves.toMatchObject({ code: 0 });

    // On the wire: a stale version is refused, the current one accepted, a bad one is a parameter error.
    const raw = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    await raw.request('login', { userID: 'carol', userSig: t.sig('carol') });
    await raw.request('group.join', { groupID });
    const read = await raw.request('group.attributes', { groupID, op: 'get' });
    const version = (read as { data: { version: number } }).data.version;
    expect(await raw.request('group.attributes', { groupID, op: 'set', attributes: { turn: 'carol' }, version: version - 1 })).toMatchObject({
      code: 10056,
      name: 'ATTRIBUTES_CONFLICT',
    });
    expect(await raw.request('group.attributes', { groupID, op: 'set', attributes: { turn: 'carol' }, version: -1 })).toMatchObject({ code: 10004 });
    expect(await raw.request('group.attributes', { groupID, op: 'set', attributes: { turn: 'carol' }, version })).toMatchObject({
      code: 0,
      data: { attributes: { turn: 'carol' }, version: version + 1 },
    });
    await raw.close();
  });

  it('REST set, modify, get and clear are the same operation; members get each change', async () => {
    await using t = await startTestStadium({ batchWindowMs: 0 });
    expect(await rest(t, 'group_open_http_svc/create_group', { Type: 'AVChatRoom', Name: 'r', Owner_Account: 'host', GroupId: 'attr-room' })).toMatchObject({ ErrorCode: 0 });
    const fan = await user(t, 'fan');
    await fan.joinGroup({ groupID: 'attr-room' });

    let next = updated(fan);
    expect(
      await rest(t, 'group_open_http_svc/set_group_attr', {
        GroupId: 'attr-room',
        GroupAttr: [
          { key: 'stage', value: 'intro' },
          { key: 'mic', value: 'on' },
        ],
      }),
    ).toMatchObject({ ErrorCode: 0 });
    expect((await next).groupAttributes).toEqual({ stage: 'intro', mic: 'on' });
    next = updated(fan);
    expect(await rest(t, 'group_open_http_svc/modify_group_attr', { GroupId: 'attr-room', GroupAttr: [{ key: 'stage', value: 'q&a' }] })).toMatchObject({ ErrorCode: 0 });
    expect((await next).groupAttributes).toEqual({ stage: 'q&a', mic: 'on' });
    expect(await rest(t, 'group_open_attr_http_svc/get_group_attr', { GroupId: 'attr-room' })).toMatchObject({
      ErrorCode: 0,
      GroupAttrAry: [
        { key: 'stage', value: 'q&a' },
        { key: 'mic', value: 'on' },
      ],
    });
    // Errors: the compatible codes, nothing changed.
    expect(await rest(t, 'group_open_http_svc/modify_group_attr', { GroupId: 'attr-room', GroupAttr: [{ key: 'k'.repeat(33), value: 'v' }] })).toMatchObject({ ErrorCode: 10045 });
    expect(await rest(t, 'group_open_http_svc/modify_group_attr', { GroupId: 'attr-room', GroupAttr: [{ key: 'stage', value: 'v'.repeat(4097) }] })).toMatchObject({
      ErrorCode: 10046,
    });
    const seventeen = Array.from({ length: 17 }, (_, i) => ({ key: `k${i}`, value: '' }));
    expect(await rest(t, 'group_open_http_svc/set_group_attr', { GroupId: 'attr-room', GroupAttr: seventeen })).toMatchObject({ ErrorCode: 10047 });
    expect(await rest(t, 'group_open_http_svc/set_group_attr', { GroupId: 'nope', GroupAttr: [] })).toMatchObject({ ErrorCode: 10010 });
    expect(await rest(t, 'group_open_http_svc/set_group_attr', { GroupId: 'attr-room' })).toMatchObject({ ErrorCode: 10004 });
    expect((await fan.getGroupAttributes({ groupID: 'attr-room' })).data.groupAttributes).toEqual({ stage: 'q&a', mic: 'on' });

    next = updated(fan);
    expect(await rest(t, 'group_open_http_svc/clear_group_attr', { GroupId: 'attr-room' })).toMatchObject({ ErrorCode: 0 });
    expect((await next).groupAttributes).toEqual({});
    expect(await rest(t, 'group_open_attr_http_svc/get_group_attr', { GroupId: 'attr-room' })).toMatchObject({ GroupAttrAry: [] });
  });

  it.skipIf(TEST_WORKERS > 1)('at most 5 writes a second per room, on the injected clock; the set and its version survive a restart', async () => {
    const clock = new ManualClock(Date.now());
    await using t = await startTestStadium({ batchWindowMs: 0 }, { clock });
    const host = await user(t, 'host');
    const fan = await user(t, 'fan');
    const { groupID } = (await host.createGroup({ name: 'r', type: TIM.TYPES.GRP_AVCHATROOM })).data.group;
    await host.joinGroup({ groupID });
    await fan.joinGroup({ groupID });
    const fanSaw = updated(fan, (d) => d.groupAttributes.n === '2');
    for (let i = 0; i < 3; i++) await host.setGroupAttributes({ groupID, groupAttributes: { n: String(i) } });
    // Fan writes on the newest version it has seen (a write before the push arrived would be a conflict).
    await fanSaw;
    for (let i = 3; i < 5; i++) await fan.setGroupAttributes({ groupID, groupAttributes: { n: String(i) } });
    // The sixth in the same second, whoever writes, and it changes nothing.
    expect(await code(host.setGroupAttributes({ groupID, groupAttributes: { n: 'six' } }))).toBe(10049);
    clock.advance(999);
    expect(await code(fan.setGroupAttributes({ groupID, groupAttributes: { n: 'six' } }))).toBe(10049);
    expect((await fan.getGroupAttributes({ groupID })).data.groupAttributes).toEqual({ n: '4' });
    clock.advance(1);
    await expect(fan.setGroupAttributes({ groupID, groupAttributes: { n: '5' } })).resolves.toMatchObject({ code: 0 });
    await host.destroy();
    await fan.destroy();

    await t.restart();
    const raw = await RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    await raw.request('login', { userID: 'fan', userSig: t.sig('fan') });
    await raw.request('group.join', { groupID });
    expect(await raw.request('group.attributes', { groupID, op: 'get' })).toMatchObject({ code: 0, data: { attributes: { n: '5' }, version: 6 } });
    // The version continues: a write on a version from before the last write is still a conflict.
    expect(await raw.request('group.attributes', { groupID, op: 'set', attributes: { n: 'late' }, version: 5 })).toMatchObject({ code: 10056 });
    await raw.close();
  });
});

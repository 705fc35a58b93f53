/**
 * The seed's FAQ flows built on callbacks, each with a real HTTP receiver acting as the app's
 * backend: F23 (a flood over the room's rate: before-send without after-send is exactly the
 * shed messages), F24 (like counting through the before-send callback and
 * modify_group_base_info, read back with getGroupProfile; and with the built-in counters) and
 * the callback half of F20 (the backend mutes through the before-send callback).
 *
 * These tests drive the server's clock by hand, so they run in-process only.
 */
import { describe, expect, it } from 'vitest';
import TIM from '@stadium/sdk';
import { OK_REPLY } from './support/callback-receiver.js';
import { createRoom, member, metricValue, startCallbackFixture, text } from './support/callback-setup.js';
import { rest } from './support/rest.js';
import { TEST_WORKERS } from './support/stadium.js';

const BEFORE = 'Group.CallbackBeforeSendMsg';
const AFTER = 'Group.CallbackAfterSendMsg';
const EXCEPTION = 'Group.CallbackSendMsgException';

/** Wait (without the server's clock moving) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(await check()).toBe(true);
}

describe.skipIf(TEST_WORKERS > 1)('FAQ flows through callbacks', () => {
  it('F23: before-send without after-send identifies exactly the shed messages', async () => {
    await using f = await startCallbackFixture({}, { batchWindowMs: 50 });
    const { t, receiver, clock } = f;
    await createRoom(t, 'flood');
    const priorities = ['High', 'Normal', 'Low', 'Lowest'] as const;
    // 100 messages, 25 of each priority, interleaved; the room admits 40/s.
    const sends = Array.from({ length: 100 }, (_, i) =>
      rest(t, 'group_open_http_svc/send_group_msg', {
        GroupId: 'flood',
        From_Account: `fan${i % 7}`,
        Random: 1000 + i,
        MsgPriority: priorities[i % 4],
        MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: `m${i}`, Desc: '', Ext: '' } }],
      }).then((answer) => ({ random: 1000 + i, answer })),
    );
    // Every message passed its before-send callback and reached the sequencer; then the window ends.
    const m = t.server.metrics!;
    await until(async () => (await m.messagesIn.get()).values.reduce((sum, v) => sum + v.value, 0) === 100);
    clock.advance(50);
    const answers = await Promise.all(sends);
    const shed = new Set(answers.filter((a) => a.answer.ErrorCode === 10023).map((a) => a.random));
    expect(answers.filter((a) => a.answer.ErrorCode !== 10023).every((a) => a.answer.ErrorCode === 0)).toBe(true);
    // High goes out at once and takes 25 of the 40; the 50 ms window refills 2; Normal stops at
    // the 10 % reserve (13 more); Low and Lowest find nothing left above their reserves.
    expect(shed.size).toBe(62);
    expect((await m.shed.get()).values.reduce((sum, v) => sum + v.value, 0)).toBe(62);

    await receiver.count((cb) => cb.command === AFTER, 38);
    await receiver.count((cb) => cb.command === EXCEPTION, 62);
    await t.server.callbacks!.drained();
    const randoms = (command: string): Set<number> => new Set(receiver.of(command).map((cb) => cb.body.Random as number));
    const before = randoms(BEFORE);
    const after = randoms(AFTER);
    expect(before.size).toBe(100);
    const beforeWithoutAfter = [...before].filter((r) => !after.has(r)).sort();
    expect(beforeWithoutAfter).toEqual([...shed].sort());
    // Each shed message is also reported, with the code its sender got.
    expect([...randoms(EXCEPTION)].sort()).toEqual([...shed].sort());
    expect(receiver.of(EXCEPTION).every((cb) => cb.body.ErrorCode === 10023)).toBe(true);
    expect(receiver.of(AFTER)).toHaveLength(38);
  });

  it('F24: likes counted from before-send callbacks, written with modify_group_base_info, read with getGroupProfile; and the built-in counters', async () => {
    await using f = await startCallbackFixture({ Commands: [BEFORE] });
    const { t, receiver, clock } = f;
    await createRoom(t, 'likes');
    // The backend: counts like messages as they pass, and writes the total every 3 seconds.
    let likes = 0;
    receiver.answer = (cb) => {
      if (cb.command === BEFORE && cb.body.MsgBody[0].MsgType === 'TIMCustomElem' && cb.body.MsgBody[0].MsgContent.Data === 'like') likes++;
      return { body: OK_REPLY };
    };
    const publishTotal = () => rest(t, 'group_open_http_svc/modify_group_base_info', { GroupId: 'likes', AppDefinedData: [{ Key: 'likes', Value: String(likes) }] });

    const viewer = TIM.createInstance({ SDKAppID: t.app.sdkAppId, server: t.url });
    viewer.setLogLevel(4);
    await viewer.login({ userID: 'viewer', userSig: t.sig('viewer') });
    await viewer.joinGroup({ groupID: 'likes', type: TIM.TYPES.GRP_AVCHATROOM });
    const fan = await member(t, 'fan', 'likes');
    const like = () =>
      viewer.createCustomMessage({
        to: 'likes',
        conversationType: TIM.TYPES.CONV_GROUP,
        priority: TIM.TYPES.MSG_PRIORITY_LOW,
        payload: { data: 'like', description: '', extension: '' },
      });
    const likeField = async (): Promise<string | undefined> =>
      (await viewer.getGroupProfile({ groupID: 'likes' })).data.group.groupCustomField.find((x: { key: string }) => x.key === 'likes')?.value;

    for (const [round, count] of [
      [1, 5],
      [2, 3],
    ] as const) {
      for (let i = 0; i < count; i++) await viewer.sendMessage(like());
      for (let i = 0; i < count; i++)
        await fan.request('msg.send', {
          groupID: 'likes',
          message: { id: `f${round}-${i}`, type: 'TIMCustomElem', payload: { data: 'like', description: '', extension: '' }, priority: 'Low' },
        });
      // A comment is not a like.
      await fan.request('msg.send', { groupID: 'likes', message: text(`c${round}`, 'nice!') });
      clock.advance(3000);
      expect(await publishTotal()).toMatchObject({ ErrorCode: 0 });
      expect(await likeField()).toBe(String(round === 1 ? 10 : 16));
    }
    expect(receiver.of(BEFORE)).toHaveLength(18);

    // The same with the built-in counters: taps aggregate at the room's authority and are pushed as totals.
    for (let i = 0; i < 4; i++) await viewer.increaseGroupCounter({ groupID: 'likes', key: 'likes', value: 1 });
    await fan.request('group.counters', { groupID: 'likes', op: 'increase', key: 'likes', value: 3 });
    clock.advance(1000);
    expect((await viewer.getGroupCounters({ groupID: 'likes', keyList: ['likes'] })).data.counters).toEqual({ likes: 7 });
    expect(await rest(t, 'group_open_http_svc/get_group_counter', { GroupId: 'likes', GroupCounterKeys: ['likes'] })).toMatchObject({ GroupCounter: [{ Key: 'likes', Value: 7 }] });
    await viewer.destroy();
    await fan.close();
  });

  it('F20 (callback half): the backend mutes a member through the before-send callback', async () => {
    await using f = await startCallbackFixture({ Commands: [BEFORE, EXCEPTION] });
    const { t, receiver } = f;
    await createRoom(t, 'class', 'teacher');
    // The backend: a "mute" custom message from the owner names a member; that member's messages are refused.
    const muted = new Set<string>();
    receiver.answer = (cb) => {
      if (cb.command !== BEFORE) return {};
      const [element] = cb.body.MsgBody as Array<{ MsgType: string; MsgContent: Record<string, string> }>;
      if (element!.MsgType === 'TIMCustomElem' && cb.body.From_Account === 'teacher') {
        const order = JSON.parse(element!.MsgContent.Data!) as { mute?: string; unmute?: string };
        if (order.mute) muted.add(order.mute);
        if (order.unmute) muted.delete(order.unmute);
      }
      if (muted.has(cb.body.From_Account as string)) return { body: { ...OK_REPLY, ErrorCode: 1, ErrorInfo: 'you are muted' } };
      return {};
    };
    const teacher = await member(t, 'teacher', 'class');
    const pupil = await member(t, 'pupil', 'class');
    const order = (id: string, data: object) => ({ id, type: 'TIMCustomElem', payload: { data: JSON.stringify(data), description: '', extension: '' }, priority: 'High' });
    expect(await pupil.request('msg.send', { groupID: 'class', message: text('p1', 'hello') })).toMatchObject({ code: 0 });
    expect(await teacher.request('msg.send', { groupID: 'class', message: order('t1', { mute: 'pupil' }) })).toMatchObject({ code: 0 });
    expect(await pupil.request('msg.send', { groupID: 'class', message: text('p2', 'still here?') })).toMatchObject({
      code: 10016,
      name: 'CALLBACK_REJECTED',
      message: expect.stringContaining('you are muted'),
    });
    expect(await teacher.request('msg.send', { groupID: 'class', message: order('t2', { unmute: 'pupil' }) })).toMatchObject({ code: 0 });
    expect(await pupil.request('msg.send', { groupID: 'class', message: text('p3', 'thanks') })).toMatchObject({ code: 0 });
    await teacher.next((fr) => fr.t === 'msgs' && fr.m.some((m) => m.id === 'p3'));
    const seen = teacher.frames.flatMap((fr) => (fr.t === 'msgs' ? fr.m.map((m) => m.id) : []));
    expect(seen.filter((id) => id.startsWith('p'))).toEqual(['p1', 'p3']);
    await t.server.callbacks!.drained();
    // The receiver refused p2 itself: no exception callback for it.
    expect(receiver.of(EXCEPTION)).toEqual([]);
    expect(await metricValue(t.server.metrics!.admissionRefusals, { name: 'CALLBACK_REJECTED' })).toBe(1);
    await teacher.close();
    await pupil.close();
  });
});

/**
 * Encode once, write many: the work done per message does not grow with the number of
 * members. Each message is serialized once and each batch framed once, however many
 * members receive it.
 */
import { describe, expect, it } from 'vitest';
import { encodeStats } from '../packages/server/src/wire/batch-entry.js';
import { RawClient } from './support/raw-client.js';
import { startTestStadium } from './support/stadium.js';

describe('encode-once fan-out', () => {
  it('serializes each message once and frames each batch once for 1 or 60 members', async () => {
    await using t = await startTestStadium({ batchWindowMs: 10 });
    const connect = (): Promise<RawClient> => RawClient.connect(t.url, `sdkappid=${t.app.sdkAppId}&v=1`);
    const host = await connect();
    await host.request('login', { userID: 'host', userSig: t.sig('host') });
    const created = (await host.request('group.create', { name: 'r', type: 'AVChatRoom', settings: { memberTips: false } })) as { data: { group: { groupID: string } } };
    const groupID = created.data.group.groupID;
    await host.request('group.join', { groupID });

    const run = async (members: RawClient[], tag: string): Promise<{ encoded: number; frames: number }> => {
      const before = { ...encodeStats };
      for (let i = 0; i < 20; i++) {
        const res = await host.request('msg.send', { groupID, message: { id: `${tag}${i}`, type: 'TIMTextElem', payload: { text: 'hi' }, priority: 'Normal', random: i } });
        expect(res.code).toBe(0);
      }
      await Promise.all(members.map((m) => m.next((f) => f.t === 'msgs' && f.m.some((x) => x.id === `${tag}19`))));
      return { encoded: encodeStats.messagesEncoded - before.messagesEncoded, frames: encodeStats.framesBuilt - before.framesBuilt };
    };

    const one = [await connect()];
    await one[0]!.request('group.join', { groupID });
    const small = await run(one, 'a');
    const many = await Promise.all(Array.from({ length: 59 }, () => connect()));
    await Promise.all(many.map((m) => m.request('group.join', { groupID })));
    const large = await run([...one, ...many], 'b');

    expect(small.encoded).toBe(20);
    expect(large.encoded).toBe(20);
    expect(small.frames).toBeLessThanOrEqual(20);
    expect(large.frames).toBeLessThanOrEqual(20);
    for (const m of [host, ...one, ...many]) await m.close();
  });
});

import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startStadium } from '../packages/server/src/server.js';
import { MemoryStore } from '../packages/server/src/storage/memory-store.js';
import { genUserSig } from '../packages/server/src/auth/user-sig.js';
import { RawClient } from './support/raw-client.js';

describe('smoke', () => {
  it('login, create, join, send, receive', async () => {
    const store = new MemoryStore();
    const app = await store.createApp({ name: 't', secretKey: 'k'.repeat(64), adminUserId: 'administrator', createdAt: Date.now(), settings: { roomRateLimitPerSec: 40, memberTips: true } });
    await using server = await startStadium({ port: 0, logLevel: 'silent' }, { store, logger: pino({ level: 'silent' }) });
    const sig = (u: string): string => genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, userId: u, expireSec: 3600, nowSec: Math.floor(Date.now() / 1000) });
    const a = await RawClient.connect(server.url, `sdkappid=${app.sdkAppId}&v=1`);
    const b = await RawClient.connect(server.url, `sdkappid=${app.sdkAppId}&v=1`);
    expect((await a.request('login', { userID: 'alice', userSig: sig('alice') })).code).toBe(0);
    const created = await a.request('group.create', { name: 'room', type: 'AVChatRoom' });
    expect(created.code).toBe(0);
    const groupID = (created as { data: { group: { groupID: string } } }).data.group.groupID;
    expect(groupID).toMatch(/^@TGS#a/);
    expect((await a.request('group.join', { groupID })).code).toBe(0);
    expect((await b.request('group.join', { groupID })).code).toBe(0);
    const sent = await a.request('msg.send', { groupID, message: { id: 'm1', type: 'TIMTextElem', payload: { text: 'hi' }, priority: 'Normal', random: 1 } });
    expect(sent.code).toBe(0);
    const got = await b.next((f) => f.t === 'msgs' && f.m.some((m) => m.id === 'm1'));
    expect(got).toMatchObject({ t: 'msgs', g: groupID });
    await a.close();
    await b.close();
  });
});

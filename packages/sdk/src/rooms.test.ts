import { afterEach, describe, expect, it } from 'vitest';
import { TestBed } from './testing/test-bed.js';
import { catchError, next } from './testing/test-helpers.js';
import { TIM } from './tim.js';

let bed: TestBed;
afterEach(async () => {
  await bed.close();
});

describe('Rooms', () => {
  it('validates joins locally, and forgets a room whose join the server refused', async () => {
    bed = await TestBed.start();
    const tim = bed.instance();
    expect((await catchError(tim.joinGroup({ groupID: '' }))).code).toBe(10015);
    expect((await catchError(tim.joinGroup({ groupID: 'room1', type: 'Public' }))).code).toBe(2600);
    bed.server.failures.set('group.join', { code: 10010, name: 'GROUP_NOT_FOUND', message: 'no such room (test)' });
    expect((await catchError(tim.joinGroup({ groupID: 'room1' }))).code).toBe(10010);
    expect((await catchError(tim.quitGroup('room1'))).code).toBe(2623);
    bed.server.failures.delete('group.join');
    expect((await tim.joinGroup({ groupID: 'room1' })).data.status).toBe('JoinedSuccess');
  });

  it('quits without a request while disconnected, and does not rejoin the room afterwards', async () => {
    bed = await TestBed.start();
    const { server } = bed;
    const tim = bed.instance({ reconnectBaseMs: 50, reconnectMaxMs: 50 });
    await tim.joinGroup({ groupID: 'room1' });
    await tim.joinGroup({ groupID: 'room2' });
    const down = next(tim, TIM.EVENT.NET_STATE_CHANGE, (e) => (e.data as { state: string }).state === 'disconnected');
    const reconnected = next(tim, TIM.EVENT.NET_STATE_CHANGE, (e) => (e.data as { state: string }).state === 'connected');
    server.sockets[0]!.close(1001);
    await down;
    expect(await tim.quitGroup('room1')).toEqual({ code: 0, data: { groupID: 'room1' } });
    await reconnected;
    expect(server.requestsOf('group.quit')).toHaveLength(0);
    expect(server.requests.filter((r) => r.socket === server.sockets[1]).map((r) => r.frame.body)).toEqual([{ groupID: 'room2', sinceSeq: 0 }]);
  });

  it('needs a login to create, dismiss, change settings and counters, but not to read them', async () => {
    bed = await TestBed.start();
    const tim = bed.instance();
    expect((await catchError(tim.dismissGroup('room1'))).code).toBe(2999);
    expect((await catchError(tim.updateRoomSettings({ groupID: 'room1', memberTips: false }))).code).toBe(2999);
    expect((await catchError(tim.setGroupCounters({ groupID: 'room1', counters: { likes: 1 } }))).code).toBe(2999);
    expect((await catchError(tim.increaseGroupCounter({ groupID: 'room1', key: 'likes', value: 1 }))).code).toBe(2999);
    expect(bed.server.requests).toHaveLength(0);
    // Reads go to the server (the scripted one does not know these commands).
    expect((await catchError(tim.getGroupCounters({ groupID: 'room1' }))).code).toBe(10003);
    expect((await catchError(tim.getGroupProfile({ groupID: 'room1' }))).code).toBe(10003);
    expect(bed.server.requests.map((r) => r.frame.cmd)).toEqual(['group.counters', 'group.get']);
  });
});

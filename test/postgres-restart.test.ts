/**
 * A server on PostgreSQL while PostgreSQL restarts: what needs the store is answered with
 * STORE_UNAVAILABLE (19080), never INTERNAL_ERROR; a room already loaded keeps carrying
 * messages; after the restart everything works again, nothing lost.
 */
import { afterAll, describe, expect, it } from 'vitest';
import TIM from '@stadium/sdk';
import { collectMessages, loggedInClient, waitForMessage } from './support/events.js';
import { startTestPostgres } from './support/postgres.js';
import { startTestStadium } from './support/stadium.js';

const postgres = await startTestPostgres();
afterAll(() => postgres[Symbol.asyncDispose]());

describe('PostgreSQL restart under a running server', () => {
  it('answers STORE_UNAVAILABLE while it is down, keeps loaded rooms going, and works again after', async () => {
    const db = await postgres.createDatabase('server_restart');
    await using t = await startTestStadium({ db: `${db}?connect_timeout_ms=1000` });
    const host = await loggedInClient(t, 'host');
    const viewer = await loggedInClient(t, 'viewer');
    try {
      const groupID = (await host.createGroup({ name: 'Before', type: TIM.TYPES.GRP_AVCHATROOM })).data.group.groupID;
      await host.joinGroup({ groupID });
      await viewer.joinGroup({ groupID });
      const inbox = collectMessages(viewer);
      const send = (text: string) => host.sendMessage(host.createTextMessage({ to: groupID, conversationType: TIM.TYPES.CONV_GROUP, payload: { text } }));
      await send('before');
      await waitForMessage(viewer, inbox, (m) => m.type === TIM.TYPES.MSG_TEXT && (m.payload as { text: string }).text === 'before');

      await postgres.stop('fast');
      // Creating a room needs the store: a clear, registered error.
      await expect(host.createGroup({ name: 'During', type: TIM.TYPES.GRP_AVCHATROOM })).rejects.toMatchObject({ code: 19080 });
      // The loaded room does not wait for the store.
      await send('during');
      await waitForMessage(viewer, inbox, (m) => m.type === TIM.TYPES.MSG_TEXT && (m.payload as { text: string }).text === 'during');

      await postgres.start();
      const after = (await host.createGroup({ name: 'After', type: TIM.TYPES.GRP_AVCHATROOM })).data.group.groupID;
      expect(after).not.toBe(groupID);
      await send('after');
      await waitForMessage(viewer, inbox, (m) => m.type === TIM.TYPES.MSG_TEXT && (m.payload as { text: string }).text === 'after');
      const texts = inbox.filter((m) => m.type === TIM.TYPES.MSG_TEXT).map((m) => (m.payload as { text: string }).text);
      expect(texts).toEqual(['before', 'during', 'after']);
      // Every sequence number once, in order.
      const seqs = inbox.filter((m) => m.type === TIM.TYPES.MSG_TEXT).map((m) => m.sequence);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
    } finally {
      await postgres.start().catch(() => undefined);
      await host.logout().catch(() => undefined);
      await viewer.logout().catch(() => undefined);
    }
  });
});

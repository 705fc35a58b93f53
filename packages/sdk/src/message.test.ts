import { TIM_TYPES, type WireMessage } from '@stadium/protocol';
import { describe, expect, it } from 'vitest';
import { Message, createOutgoingMessage, customPayload, endsMembership, messageFromWire, textPayload, toOutgoing } from './message.js';

const context = { userID: 'alice', nick: 'Alice', avatar: 'https://a/1.png', now: 1_700_000_000_123, random: 42 };

function wire(fields: Partial<WireMessage>): WireMessage {
  return { id: 'm1', seq: 7, type: 'TIMTextElem', payload: { text: 'hi' }, from: 'bob', time: 1_700_000_001, priority: 'Normal', ...fields };
}

describe('outgoing messages', () => {
  it('makes a text message with the compatible fields', () => {
    const options = { to: 'room1', conversationType: TIM_TYPES.CONV_GROUP, payload: { text: 'hello' } };
    const message = createOutgoingMessage('TIMTextElem', options, textPayload(options), context);
    expect(message).toBeInstanceOf(Message);
    expect(message).toMatchObject({
      ID: 'alice-1700000000-42',
      type: 'TIMTextElem',
      payload: { text: 'hello' },
      conversationID: 'GROUProom1',
      conversationType: 'GROUP',
      to: 'room1',
      from: 'alice',
      flow: 'out',
      time: 1_700_000_000,
      clientTime: 1_700_000_000,
      status: 'unSend',
      priority: 'Normal',
      nick: 'Alice',
      avatar: 'https://a/1.png',
      sequence: 0,
      random: 42,
      cloudCustomData: '',
      isRevoked: false,
      isModified: false,
      isBroadcastMessage: false,
      protocol: 'JSON',
      atUserList: [],
    });
  });

  it('makes a custom message and its msg.send form; guests get a guest ID', () => {
    const options = { to: 'room1', conversationType: 'GROUP', priority: 'Low' as const, payload: { data: 'like', description: '' }, cloudCustomData: '{"x":1}' };
    const message = createOutgoingMessage('TIMCustomElem', options, customPayload(options), { ...context, userID: '' });
    expect(message.ID.startsWith('guest-')).toBe(true);
    expect(toOutgoing(message)).toEqual({
      id: message.ID,
      type: 'TIMCustomElem',
      payload: { data: 'like', description: '', extension: '' },
      priority: 'Low',
      random: 42,
      cloudCustomData: '{"x":1}',
    });
  });
});

describe('messageFromWire', () => {
  it('builds an incoming text message', () => {
    const message = messageFromWire('room1', wire({ nick: 'Bob', random: 9, cloudCustomData: 'c' }), 'alice');
    expect(message).toMatchObject({
      ID: 'm1',
      type: 'TIMTextElem',
      payload: { text: 'hi' },
      conversationID: 'GROUProom1',
      conversationType: 'GROUP',
      to: 'room1',
      from: 'bob',
      flow: 'in',
      time: 1_700_000_001,
      status: 'success',
      sequence: 7,
      nick: 'Bob',
      avatar: '',
      random: 9,
      cloudCustomData: 'c',
    });
  });

  it('marks my own messages (from another device) as out, and never for guests', () => {
    expect(messageFromWire('room1', wire({ from: 'alice' }), 'alice').flow).toBe('out');
    expect(messageFromWire('room1', wire({ from: '' }), '').flow).toBe('in');
  });

  it('keeps custom payloads', () => {
    const payload = { data: 'gift', description: 'rocket', extension: '3' };
    expect(messageFromWire('room1', wire({ type: 'TIMCustomElem', payload }), 'x').payload).toEqual(payload);
  });

  it('builds group tips in the group conversation with groupProfile and memberCount', () => {
    const message = messageFromWire(
      'room1',
      wire({ type: 'TIMGroupTipElem', from: 'carol', payload: { operationType: 1, operatorID: 'carol', userIDList: ['carol'], memberNum: 12 } }),
      'alice',
    );
    expect(message.conversationType).toBe('GROUP');
    expect(message.conversationID).toBe('GROUProom1');
    expect(message.payload).toMatchObject({ operationType: 1, userIDList: ['carol'], memberNum: 12, memberCount: 12, groupProfile: { groupID: 'room1' } });
  });

  it('builds group system notices in the @TIM#SYSTEM conversation', () => {
    const notice = wire({ type: 'TIMGroupSystemNoticeElem', from: 'admin', payload: { operationType: 255, operatorID: 'admin', userDefinedField: 'hello all' } });
    const message = messageFromWire('room1', notice, 'alice');
    expect(message.conversationType).toBe('@TIM#SYSTEM');
    expect(message.conversationID).toBe('@TIM#SYSTEM');
    expect(message.to).toBe('room1');
    expect(message.payload).toMatchObject({ operationType: 255, userDefinedField: 'hello all', groupProfile: { groupID: 'room1' } });
    expect(endsMembership(notice)).toBe(false);
  });

  it('recognises notices that end membership (kicked 4, dismissed 5, banned 21)', () => {
    for (const op of [4, 5, 21]) {
      expect(endsMembership(wire({ type: 'TIMGroupSystemNoticeElem', payload: { operationType: op, operatorID: 'admin' } }))).toBe(true);
    }
    expect(endsMembership(wire({ type: 'TIMGroupTipElem', payload: { operationType: 5, operatorID: 'x', userIDList: [] } }))).toBe(false);
  });
});

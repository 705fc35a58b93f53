import { describe, expect, it } from 'vitest';
import { GROUP_SYSTEM_NOTICE, TIM_EVENT, type WireMessage } from '@stadium/protocol';
import { reviewEvent } from './review-events.js';

const notice = (payload: Record<string, unknown>): WireMessage =>
  ({ id: 'n', seq: 0, time: 1, type: 'TIMGroupSystemNoticeElem', payload: { operatorID: 'op', ...payload }, from: 'op', priority: 'High' }) as WireMessage;

describe('review notices', () => {
  it('become GROUP_MESSAGE_HELD and GROUP_MESSAGE_REVIEWED', () => {
    const held = { id: 'm1', type: 'TIMTextElem', payload: { text: 'promo' }, from: 'fan', priority: 'Normal' };
    expect(reviewEvent('g', notice({ operationType: GROUP_SYSTEM_NOTICE.REVIEW_HELD, holdID: 'h-1', heldMessage: held, heldAt: 5, expiresAt: 9 }))).toEqual({
      name: TIM_EVENT.GROUP_MESSAGE_HELD,
      data: { groupID: 'g', holdID: 'h-1', message: held, heldAt: 5, expiresAt: 9 },
    });
    expect(reviewEvent('g', notice({ operationType: GROUP_SYSTEM_NOTICE.REVIEW_RESULT, holdID: 'h-1', reviewAction: 'Approve', seq: 12 }))).toEqual({
      name: TIM_EVENT.GROUP_MESSAGE_REVIEWED,
      data: { groupID: 'g', holdID: 'h-1', action: 'Approve', operatorID: 'op', sequence: 12 },
    });
  });

  it('leaves other messages and malformed notices alone', () => {
    expect(reviewEvent('g', notice({ operationType: GROUP_SYSTEM_NOTICE.BANNED }))).toBeNull();
    expect(reviewEvent('g', notice({ operationType: GROUP_SYSTEM_NOTICE.REVIEW_RESULT, holdID: 'h-1', reviewAction: 'Maybe' }))).toBeNull();
    expect(reviewEvent('g', notice({ operationType: GROUP_SYSTEM_NOTICE.REVIEW_HELD, holdID: 'h-1' }))).toBeNull();
    expect(reviewEvent('g', { id: 't', seq: 3, time: 1, type: 'TIMTextElem', payload: { text: 'x' }, from: 'a', priority: 'Normal' })).toBeNull();
  });
});

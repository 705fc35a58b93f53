import { describe, expect, it } from 'vitest';
import { RequestBudget } from './request-budget.js';
import { PING_COST, requestCost } from './request-cost.js';

const options = { requestsPerSec: 2, requestBurst: 5, maxRequestsInFlight: 3, maxRefusedRequestsPerMinute: 4 };

describe('RequestBudget', () => {
  it('admits a full bucket, refuses the next, and refills with time', () => {
    const b = new RequestBudget(options, 1000);
    for (let i = 0; i < 5; i++) expect(b.admit(1, 1000, false)).toBeNull();
    expect(b.admit(1, 1000, false)).toBe('REQUESTS_RATE_LIMITED');
    // 2 tokens per second: 499 ms is not yet one token, 500 ms is.
    expect(b.admit(1, 1499, false)).toBe('REQUESTS_RATE_LIMITED');
    expect(b.admit(1, 1500, false)).toBeNull();
    expect(b.admit(1, 1500, false)).toBe('REQUESTS_RATE_LIMITED');
    // Never more than the burst, however long the wait.
    expect(b.tokens(1_000_000)).toBe(5);
  });

  it('charges the cost, and a refused request takes nothing', () => {
    const b = new RequestBudget(options, 0);
    expect(b.admit(4, 0, false)).toBeNull();
    expect(b.admit(2, 0, false)).toBe('REQUESTS_RATE_LIMITED');
    expect(b.tokens(0)).toBe(1);
    expect(b.admit(1, 0, false)).toBeNull();
  });

  it('caps requests in flight until they settle', () => {
    const b = new RequestBudget({ ...options, requestBurst: 100 }, 0);
    for (let i = 0; i < 3; i++) expect(b.admit(1, 0, true)).toBeNull();
    expect(b.admit(1, 0, true)).toBe('TOO_MANY_REQUESTS_IN_FLIGHT');
    // A ping is answered at once and takes no slot.
    expect(b.admit(1, 0, false)).toBeNull();
    b.settled();
    expect(b.inFlight).toBe(2);
    expect(b.admit(1, 0, true)).toBeNull();
    expect(b.admit(1, 0, true)).toBe('TOO_MANY_REQUESTS_IN_FLIGHT');
  });

  it('asks for the close after more than maxRefusedRequestsPerMinute refusals within a minute', () => {
    const b = new RequestBudget(options, 0);
    for (let i = 0; i < 4; i++) expect(b.refused(10_000)).toBe(false);
    expect(b.refused(69_999)).toBe(true);
    // A minute after the first refusal the count starts again.
    const c = new RequestBudget(options, 0);
    for (let i = 0; i < 4; i++) expect(c.refused(10_000)).toBe(false);
    expect(c.refused(70_000)).toBe(false);
  });
});

describe('requestCost', () => {
  it('costs 1 for cheap commands and more for writes and reads of many users', () => {
    expect(PING_COST).toBe(1);
    expect(requestCost('group.online', { groupID: 'g' })).toBe(1);
    expect(requestCost('msg.send', {})).toBe(1);
    expect(requestCost('group.join', {})).toBe(2);
    expect(requestCost('login', {})).toBe(5);
    expect(requestCost('group.create', {})).toBe(10);
    expect(requestCost('profile.get', { userIDList: ['a'] })).toBe(2);
    expect(requestCost('profile.get', { userIDList: Array.from({ length: 100 }, (_, i) => `u${i}`) })).toBe(11);
    // A list past the limit is refused later; it costs what the largest allowed list costs.
    expect(requestCost('profile.get', { userIDList: Array.from({ length: 5000 }, () => 'u') })).toBe(11);
    expect(requestCost('profile.get', { userIDList: 'nope' })).toBe(1);
    expect(requestCost('profile.get', undefined)).toBe(1);
  });
});

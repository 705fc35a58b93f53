/** The dashboard's arithmetic on Prometheus text: rates and a histogram between two reads. */
import { describe, expect, it } from 'vitest';
import { histogramBetween, parseMetrics, rate } from './metrics.js';
import { roomRates, type RoomRow } from './rooms.js';

const H = 'stadium_fanout_latency_seconds';
const read = (buckets: Record<string, number>, sum: number, count: number): string =>
  [
    `# TYPE ${H} histogram`,
    ...Object.entries(buckets).map(([le, n]) => `${H}_bucket{le="${le}"} ${n}`),
    `${H}_sum ${sum}`,
    `${H}_count ${count}`,
    'stadium_deliveries_total 10',
  ].join('\n');

describe('console metrics', () => {
  it('takes the mean and the 95 % bucket of the batches observed between two reads', () => {
    const before = parseMetrics(read({ '0.001': 10, '0.01': 10, '0.1': 10, '+Inf': 10 }, 0.005, 10));
    // 100 more: 90 under 1 ms, 8 under 10 ms, 2 under 100 ms.
    const after = parseMetrics(read({ '0.001': 100, '0.01': 108, '0.1': 110, '+Inf': 110 }, 0.105, 110));
    expect(histogramBetween(before, after, H)).toEqual({ count: 100, mean: expect.closeTo(0.001, 6) as number, quantile: 0.01 });
    expect(histogramBetween(after, after, H)).toBeUndefined();
    const slow = parseMetrics(read({ '0.001': 10, '0.01': 10, '0.1': 10, '+Inf': 20 }, 20, 20));
    expect(histogramBetween(before, slow, H)?.quantile).toBe(Infinity);
    expect(rate(before, parseMetrics('stadium_deliveries_total 40'), 'stadium_deliveries_total', 3)).toBe(10);
  });

  it("turns a room's message totals into rates, and a restart at the authority into 0", () => {
    const row = (Published: number, Shed: number): RoomRow => ({
      GroupId: 'r',
      Name: '',
      Owner_Account: '',
      MemberNum: 0,
      MuteAllMember: 'Off',
      CreateTime: 0,
      MsgStats: { Published, Shed, Sampled: 0 },
    });
    expect(roomRates(row(10, 0), row(40, 15), 5)).toEqual({ published: 6, shed: 3, sampled: 0 });
    expect(roomRates(row(40, 15), row(2, 0), 5)).toEqual({ published: 0, shed: 0, sampled: 0 });
    expect(roomRates(undefined, row(2, 0), 5)).toBeUndefined();
  });
});

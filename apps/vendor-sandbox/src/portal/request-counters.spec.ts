import { RequestCounters } from './request-counters';

describe('RequestCounters', () => {
  it('counts answers by outcome with the time of the first and the last', () => {
    let now = Date.parse('2026-12-08T01:00:00.000Z');
    const counters = new RequestCounters(() => now);
    for (const status of [200, 302, 429, 401, 403, 404, 503]) {
      counters.count(status);
      now += 1_000;
    }
    expect(counters.snapshot()).toEqual({
      total: 7,
      ok: 2,
      rateLimited: 1,
      refused: 2,
      clientErrors: 1,
      serverErrors: 1,
      queryCost: null,
      firstAt: '2026-12-08T01:00:00.000Z',
      lastAt: '2026-12-08T01:00:06.000Z',
    });
  });

  it('sums the query cost charged and the THROTTLED refusals, and clears them with the rest', () => {
    const counters = new RequestCounters();
    counters.chargeCost(1_203, false);
    counters.chargeCost(0, true);
    counters.chargeCost(97, false);
    const first = counters.snapshot();
    expect(first.queryCost).toEqual({ charged: 1_300, throttled: 1 });
    counters.chargeCost(5, false);
    // a snapshot is a copy, not a view of the live counts
    expect(first.queryCost).toEqual({ charged: 1_300, throttled: 1 });
    counters.clear();
    expect(counters.snapshot().queryCost).toBeNull();
  });
});

import { decide, parseRetryAfter, type AttemptResult } from './retry.policy';

const SVIX = {
  retryScheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
  jitter: 0.2,
  throttleMinDelayMs: 60_000,
};
const result = (overrides: Partial<AttemptResult>): AttemptResult => ({
  outcome: 'failed',
  statusCode: 500,
  durationMs: 12,
  responseExcerpt: null,
  error: null,
  abort: false,
  ...overrides,
});
const mid = () => 0.5; // no jitter
const low = () => 0; // -20 %
const high = () => 0.999999; // +20 %

describe('decide (retry policy)', () => {
  it('succeeds on any 2xx', () => {
    expect(decide(result({ outcome: 'succeeded', statusCode: 204 }), 1, SVIX)).toEqual({ kind: 'succeeded' });
  });

  it('retries a 500 on the Svix schedule: 5s, 5m, 30m, 2h, 5h, 10h, 10h, then gives up', () => {
    const delays = SVIX.retryScheduleMs.map((_, i) => decide(result({}), i + 1, SVIX, mid));
    expect(delays).toEqual(SVIX.retryScheduleMs.map((delayMs) => ({ kind: 'retry', delayMs })));
    expect(decide(result({}), 8, SVIX, mid)).toEqual({ kind: 'failed', reason: 'exhausted' });
  });

  it('jitters each delay by at most ±20 %', () => {
    expect(decide(result({}), 2, SVIX, low)).toEqual({ kind: 'retry', delayMs: 240_000 });
    const top = decide(result({}), 2, SVIX, high);
    expect(top.kind === 'retry' && top.delayMs).toBeGreaterThan(359_000);
    expect(top.kind === 'retry' && top.delayMs).toBeLessThanOrEqual(360_000);
  });

  it('treats redirects, 4xx and network errors as failures to retry', () => {
    for (const r of [
      result({ statusCode: 301 }),
      result({ statusCode: 404 }),
      result({ outcome: 'network_error', statusCode: null, error: 'ECONNREFUSED' }),
      result({ outcome: 'refused', statusCode: null, error: 'refused: 10.0.0.1 is a private address' }),
    ]) {
      expect(decide(r, 1, SVIX, mid)).toEqual({ kind: 'retry', delayMs: 5_000 });
    }
  });

  it('disables the endpoint on 410 Gone', () => {
    expect(decide(result({ statusCode: 410 }), 1, SVIX)).toEqual({ kind: 'gone' });
  });

  it('stops retrying a message the receiver aborts', () => {
    expect(decide(result({ statusCode: 400, abort: true }), 1, SVIX)).toEqual({
      kind: 'failed',
      reason: 'aborted',
    });
  });

  it('waits at least a minute after 429, 503 and timeouts', () => {
    for (const r of [
      result({ statusCode: 429 }),
      result({ statusCode: 503 }),
      result({ outcome: 'timeout', statusCode: null }),
    ]) {
      expect(decide(r, 1, SVIX, mid)).toEqual({ kind: 'retry', delayMs: 60_000 });
    }
  });

  it('honours Retry-After on 429/503 within [delay, 2 × delay], and not on a 500', () => {
    const at2 = (retryAfterMs: number, statusCode = 429) =>
      decide(result({ statusCode, retryAfterMs }), 2, SVIX, mid);
    expect(at2(450_000)).toEqual({ kind: 'retry', delayMs: 450_000 });
    expect(at2(10_000)).toEqual({ kind: 'retry', delayMs: 300_000 });
    expect(at2(86_400_000, 503)).toEqual({ kind: 'retry', delayMs: 600_000 });
    expect(at2(450_000, 500)).toEqual({ kind: 'retry', delayMs: 300_000 });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Fri, 01 May 2026 12:05:00 GMT', now)).toBe(300_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

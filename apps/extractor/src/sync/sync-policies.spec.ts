import type { StreamReader } from '@fieldsync/connector-kit';
import { ConnectionRateLimiter } from '@fieldsync/platform';
import { streamIntervalSeconds } from './stream-interval.util';

describe('ConnectionRateLimiter', () => {
  afterEach(() => jest.useRealTimers());

  it('spaces calls of one connection, not of others, and holds them for a Retry-After pause', async () => {
    jest.useFakeTimers({ now: 0 });
    const limiter = new ConnectionRateLimiter(10);
    const taken: string[] = [];
    const take = (connection: string, label: string) =>
      limiter.take(connection).then(() => taken.push(label));
    await take('con_a', 'a1');
    await take('con_b', 'b1');
    const a2 = take('con_a', 'a2');
    await jest.advanceTimersByTimeAsync(99);
    expect(taken).toEqual(['a1', 'b1']);
    await jest.advanceTimersByTimeAsync(1);
    await a2;
    expect(taken).toEqual(['a1', 'b1', 'a2']);

    limiter.pause('con_b', 5_000);
    const b2 = take('con_b', 'b2');
    await jest.advanceTimersByTimeAsync(4_900);
    expect(taken).toEqual(['a1', 'b1', 'a2']);
    await jest.advanceTimersByTimeAsync(100);
    await b2;
    expect(taken).toEqual(['a1', 'b1', 'a2', 'b2']);
  });
});

describe('stream intervals', () => {
  const stream = (name: string, overrides: Partial<StreamReader> = {}): StreamReader => ({
    stream: name,
    entities: ['job'],
    intervalMs: 30_000,
    signalsDeletes: false,
    readPage: () => Promise.reject(new Error('not read in this spec')),
    ...overrides,
  });
  it('prefers the vendor override, then the stream override, then the reader default', () => {
    const overrides = new Map([
      ['jobs', 15_000],
      ['jobber.jobs', 5_000],
    ]);
    expect(streamIntervalSeconds('jobber', stream('jobs'), overrides)).toBe(5);
    expect(streamIntervalSeconds('servicetitan', stream('jobs'), overrides)).toBe(15);
    expect(streamIntervalSeconds('jobber', stream('visits'), overrides)).toBe(30);
  });
});

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

  it("paces each connection at the rate its resolver gives (its vendor's budget), asked once", async () => {
    jest.useFakeTimers({ now: 0 });
    const asked: string[] = [];
    const limiter = new ConnectionRateLimiter(async (connection) => {
      asked.push(connection);
      return connection === 'con_st' ? 50 : 10;
    });
    const at = async (connection: string): Promise<number> => {
      await limiter.take(connection);
      return Date.now();
    };
    const times = (connection: string, n: number): Promise<number[]> =>
      (async () => {
        const out: number[] = [];
        for (let i = 0; i < n; i += 1) out.push(await at(connection));
        return out;
      })();
    const fast = times('con_st', 4);
    const slow = times('con_other', 3);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await fast).toEqual([0, 20, 40, 60]);
    expect(await slow).toEqual([0, 100, 200]);
    expect(asked).toEqual(['con_st', 'con_other']);
  });

  it('refuses a rate that is not positive, and asks again after a failed resolution', async () => {
    expect(() => new ConnectionRateLimiter(0)).toThrow('requestsPerSecond must be greater than 0');
    let calls = 0;
    const limiter = new ConnectionRateLimiter(() => {
      calls += 1;
      if (calls === 1) throw new Error('database unavailable');
      return calls === 2 ? -1 : 5;
    });
    await expect(limiter.take('con_a')).rejects.toThrow('database unavailable');
    await expect(limiter.take('con_a')).rejects.toThrow(
      'requestsPerSecond must be greater than 0 (connection con_a: -1)',
    );
    await expect(limiter.take('con_a')).resolves.toBeUndefined();
    await limiter.take('con_b');
    expect(calls).toBe(4);
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

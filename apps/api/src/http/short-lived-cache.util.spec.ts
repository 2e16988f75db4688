import { ShortLivedCache } from './short-lived-cache.util';

describe('ShortLivedCache', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('serves a value younger than maxAgeMs and looks it up again once it is that old', async () => {
    const cache = new ShortLivedCache<number>(250, 100, clock);
    let loads = 0;
    const load = (): Promise<number> => Promise.resolve((loads += 1));
    expect(await cache.get('k', load)).toBe(1);
    now += 249;
    expect(await cache.get('k', load)).toBe(1);
    now += 1;
    expect(await cache.get('k', load)).toBe(2);
    expect(loads).toBe(2);
  });

  it('shares one look-up between concurrent misses, and keeps no failure', async () => {
    const cache = new ShortLivedCache<string>(250, 100, clock);
    let release: (value: string) => void = () => undefined;
    let loads = 0;
    const slow = (): Promise<string> => {
      loads += 1;
      return new Promise((resolve) => (release = resolve));
    };
    const both = Promise.all([cache.get('k', slow), cache.get('k', slow)]);
    release('row');
    expect(await both).toEqual(['row', 'row']);
    expect(loads).toBe(1);
    await expect(cache.get('f', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('f', () => Promise.resolve('up'))).toBe('up');
  });

  it('counts the age from the start of the look-up, and forgets on demand', async () => {
    const cache = new ShortLivedCache<number>(250, 100, clock);
    let loads = 0;
    await cache.get('k', () => {
      now += 200; // a slow look-up: its value is already 200 ms old when it arrives
      return Promise.resolve((loads += 1));
    });
    now += 50;
    expect(await cache.get('k', () => Promise.resolve((loads += 1)))).toBe(2);
    cache.forget('k');
    expect(await cache.get('k', () => Promise.resolve((loads += 1)))).toBe(3);
  });

  it('does not keep a look-up that was in flight when the key was forgotten', async () => {
    const cache = new ShortLivedCache<string>(250, 100, clock);
    let release: (value: string) => void = () => undefined;
    const before = cache.get('k', () => new Promise((resolve) => (release = resolve)));
    cache.forget('k');
    release('stale');
    expect(await before).toBe('stale');
    expect(await cache.get('k', () => Promise.resolve('fresh'))).toBe('fresh');
  });

  it('stays within maxEntries', async () => {
    const cache = new ShortLivedCache<number>(250, 3, clock);
    for (let i = 0; i < 10; i += 1) await cache.get(`k${i}`, () => Promise.resolve(i));
    let loads = 0;
    // the newest entries are kept, the oldest were dropped
    expect(await cache.get('k9', () => Promise.resolve((loads += 1)))).toBe(9);
    expect(await cache.get('k0', () => Promise.resolve((loads += 1)))).toBe(1);
  });
});

import { ShortLivedLookups } from './short-lived-lookups.util';

describe('ShortLivedLookups (lru-cache: ttl + fetchMethod)', () => {
  let now = 0;
  const perf = { now: (): number => now };
  beforeEach(() => {
    now = 1_000;
  });

  it('serves a value younger than maxAgeMs and looks it up again once it is that old', async () => {
    let loads = 0;
    const cache = new ShortLivedLookups({
      maxAgeMs: 250,
      perf,
      lookUp: () => Promise.resolve({ n: (loads += 1) }),
    });
    expect(await cache.get('k')).toEqual({ n: 1 });
    now += 250; // at most maxAgeMs old: still served
    expect(await cache.get('k')).toEqual({ n: 1 });
    now += 1;
    expect(await cache.get('k')).toEqual({ n: 2 });
    expect(loads).toBe(2);
  });

  it('shares one look-up between concurrent misses, and keeps no failure', async () => {
    let release: (value: { row: string }) => void = () => undefined;
    let loads = 0;
    let failing = true;
    const cache = new ShortLivedLookups<{ row: string }>({
      maxAgeMs: 250,
      perf,
      lookUp: (key) => {
        loads += 1;
        if (key === 'f') return failing ? Promise.reject(new Error('down')) : Promise.resolve({ row: 'up' });
        return new Promise((resolve) => (release = resolve));
      },
    });
    const both = Promise.all([cache.get('k'), cache.get('k')]);
    await Promise.resolve();
    release({ row: 'row' });
    expect(await both).toEqual([{ row: 'row' }, { row: 'row' }]);
    expect(loads).toBe(1);
    await expect(cache.get('f')).rejects.toThrow('down');
    failing = false;
    expect(await cache.get('f')).toEqual({ row: 'up' });
  });

  it('counts the age from the start of the look-up, and forgets on demand', async () => {
    let loads = 0;
    const cache = new ShortLivedLookups({
      maxAgeMs: 250,
      perf,
      lookUp: () => {
        loads += 1;
        if (loads === 1) now += 200; // a slow look-up: its value is already 200 ms old when it arrives
        return Promise.resolve({ n: loads });
      },
    });
    expect(await cache.get('k')).toEqual({ n: 1 });
    now += 50;
    expect(await cache.get('k')).toEqual({ n: 1 }); // 250 ms since the look-up started
    now += 1;
    expect(await cache.get('k')).toEqual({ n: 2 });
    expect(await cache.get('k')).toEqual({ n: 2 });
    cache.forget('k');
    expect(await cache.get('k')).toEqual({ n: 3 });
  });

  it('serves a look-up that was in flight when the key was forgotten to its callers, but does not keep it', async () => {
    let release: (value: { row: string }) => void = () => undefined;
    let fresh = false;
    const cache = new ShortLivedLookups<{ row: string }>({
      maxAgeMs: 250,
      perf,
      lookUp: () =>
        fresh ? Promise.resolve({ row: 'fresh' }) : new Promise((resolve) => (release = resolve)),
    });
    const before = cache.get('k');
    await Promise.resolve();
    cache.forget('k');
    release({ row: 'stale' });
    expect(await before).toEqual({ row: 'stale' });
    fresh = true;
    expect(await cache.get('k')).toEqual({ row: 'fresh' });
  });

  it('stays within max, dropping the least recently used', async () => {
    let loads = 0;
    const cache = new ShortLivedLookups({
      maxAgeMs: 250,
      max: 3,
      perf,
      lookUp: (key) => Promise.resolve({ key, load: (loads += 1) }),
    });
    for (let i = 0; i < 10; i += 1) await cache.get(`k${i}`);
    expect(await cache.get('k9')).toEqual({ key: 'k9', load: 10 });
    expect(await cache.get('k0')).toEqual({ key: 'k0', load: 11 });
  });
});

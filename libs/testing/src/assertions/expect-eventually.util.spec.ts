import { expectEventually } from './expect-eventually.util';

describe('expectEventually', () => {
  it('returns the value once the probe stops throwing', async () => {
    let calls = 0;
    const value = await expectEventually(
      () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
        return 'done';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  it('rethrows the last failure after the timeout, naming the timeout', async () => {
    await expect(
      expectEventually(
        () => {
          throw new Error('still 2 rows');
        },
        { timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow('not true after 30 ms: still 2 rows');
  });
});

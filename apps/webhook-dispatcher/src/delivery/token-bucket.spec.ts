import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst of one second worth, then the rate', () => {
    const bucket = new TokenBucket(5, 0);
    const taken = Array.from({ length: 8 }, () => bucket.tryTake(0)).filter(Boolean).length;
    expect(taken).toBe(5);
    expect(bucket.msUntilToken(0)).toBe(200);
    expect(bucket.tryTake(199)).toBe(false);
    expect(bucket.tryTake(200)).toBe(true);
    expect(bucket.tryTake(200)).toBe(false);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const bucket = new TokenBucket(2, 0);
    const taken = Array.from({ length: 10 }, () => bucket.tryTake(3_600_000)).filter(Boolean).length;
    expect(taken).toBe(2);
  });

  it('refuses a non-positive rate', () => {
    expect(() => new TokenBucket(0)).toThrow(/positive/);
  });
});

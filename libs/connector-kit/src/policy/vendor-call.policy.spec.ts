import { VendorCallError, type VendorCallFailure } from '../sync/sync-reader.types';
import { VendorWriteError } from '../write/write-side.types';
import { callVendor, VendorCallGaveUp, type VendorCallPolicyOptions } from './vendor-call.policy';

const unavailable = (status = 503): VendorCallError =>
  new VendorCallError({ kind: 'unavailable', status, message: `HTTP ${status}` }, `HTTP ${status}`);
const unauthorized = (): VendorCallError =>
  new VendorCallError({ kind: 'unauthorized', status: 401 }, 'HTTP 401');
const rateLimited = (ms: number): VendorCallError =>
  new VendorCallError({ kind: 'rate_limited', retryAfterMs: ms }, `HTTP 429, Retry-After ${ms} ms`);

const options = (over: Partial<VendorCallPolicyOptions> = {}): VendorCallPolicyOptions => ({
  maxAttempts: 4,
  retryBaseMs: 1,
  retryMaxMs: 5,
  onRateLimit: 'wait',
  maxRetryAfterMs: 1_000,
  ...over,
});

/** A call that fails with the given errors in turn, then answers `ok`; counts its tries. */
function scripted(...failures: Error[]): { call: () => Promise<string>; tries: () => number } {
  let n = 0;
  return {
    call: async () => {
      const failure = failures[n];
      n += 1;
      if (failure) throw failure;
      return 'ok';
    },
    tries: () => n,
  };
}

const noRenewal = { renewSession: () => Promise.reject(new Error('no session renewal expected')) };

describe('callVendor (the vendor-call policy)', () => {
  it('retries 5xx with backoff and answers what the vendor finally answered', async () => {
    const failures: VendorCallFailure[] = [];
    const s = scripted(unavailable(502), unavailable(503));
    await expect(
      callVendor(
        s.call,
        options(),
        { ...noRenewal, onFailure: (f) => failures.push(f) },
        new AbortController().signal,
      ),
    ).resolves.toBe('ok');
    expect(s.tries()).toBe(3);
    expect(failures.map((f) => f.kind)).toEqual(['unavailable', 'unavailable']);
  });

  it('gives up after maxAttempts tries, saying so', async () => {
    const s = scripted(unavailable(), unavailable(), unavailable(), unavailable(), unavailable());
    const error = await callVendor(
      s.call,
      options({ maxAttempts: 3 }),
      noRenewal,
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorCallGaveUp);
    expect(error).toMatchObject({ attempts: 3, failure: { kind: 'unavailable' } });
    expect((error as Error).message).toBe('unavailable after 3 attempts: HTTP 503');
    expect(s.tries()).toBe(3);
  });

  it('renews the session once on a 401 and tries again; a fresh session refused too ends the call', async () => {
    let renewals = 0;
    const renew = { renewSession: async () => void (renewals += 1) };
    const once = scripted(unauthorized());
    await expect(callVendor(once.call, options(), renew, new AbortController().signal)).resolves.toBe('ok');
    expect(renewals).toBe(1);
    const twice = scripted(unauthorized(), unauthorized());
    await expect(
      callVendor(twice.call, options(), renew, new AbortController().signal),
    ).rejects.toMatchObject({
      name: 'VendorCallGaveUp',
      failure: { kind: 'unauthorized' },
      message: 'the vendor refused a fresh session too (HTTP 401)',
    });
    expect(renewals).toBe(2);
    expect(twice.tries()).toBe(2);
  });

  it('waits out a Retry-After (wait), pausing the connection, but not one over the bound', async () => {
    const paused: number[] = [];
    const s = scripted(rateLimited(30));
    const started = Date.now();
    await expect(
      callVendor(
        s.call,
        options(),
        { ...noRenewal, onRateLimited: (ms) => paused.push(ms) },
        new AbortController().signal,
      ),
    ).resolves.toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(paused).toEqual([30]);
    await expect(
      callVendor(scripted(rateLimited(5_000)).call, options(), noRenewal, new AbortController().signal),
    ).rejects.toMatchObject({ message: 'rate limited for 5000 ms (more than 1000)' });
  });

  it('waits out rate limits without using up the tries, within maxRetryAfterMs in all', async () => {
    // Five 429s in a row with only 3 tries allowed: flow control, not failures, so the call goes through.
    const many = scripted(rateLimited(5), rateLimited(5), rateLimited(5), rateLimited(5), rateLimited(5));
    await expect(
      callVendor(
        many.call,
        options({ maxAttempts: 3, maxRetryAfterMs: 100 }),
        noRenewal,
        new AbortController().signal,
      ),
    ).resolves.toBe('ok');
    expect(many.tries()).toBe(6);
    // Waits beyond the budget in all end the call, saying so.
    const endless = scripted(...Array.from({ length: 10 }, () => rateLimited(40)));
    const error = await callVendor(
      endless.call,
      options({ maxRetryAfterMs: 100 }),
      noRenewal,
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorCallGaveUp);
    expect((error as Error).message).toMatch(
      /^rate limited for more than 100 ms in all \(80 ms waited, 3 attempts\)/,
    );
    expect(endless.tries()).toBe(3);
  });

  it('hands a rate limit back at once (yield) with its Retry-After', async () => {
    const paused: number[] = [];
    const s = scripted(rateLimited(700));
    const error = await callVendor(
      s.call,
      options({ onRateLimit: 'yield' }),
      { ...noRenewal, onRateLimited: (ms) => paused.push(ms) },
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ failure: { kind: 'rate_limited', retryAfterMs: 700 }, attempts: 1 });
    expect(paused).toEqual([700]);
    expect(s.tries()).toBe(1);
  });

  it('never retries what is not a vendor-call failure (a refusal, a bug)', async () => {
    const refusal = new VendorWriteError('validation_failed', 'no', { field: 'payload.title' });
    const s = scripted(refusal);
    await expect(callVendor(s.call, options(), noRenewal, new AbortController().signal)).rejects.toBe(
      refusal,
    );
    expect(s.tries()).toBe(1);
  });

  it('counts a try past its timeout as unavailable and tries again', async () => {
    let n = 0;
    const call = (signal: AbortSignal): Promise<string> => {
      n += 1;
      if (n > 1) return Promise.resolve('ok');
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    const failures: VendorCallFailure[] = [];
    await expect(
      callVendor(
        call,
        options({ attemptTimeoutMs: 20 }),
        { ...noRenewal, onFailure: (f) => failures.push(f) },
        new AbortController().signal,
      ),
    ).resolves.toBe('ok');
    expect(failures).toEqual([{ kind: 'unavailable', message: 'no answer within 20 ms' }]);
  });

  it('runs beforeTry before every try, outside the try timeout (a limiter wait does not eat it)', async () => {
    const order: string[] = [];
    let n = 0;
    const call = async (signal: AbortSignal): Promise<string> => {
      n += 1;
      order.push(`try ${n}`);
      if (signal.aborted) throw new Error('the try began with its timeout already spent');
      if (n === 1) throw unavailable(503);
      return 'ok';
    };
    const beforeTry = async (): Promise<void> => {
      order.push('wait');
      // Longer than the try's timeout: were it inside the try, the try would begin already aborted.
      await new Promise((done) => setTimeout(done, 60));
    };
    await expect(
      callVendor(
        call,
        options({ attemptTimeoutMs: 30 }),
        { ...noRenewal, beforeTry },
        new AbortController().signal,
      ),
    ).resolves.toBe('ok');
    expect(order).toEqual(['wait', 'try 1', 'wait', 'try 2']);
  });

  it('stops waiting when the caller aborts (a shutdown), with the abort reason', async () => {
    const stop = new AbortController();
    const s = scripted(rateLimited(60_000));
    const pending = callVendor(s.call, options({ maxRetryAfterMs: 120_000 }), noRenewal, stop.signal);
    setTimeout(() => stop.abort(new Error('shutting down')), 20);
    const started = Date.now();
    await expect(pending).rejects.toThrow('shutting down');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

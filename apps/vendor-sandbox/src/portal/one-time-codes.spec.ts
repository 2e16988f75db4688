import { OneTimeCodes } from './one-time-codes';

describe('OneTimeCodes', () => {
  let now = 0;
  const codes = () =>
    new OneTimeCodes({ ttlMs: 300_000, maxUnverified: 10, cooldownMs: 3_600_000 }, () => now);
  const issued = (c: OneTimeCodes, user = 'u'): string => {
    const result = c.issue(user);
    if (!('code' in result)) throw new Error('in cooldown');
    return result.code;
  };

  beforeEach(() => {
    now = 1_000;
  });

  it('issues 6-digit codes that are accepted once', () => {
    const c = codes();
    const code = issued(c);
    expect(code).toMatch(/^\d{6}$/);
    expect(c.verify('u', code)).toBe('ok');
    expect(c.verify('u', code)).toBe('none');
  });

  it('refuses a wrong code and keeps the right one usable', () => {
    const c = codes();
    const code = issued(c);
    const wrong = code === '000000' ? '000001' : '000000';
    expect(c.verify('u', wrong)).toBe('invalid');
    expect(c.verify('u', code)).toBe('ok');
  });

  it('expires a code after its time to live', () => {
    const c = codes();
    const code = issued(c);
    now += 300_000;
    expect(c.verify('u', code)).toBe('expired');
    const fresh = issued(c);
    now += 299_999;
    expect(c.verify('u', fresh)).toBe('ok');
  });

  it('replaces the previous code when a new one is sent', () => {
    const c = codes();
    const first = issued(c);
    let second = issued(c);
    while (second === first) second = issued(c);
    expect(c.verify('u', first)).toBe('invalid');
    expect(c.verify('u', second)).toBe('ok');
  });

  it('stops sending after 10 unverified codes for an hour', () => {
    const c = codes();
    for (let i = 0; i < 10; i += 1) issued(c);
    expect(c.issue('u')).toEqual({ cooldownUntil: 1_000 + 3_600_000 });
    expect(c.issue('other')).toHaveProperty('code');
    now += 3_600_000;
    expect(c.issue('u')).toHaveProperty('code');
  });

  it('resets the unverified count when a code is verified', () => {
    const c = codes();
    for (let i = 0; i < 9; i += 1) issued(c);
    expect(c.verify('u', issued(c))).toBe('ok');
    expect(c.issue('u')).toHaveProperty('code');
  });
});

import { Csrf } from './csrf.util';

describe('Csrf (signed double-submit)', () => {
  const csrf = new Csrf(Buffer.alloc(32, 1));

  it('accepts the token issued for this pre-session and purpose', () => {
    const pre = csrf.newPreSession();
    expect(csrf.verify(pre, 'login', csrf.tokenFor(pre, 'login'))).toBe(true);
  });

  it('refuses a missing, empty or made-up token, and a missing cookie', () => {
    const pre = csrf.newPreSession();
    expect(csrf.verify(pre, 'login', undefined)).toBe(false);
    expect(csrf.verify(pre, 'login', '')).toBe(false);
    expect(csrf.verify(pre, 'login', 'x'.repeat(43))).toBe(false);
    expect(csrf.verify(undefined, 'login', csrf.tokenFor(pre, 'login'))).toBe(false);
  });

  it('refuses a token of another browser, another form or another key', () => {
    const mine = csrf.newPreSession();
    const theirs = csrf.newPreSession();
    expect(csrf.verify(mine, 'login', csrf.tokenFor(theirs, 'login'))).toBe(false);
    expect(csrf.verify(mine, 'mfa', csrf.tokenFor(mine, 'login'))).toBe(false);
    expect(new Csrf(Buffer.alloc(32, 2)).verify(mine, 'login', csrf.tokenFor(mine, 'login'))).toBe(false);
  });
});

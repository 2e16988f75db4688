import { LoginLockout } from './login-lockout';

describe('LoginLockout', () => {
  let now = 0;
  const lockout = () => new LoginLockout({ maxFailures: 5, durationMs: 60_000 }, () => now);

  beforeEach(() => {
    now = 10_000;
  });

  it('locks at the 5th consecutive failure, not before', () => {
    const l = lockout();
    for (let i = 1; i <= 4; i += 1) expect(l.recordFailure('u')).toEqual({ locked: false, failures: i });
    expect(l.recordFailure('u')).toEqual({ locked: true, until: 70_000 });
    expect(l.status('u').locked).toBe(true);
    expect(l.lockedUsers()).toEqual(['u']);
  });

  it('counts only consecutive failures: a success starts over', () => {
    const l = lockout();
    for (let i = 0; i < 4; i += 1) l.recordFailure('u');
    l.recordSuccess('u');
    expect(l.recordFailure('u')).toEqual({ locked: false, failures: 1 });
  });

  it('keeps users apart and unlocks after the lock duration', () => {
    const l = lockout();
    for (let i = 0; i < 5; i += 1) l.recordFailure('a');
    expect(l.status('b')).toEqual({ locked: false, failures: 0 });
    now += 59_999;
    expect(l.status('a').locked).toBe(true);
    now += 1;
    expect(l.status('a')).toEqual({ locked: false, failures: 0 });
  });

  it('is cleared by a reset', () => {
    const l = lockout();
    for (let i = 0; i < 5; i += 1) l.recordFailure('a');
    l.clear();
    expect(l.status('a').locked).toBe(false);
  });
});

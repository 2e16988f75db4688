import { SessionStore } from './session.store';

describe('SessionStore', () => {
  let now = 0;
  const clock = () => now;
  const store = () => new SessionStore({ idleMs: 1_000, absoluteMs: 5_000 }, clock);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('keeps a session alive while it is used within the idle timeout', () => {
    const sessions = store();
    const s = sessions.create('u1');
    now += 999;
    expect(sessions.touch(s.id)).toEqual({ session: s });
    now += 999;
    expect('session' in sessions.touch(s.id)).toBe(true);
  });

  it('ends a session idle for the idle timeout, and forgets it', () => {
    const sessions = store();
    const s = sessions.create('u1');
    now += 1_000;
    expect(sessions.touch(s.id)).toEqual({ ended: 'idle' });
    now -= 500;
    expect(sessions.touch(s.id)).toEqual({ ended: 'unknown' });
  });

  it('ends a session at the absolute timeout however active it is', () => {
    const sessions = store();
    const s = sessions.create('u1');
    for (let i = 0; i < 9; i += 1) {
      now += 500;
      expect('session' in sessions.touch(s.id)).toBe(true);
    }
    now += 500;
    expect(sessions.touch(s.id)).toEqual({ ended: 'absolute' });
  });

  it('gives every session a distinct random id and CSRF token', () => {
    const sessions = store();
    const a = sessions.create('u1');
    const b = sessions.create('u1');
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(a.id);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('expires the sessions of one user or all of them', () => {
    const sessions = store();
    const a = sessions.create('u1');
    const b = sessions.create('u2');
    expect(sessions.expire('u1')).toBe(1);
    expect(sessions.touch(a.id)).toEqual({ ended: 'unknown' });
    expect('session' in sessions.touch(b.id)).toBe(true);
    expect(sessions.expire()).toBe(1);
    expect(sessions.activeByUser()).toEqual({});
  });
});

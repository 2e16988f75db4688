import { AuthFlowError, type ConnectionCredentials } from './auth-flow.types';
import { checkedSessionPolicy, portalOriginOf } from './flow-input.util';

const credentials: ConnectionCredentials = {
  connectionId: 'c1',
  tenantId: 't1',
  vendor: 'servicetitan',
  portalUrl: 'https://go.servicetitan.com/some/path',
  username: 'st.admin',
  password: 'secret',
  mfa: { method: 'totp' },
};

describe('portalOriginOf', () => {
  it('gives the origin of the portal URL', () => {
    expect(portalOriginOf(credentials, 'servicetitan')).toBe('https://go.servicetitan.com');
  });

  it.each([
    [{ vendor: 'jobber' as const }, /credentials\.vendor/],
    [{ portalUrl: 'not a url' }, /credentials\.portalUrl/],
    [{ portalUrl: 'ftp://go.example.com' }, /credentials\.portalUrl/],
    [{ username: ' ' }, /credentials\.username/],
  ])('refuses %j as a non-retriable configuration error naming the field', (override, message) => {
    const call = () => portalOriginOf({ ...credentials, ...override }, 'servicetitan');
    expect(call).toThrow(AuthFlowError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (error) {
      expect((error as AuthFlowError).retriable).toBe(false);
      expect((error as AuthFlowError).message).not.toContain('secret');
    }
  });
});

describe('checkedSessionPolicy', () => {
  it('accepts positive durations and names the bad field otherwise', () => {
    expect(checkedSessionPolicy({ idleMs: 1_000, absoluteMs: 2_000 })).toEqual({
      idleMs: 1_000,
      absoluteMs: 2_000,
    });
    expect(() => checkedSessionPolicy({ idleMs: 0, absoluteMs: 2_000 })).toThrow(/sessionPolicy\.idleMs/);
    expect(() => checkedSessionPolicy({ idleMs: 1_000, absoluteMs: 1.5 })).toThrow(
      /sessionPolicy\.absoluteMs/,
    );
    expect(() => checkedSessionPolicy({ idleMs: 3_000, absoluteMs: 2_000 }, 'policy')).toThrow(
      /policy\.absoluteMs: must not be shorter/,
    );
  });
});

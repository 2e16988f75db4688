import type { LogoutResult } from '@fieldsync/connector-kit';
import { mayHoldAtVendor, replacementPlan } from './session-replacement.util';
import type { SessionRow } from './sessions.repository';

const NOW = Date.UTC(2026, 11, 7, 22, 0, 0);

function row(overrides: Partial<SessionRow> = {}): SessionRow {
  return {
    connection_id: 'con_1',
    tenant_id: 'tn_1',
    created_at: new Date(NOW - 3_600_000),
    device_state_encrypted: null,
    established_at: new Date(NOW - 3_600_000),
    expires_at: new Date(NOW + 300_000),
    health: 'healthy',
    invalidated_reason: null,
    key_id: 'k1',
    last_checked_at: new Date(NOW - 60_000),
    last_refreshed_at: new Date(NOW - 3_600_000),
    state_encrypted: Buffer.alloc(1),
    updated_at: new Date(NOW - 60_000),
    user_info: null,
    version: 3,
    ...overrides,
  };
}

const logout = (): Promise<LogoutResult> => Promise.resolve({ released: true });

describe('replacementPlan: who goes first when a login replaces a stored session', () => {
  it('a licence-limited vendor (release-first) logs the old session out before signing in, never after', () => {
    expect(replacementPlan({ logout, refreshOrder: 'release-first' }, row(), NOW)).toEqual({
      releaseBefore: true,
      releaseAfter: false,
    });
  });

  it('a vendor with a logout and no licence signs in first, then logs the old session out (no gap)', () => {
    expect(replacementPlan({ logout, refreshOrder: 'login-first' }, row(), NOW)).toEqual({
      releaseBefore: false,
      releaseAfter: true,
    });
    // login-first is the default order.
    expect(replacementPlan({ logout }, row(), NOW)).toEqual({ releaseBefore: false, releaseAfter: true });
  });

  it('a vendor without a logout keeps the old behaviour: nothing is released, whatever the order says', () => {
    expect(replacementPlan({ refreshOrder: 'release-first' }, row(), NOW)).toEqual({
      releaseBefore: false,
      releaseAfter: false,
    });
  });

  it('an operator-revoked or refused session the vendor may still count is released before a new login', () => {
    for (const health of ['invalid', 'expired', 'degraded']) {
      expect([
        health,
        replacementPlan({ logout, refreshOrder: 'release-first' }, row({ health }), NOW),
      ]).toEqual([health, { releaseBefore: true, releaseAfter: false }]);
    }
  });

  it('releases nothing when there is no session, when fieldsync already logged it out, or when it is past its lifetime', () => {
    const flow = { logout, refreshOrder: 'release-first' as const };
    expect(replacementPlan(flow, undefined, NOW)).toEqual({ releaseBefore: false, releaseAfter: false });
    expect(replacementPlan(flow, row({ health: 'invalid', invalidated_reason: 'released' }), NOW)).toEqual({
      releaseBefore: false,
      releaseAfter: false,
    });
    expect(replacementPlan(flow, row({ expires_at: new Date(NOW - 1) }), NOW)).toEqual({
      releaseBefore: false,
      releaseAfter: false,
    });
    expect(mayHoldAtVendor(row({ expires_at: null }), NOW)).toBe(false);
    expect(mayHoldAtVendor(row(), NOW)).toBe(true);
  });
});

import type { SessionStatus } from '@fieldsync/session-client';
import type { SessionRow } from './sessions.repository';

/** What may be said about a stored session (no secret): for NATS status, the admin API and HTTP. */
export function sessionStatusView(row: SessionRow | undefined): SessionStatus | null {
  if (!row) return null;
  const expired = row.expires_at !== null && row.expires_at.getTime() <= Date.now();
  const state =
    row.health === 'invalid' ? 'invalid' : row.health === 'expired' || expired ? 'expired' : 'active';
  const user = row.user_info as SessionStatus['user'];
  return {
    state,
    sessionVersion: row.version,
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastRefreshedAt: row.last_refreshed_at?.toISOString() ?? null,
    lastCheckedAt: row.last_checked_at?.toISOString() ?? null,
    user: user ?? null,
  };
}

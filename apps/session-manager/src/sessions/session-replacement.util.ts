import type { AuthFlow } from '@fieldsync/connector-kit';
import type { SessionRow } from './sessions.repository';

/** When a login that replaces a stored session ends the old one at the vendor. */
export interface ReplacementPlan {
  /** Log the old session out before signing in (`release-first`: a licence-limited vendor). */
  readonly releaseBefore: boolean;
  /** Log the old session out once the new one is stored (`login-first`). */
  readonly releaseAfter: boolean;
}

const NOTHING: ReplacementPlan = { releaseBefore: false, releaseAfter: false };

/**
 * The vendor may still hold this stored session: fieldsync has not logged it out and its absolute
 * lifetime has not run out. (A session the vendor refused may be gone already; logging it out again is
 * harmless, and cheaper than a licence error.)
 */
export function mayHoldAtVendor(row: SessionRow, now: number): boolean {
  return row.invalidated_reason !== 'released' && row.expires_at !== null && row.expires_at.getTime() > now;
}

/**
 * What a login does with the session it replaces (AuthFlow.refreshOrder): nothing when the vendor has no
 * logout or holds nothing of it any more; otherwise release it before the sign-in (`release-first`, so a
 * licence-limited vendor never sees two sessions of the connection and never answers the new sign-in
 * with its licence error) or after the new session is stored (`login-first`, so callers never wait
 * without a session). Applies to every login, not only the proactive refresh: an acquire after an
 * operator's revoke or a `forbidden` report replaces a session the vendor may still count.
 */
export function replacementPlan(
  flow: Pick<AuthFlow, 'logout' | 'refreshOrder'>,
  existing: SessionRow | undefined,
  now: number,
): ReplacementPlan {
  if (flow.logout === undefined || existing === undefined || !mayHoldAtVendor(existing, now)) return NOTHING;
  return (flow.refreshOrder ?? 'login-first') === 'release-first'
    ? { releaseBefore: true, releaseAfter: false }
    : { releaseBefore: false, releaseAfter: true };
}

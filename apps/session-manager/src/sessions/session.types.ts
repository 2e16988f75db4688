import type { CapturedSession } from '@fieldsync/connector-kit';
import type { ConnectionRow } from '../connections/connections.repository';
import type { SessionError } from './session.error';
import type { SessionRow } from './sessions.repository';

/** A usable session with what callers need to know about it. */
export interface ActiveSession {
  readonly connection: ConnectionRow;
  readonly row: SessionRow;
  readonly session: CapturedSession;
}

export interface AcquireOptions {
  /** The session must stay valid at least this long (default 60 s). */
  minValidityMs?: number;
  /** An MFA code the integrator supplied (`POST /sessions`). */
  codeOverride?: string;
}

/** Why a login runs: there is no usable session, or the current one nears its absolute expiry. */
export type LoginPurpose = 'acquire' | 'refresh';

/** What a login under the connection's lock came to: failures are values, recorded before returning. */
export type LockedOutcome =
  | {
      ok: true;
      active: ActiveSession;
      /** The session this login replaced, to log out at the vendor now that the new one is stored (`login-first`). */
      replaced?: SessionRow;
    }
  | { ok: false; error: SessionError };

/** What a probe of a stored session found (`check` adds `none`: nothing to probe). */
export type ProbeResult = 'valid' | 'expired' | 'unknown';

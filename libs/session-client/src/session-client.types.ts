import type { CapturedSession, SessionUser } from '@fieldsync/connector-kit';

/** A session from the session manager, decrypted in this process. Never log `session`. */
export interface AcquiredSession {
  readonly connectionId: string;
  /** Pass it to `invalidate()` when the vendor rejects this session. */
  readonly sessionVersion: number;
  /** ISO time after which the session is not used (the reply's, which may be sooner than the vendor's). */
  readonly expiresAt: string;
  readonly user: SessionUser;
  readonly session: CapturedSession;
}

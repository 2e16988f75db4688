import type { CapturedSession } from '@fieldsync/connector-kit';

/** A session as the extractor needs it: the captured session and the version to invalidate. */
export interface SourcedSession {
  readonly session: CapturedSession;
  readonly sessionVersion: number;
}

/**
 * The extractor's way to vendor sessions. Production: the SessionClient (acquire over NATS from the
 * session manager, invalidate on a vendor 401). The seam keeps the sync engine testable without a
 * browser login; `SessionClient` satisfies it structurally.
 */
export interface SessionSource {
  acquire(connectionId: string): Promise<SourcedSession>;
  invalidate(
    connectionId: string,
    reason: 'unauthorized' | 'forbidden',
    sessionVersion?: number,
  ): Promise<unknown>;
}

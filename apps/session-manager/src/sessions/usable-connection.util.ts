import type { ConnectionRow } from '../connections/connections.repository';
import { SessionError, SessionErrorCode } from './session.error';

/** The connection exists, or the caller is told it does not. */
export function existingConnection(
  connection: ConnectionRow | undefined,
  connectionId: string,
): ConnectionRow {
  if (!connection)
    throw new SessionError(SessionErrorCode.ConnectionNotFound, `no connection ${connectionId}`, false);
  return connection;
}

/**
 * The connection may log in: it exists, is not disabled, and does not wait for new credentials after a
 * login the vendor refused.
 */
export function usableConnection(connection: ConnectionRow | undefined, connectionId: string): ConnectionRow {
  const found = existingConnection(connection, connectionId);
  if (found.status === 'disabled') {
    throw new SessionError(
      SessionErrorCode.ConnectionDisabled,
      `connection ${connectionId} is disabled`,
      false,
    );
  }
  if (found.status === 'needs_attention') {
    throw new SessionError(
      SessionErrorCode.NeedsAttention,
      `connection ${connectionId} needs attention (${found.status_reason ?? 'login failed'}); update its credentials to resume`,
      false,
    );
  }
  return found;
}

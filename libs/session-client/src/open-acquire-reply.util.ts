import type { CapturedSession } from '@fieldsync/connector-kit';
import { SessionAcquireError, SessionEnvelopeError } from './session-client.error';
import type { AcquiredSession } from './session-client.types';
import type { SessionKeyPair } from './session-envelope';
import type { AcquireOkReply } from './sessions.schema';

/**
 * Turns the session manager's answer to an acquire into a session this process can use: the reply must
 * be about the connection asked for, and its envelope must open with this process's key, bound to this
 * connection, this requester and the reply's session version.
 */
export function openAcquireReply(
  keyPair: SessionKeyPair,
  reply: AcquireOkReply,
  connectionId: string,
  requester: string,
): AcquiredSession {
  if (reply.connectionId !== connectionId) {
    throw new SessionAcquireError(
      'bad_reply',
      `acquire ${connectionId}: the reply is about connection ${reply.connectionId}`,
      false,
      connectionId,
    );
  }
  let session: CapturedSession;
  try {
    session = keyPair.open(reply.envelope, {
      connectionId,
      requester,
      sessionVersion: reply.sessionVersion,
    });
  } catch (cause) {
    if (!(cause instanceof SessionEnvelopeError)) throw cause;
    throw new SessionAcquireError(
      'envelope',
      `acquire ${connectionId}: ${cause.message}`,
      false,
      connectionId,
      {
        cause,
      },
    );
  }
  return {
    connectionId,
    sessionVersion: reply.sessionVersion,
    expiresAt: reply.expiresAt,
    user: reply.user,
    session,
  };
}

export { capturedSessionSchema, sessionCookieSchema, sessionUserSchema } from './captured-session.schema';
export { SESSION_CLIENT } from './session-client.constants';
export {
  SessionAcquireError,
  SessionClientError,
  SessionEnvelopeError,
  SessionEnvelopeErrorCode,
  type SessionClientErrorCode,
  type SessionClientFailureCode,
} from './session-client.error';
export { SessionClientModule, type SessionClientModuleOptions } from './session-client.module';
export {
  SESSION_ENVELOPE_LABEL,
  SESSION_ENVELOPE_VERSION,
  SessionKeyPair,
  sealSession,
  type SessionEnvelopeBinding,
} from './session-envelope';
export {
  SessionClient,
  type AcquireOptions,
  type AcquiredSession,
  type SessionClientOptions,
} from './session.client';
export * from './sessions.schema';
export {
  SessionTokenError,
  establishSessionBodySchema,
  looksLikeSessionToken,
  refreshSessionBodySchema,
  sessionTokenClaimsSchema,
  sessionTokenKey,
  signSessionToken,
  verifySessionToken,
  type SessionTokenClaims,
} from './session-token';

export {
  MFA_METHODS,
  carriedFieldSchema,
  streamNameSchema,
  connectorCapabilitiesSchema,
  connectorDescriptorSchema,
  connectorTransportSchema,
  mfaMethodSchema,
  type Connector,
  type ConnectorAuthFlows,
  type ConnectorCapabilities,
  type ConnectorDescriptor,
  type MfaMethod,
} from './contract/connector.types';
export { ConnectorRegistryError, ConnectorRegistryErrorCode } from './registry/connector-registry.error';
export { ConnectorRegistry } from './registry/connector.registry';
export {
  AuthFlowError,
  type AuthFailureReason,
  type AuthFlow,
  type AuthFlowContext,
  type CapturedSession,
  type ConnectionCredentials,
  type LogoutResult,
  type MfaSettings,
  type RefreshOrder,
  type SessionCheck,
  type SessionCookie,
  type SessionPolicy,
  type SessionUser,
  type VendorAccount,
} from './auth/auth-flow.types';
export { ENTITLEMENTS, type Entitlement } from './auth/entitlement.constants';
export { COMMAND_ENTITLEMENTS, missingCommandEntitlement } from './auth/command-entitlements.constants';
export {
  LOGIN_OUTCOME_SELECTORS,
  credentialForm,
  oneTimeCodeForm,
  type CredentialForm,
  type OneTimeCodeForm,
} from './auth/login-form.util';
export {
  LoginNavigator,
  type LoginNavigatorOptions,
  type LoginPageView,
  type PortalMarkers,
} from './auth/login-navigator';
export { passwordThenCodeLogin, type PasswordCodeLoginSpec } from './auth/password-code-login';
export { sessionCookiesOf, toSessionCookie } from './auth/session-cookie.util';
export { cookieHeaderFor, cookiesFor, sessionFetch, sessionUrl } from './auth/session-http.util';
export { probeSession, type SessionProbe } from './auth/session-probe.util';
export {
  BrowserPool,
  type BrowserPoolOptions,
  type BrowserPoolStats,
  type PageFunction,
  type WithPageOptions,
} from './browser/browser-pool';
export {
  CHROMIUM_ARGS,
  DEFAULT_BROWSER_IDLE_MS,
  DEFAULT_CHROMIUM_PATH,
  DEFAULT_MAX_CONCURRENT_LOGINS,
} from './browser/browser-pool.constants';
export { BrowserPoolError, BrowserPoolErrorCode } from './browser/browser-pool.error';
export { checkedSessionPolicy, portalOriginOf } from './auth/flow-input.util';
export {
  VendorCallError,
  type ConnectorReadSide,
  type ReadPage,
  type RecordMapper,
  type StreamReader,
  type SyncContext,
  type VendorCallFailure,
  type VendorRecord,
} from './sync/sync-reader.types';
export {
  VendorWriteError,
  type Booking,
  defineWrite,
  describeWrites,
  type CommandHandler,
  type CommandWrite,
  type CommandWrites,
  type ConnectorWriteSide,
  type ResolvedRecord,
  type WriteContext,
  type WriteOutcome,
} from './write/write-side.types';
export { MARKER_PATTERN, findMarker, markerOf, withMarker } from './write/marker.util';
export {
  mapVendorRecord,
  type MappedObject,
  type MappingIssue,
  type StorableRecord,
} from './sync/map-record.util';
export { uncarriedFields } from './write/carried-fields.util';
export { payloadPaths } from './write/payload-paths.util';
export { withSessionPage } from './browser/session-page.util';
export {
  VendorCallGaveUp,
  callVendor,
  type VendorCallHooks,
  type VendorCallPolicyOptions,
} from './policy/vendor-call.policy';

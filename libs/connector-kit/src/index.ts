export {
  MFA_METHODS,
  connectorCapabilitiesSchema,
  connectorDescriptorSchema,
  connectorTransportSchema,
  mfaMethodSchema,
  type Connector,
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
  type MfaSettings,
  type SessionCheck,
  type SessionCookie,
  type SessionPolicy,
  type SessionUser,
} from './auth/auth-flow.types';

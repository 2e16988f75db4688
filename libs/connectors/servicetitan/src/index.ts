export {
  SERVICETITAN_SESSION_POLICY,
  ServiceTitanAuthFlow,
  servicetitanAuthFlow,
  type ServiceTitanAuthFlowOptions,
} from './servicetitan.auth-flow';
export { servicetitanConnector } from './servicetitan.connector';
export { SERVICETITAN_ROLE_ENTITLEMENTS, servicetitanEntitlements } from './servicetitan-roles.util';
export { DEFAULT_RETRY_AFTER_MS, ServiceTitanClient, retryAfterMs } from './servicetitan.client';
export { SERVICETITAN_CURRENCY } from './mappers/mapping.util';
export { ServiceTitanMapper } from './servicetitan.mapper';
export {
  createServiceTitanReadSide,
  servicetitanReadSide,
  servicetitanStreams,
  type ServiceTitanReadSideOptions,
} from './servicetitan.readers';
export { servicetitanWriteSide } from './servicetitan.writer';
export { FIELDSYNC_APPLICATION_GUID } from './writes/job-create.write';

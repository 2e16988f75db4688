export {
  SERVICETITAN_SESSION_POLICY,
  ServiceTitanAuthFlow,
  servicetitanAuthFlow,
  type ServiceTitanAuthFlowOptions,
} from './servicetitan.auth-flow';
export { SERVICETITAN_ROLE_ENTITLEMENTS, servicetitanEntitlements } from './servicetitan-roles.util';

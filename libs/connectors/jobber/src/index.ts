export {
  JOBBER_SESSION_POLICY,
  JobberAuthFlow,
  jobberAuthFlow,
  type JobberAuthFlowOptions,
} from './jobber.auth-flow';
export { JOBBER_DEVICE_COOKIE, JOBBER_GRAPHQL_VERSION } from './jobber.constants';
export { JOBBER_ROLE_ENTITLEMENTS, jobberEntitlements } from './jobber-roles.util';

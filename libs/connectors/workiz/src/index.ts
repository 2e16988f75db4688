export {
  WORKIZ_INTEGRATIONS_PATH,
  WORKIZ_SESSION_POLICY,
  WorkizAuthFlow,
  workizAuthFlow,
  type WorkizAuthFlowOptions,
} from './workiz.auth-flow';
export { workizConnector } from './workiz.connector';
export { WORKIZ_ROLE_ENTITLEMENTS, workizEntitlements } from './workiz-roles.util';
export { WorkizCallError, WorkizClient, type CallContext } from './workiz.client';
export { WorkizMapper, workizMapper } from './workiz.mapper';
export { workizClient, workizReadSide } from './workiz.readers';
export { workizWriteSide } from './workiz.writer';

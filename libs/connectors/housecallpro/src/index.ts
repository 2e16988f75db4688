export {
  HOUSECALLPRO_SESSION_POLICY,
  HousecallProAuthFlow,
  housecallproAuthFlow,
  type HousecallProAuthFlowOptions,
} from './housecallpro.auth-flow';
export { housecallproConnector } from './housecallpro.connector';
export { HOUSECALLPRO_ROLE_ENTITLEMENTS, housecallproEntitlements } from './housecallpro-roles.util';
export { HousecallProClient, type CallContext } from './housecallpro.client';
export { HousecallProMapper, housecallproMapper } from './housecallpro.mapper';
export { housecallproReadSide } from './housecallpro.readers';
export { housecallproWriteSide } from './housecallpro.writer';

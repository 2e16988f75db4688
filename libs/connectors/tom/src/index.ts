export { TOM_SESSION_POLICY, TomAuthFlow, tomAuthFlow, type TomAuthFlowOptions } from './tom.auth-flow';
export { tomConnector } from './tom.connector';
export { TOM_ROLE_ENTITLEMENTS, tomEntitlements } from './tom-roles.util';
export { TomClient, type CallContext } from './tom.client';
export { TomMapper, tomMapper } from './tom.mapper';
export { tomReadSide } from './tom.readers';
export { tomWriteSide } from './tom.writer';
export { TOM_LOGIN_PATH } from './tom.auth-flow';
export { tomChecksum, tomWireRecord, type TomRendering } from './tom.schemas';

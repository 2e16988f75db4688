/*
 * ServiceTitan in the sandbox: its portal (login flow with TOTP, SMS and SSO through the IdP, test
 * users), its v2 REST API behind the session, and its ground truth. The registry (portal/portal.registry.ts)
 * takes createServiceTitanPortal; the rest is for in-process benchmarks.
 */
export { createServiceTitanPortal, servicetitanPortal } from './servicetitan.portal';
export { mountServiceTitanApi } from './servicetitan-api';
export { SERVICETITAN_TENANT_ID, type ServiceTitanApiOptions } from './servicetitan-api.constants';
export { servicetitanGroundTruth } from './servicetitan.ground-truth';

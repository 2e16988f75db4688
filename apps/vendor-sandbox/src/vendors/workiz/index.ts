/*
 * Workiz in the sandbox, laid out by `npm run new:vendor`: its portal (test users, a login page
 * that says it is not implemented yet), no data API yet and an empty ground truth. The registry
 * (portal/portal.registry.ts) takes createWorkizPortal.
 */
export { createWorkizPortal, workizPortal } from './workiz.portal';
export { WORKIZ_EXPORT_ENTITIES, workizGroundTruth } from './workiz.ground-truth';

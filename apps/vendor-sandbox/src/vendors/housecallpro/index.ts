/*
 * Housecall Pro in the sandbox: its pro web app login (SMS code on every sign-in), the v1 data API and
 * the ground truth. The registry (portal/portal.registry.ts) takes createHousecallProPortal.
 */
export { createHousecallProPortal, housecallproPortal } from './housecallpro.portal';
export { HOUSECALLPRO_EXPORT_ENTITIES, housecallproGroundTruth } from './housecallpro.ground-truth';

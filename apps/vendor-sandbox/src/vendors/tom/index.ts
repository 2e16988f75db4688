/*
 * Total Office Manager in the sandbox: its portal (test users, the Mobile II sign-in with its licence
 * limit, the office grids and detail pages as server-rendered HTML) and its ground truth. The registry
 * (portal/portal.registry.ts) takes createTomPortal.
 */
export { createTomPortal, tomPortal } from './tom.portal';
export { TOM_EXPORT_ENTITIES, tomGroundTruth } from './tom.ground-truth';
export { TOM_LISTINGS, type TomListing, type TomPageRecord } from './tom.records';

/**
 * The connectors registry: `ReadonlyMap<Vendor, ConnectorReadSide>` of every connector the extractor
 * syncs. The lead fills it with the real connectors (ExtractorModule.forRoot({ readSides })).
 */
export const CONNECTOR_READ_SIDES = Symbol('CONNECTOR_READ_SIDES');

/** Where sessions come from: a SessionSource (production: the SessionClient of SessionClientModule). */
export const SESSION_SOURCE = Symbol('SESSION_SOURCE');

/** The resolved SyncOptions. */
export const SYNC_OPTIONS = Symbol('SYNC_OPTIONS');

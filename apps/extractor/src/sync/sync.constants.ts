/**
 * `ReadonlyMap<Vendor, ConnectorReadSide>`: the read side of every connector of the registry the
 * extractor was given (ExtractorModule.forRoot({ connectors })).
 */
export const CONNECTOR_READ_SIDES = Symbol('CONNECTOR_READ_SIDES');

/** Where sessions come from: a SessionSource (production: the SessionClient of SessionClientModule). */
export const SESSION_SOURCE = Symbol('SESSION_SOURCE');

/** The resolved SyncOptions. */
export const SYNC_OPTIONS = Symbol('SYNC_OPTIONS');

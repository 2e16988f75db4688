import type { Vendor } from '@fieldsync/canonical-model';
import type { ConnectorReadSide } from '@fieldsync/connector-kit';
import { jobberReadSide } from '@fieldsync/connectors/jobber';
import { servicetitanReadSide } from '@fieldsync/connectors/servicetitan';

/**
 * The connectors the extractor syncs (CONNECTOR_READ_SIDES), one read side per vendor. Connections of
 * a vendor not listed here are not synced (and say so in the log). Checked at boot (read-sides.util.ts):
 * unique stream names, no entity reconciled by two streams.
 */
export function connectorReadSides(): ReadonlyMap<Vendor, ConnectorReadSide> {
  return new Map<Vendor, ConnectorReadSide>([
    ['servicetitan', servicetitanReadSide],
    ['jobber', jobberReadSide],
  ]);
}

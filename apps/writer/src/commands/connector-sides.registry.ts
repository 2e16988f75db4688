import type { Vendor } from '@fieldsync/canonical-model';
import type { ConnectorReadSide, ConnectorWriteSide } from '@fieldsync/connector-kit';
import { jobberReadSide, jobberWriteSide } from '@fieldsync/connectors/jobber';
import { servicetitanReadSide, servicetitanWriteSide } from '@fieldsync/connectors/servicetitan';

/**
 * The connectors the writer executes commands for: one write side per vendor, and the read side whose
 * mapper turns what a write read back into canonical records (the same mapping as the extractor's).
 * A command for a vendor not listed here is answered `unsupported`.
 */
export function connectorWriteSides(): ReadonlyMap<Vendor, ConnectorWriteSide> {
  return new Map<Vendor, ConnectorWriteSide>([
    ['servicetitan', servicetitanWriteSide],
    ['jobber', jobberWriteSide],
  ]);
}

export function connectorReadSides(): ReadonlyMap<Vendor, ConnectorReadSide> {
  return new Map<Vendor, ConnectorReadSide>([
    ['servicetitan', servicetitanReadSide],
    ['jobber', jobberReadSide],
  ]);
}

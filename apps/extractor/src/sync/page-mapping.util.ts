import type { EntityType } from '@fieldsync/canonical-model';
import { mapVendorRecord, type ConnectorReadSide, type VendorRecord } from '@fieldsync/connector-kit';
import { ENTITY_TABLES, type MappedRecord } from '@fieldsync/persistence';
import type { DriftIssue, DriftKind } from '../store/drift-report.repository';

/** A record the page could not store: quarantined in `drift_reports`. */
export interface DriftedRecord {
  readonly entity: EntityType;
  readonly externalId: string | null;
  readonly raw: unknown;
  readonly kind: DriftKind;
  readonly issues: readonly DriftIssue[];
}

export interface MappedPage {
  readonly mapped: MappedRecord[];
  readonly drifted: DriftedRecord[];
}

/**
 * A page's vendor records → canonical records to store, and drift: a record the reader already found
 * off its wire schema, or one whose mapping fails the canonical schema (or has no store table). Pure,
 * outside any transaction.
 */
export function mapPage(
  readSide: ConnectorReadSide,
  scope: { tenantId: string; connectionId: string },
  records: readonly VendorRecord[],
): MappedPage {
  const mapped: MappedRecord[] = [];
  const drifted: DriftedRecord[] = [];
  for (const record of records) {
    if (record.kind === 'drift') {
      drifted.push({ ...record, kind: 'wire_schema' });
      continue;
    }
    const driftOf = (issues: DriftIssue[]): DriftedRecord => ({
      entity: record.entity,
      externalId: record.externalId,
      raw: record.raw,
      kind: 'mapping',
      issues,
    });
    if (!ENTITY_TABLES[record.entity]) {
      drifted.push(
        driftOf([
          {
            path: 'entity',
            code: 'no_table',
            message: `entity ${record.entity} has no canonical-store table`,
          },
        ]),
      );
      continue;
    }
    const result = mapVendorRecord(readSide.mapper, record, scope);
    if (result.ok) mapped.push(result.record);
    else drifted.push(driftOf(result.issues));
  }
  return { mapped, drifted };
}

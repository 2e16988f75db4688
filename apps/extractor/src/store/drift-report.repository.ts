import { createHash } from 'node:crypto';
import { newEventId, type EntityType, type Vendor } from '@fieldsync/canonical-model';
import type { DB } from '@fieldsync/persistence';
import { Injectable } from '@nestjs/common';
import { sql, type Transaction } from 'kysely';

export interface DriftIssue {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** Where the drift was found: the vendor's wire schema, or the mapping to the canonical schema. */
export type DriftKind = 'wire_schema' | 'mapping';

export interface NewDrift {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly vendor: Vendor;
  readonly entity: EntityType;
  readonly kind: DriftKind;
  readonly externalId: string | null;
  readonly raw: unknown;
  readonly issues: readonly DriftIssue[];
}

export interface RecordedDrift {
  readonly reportId: string;
  /** True when this kind of drift is new for (connection, entity): the caller emits the event. */
  readonly firstSeen: boolean;
}

/**
 * The kind of a drift, independent of the record: the entity, where it broke, and each issue's path
 * (array indices folded to `*`) and code, sorted. Two customers missing the same renamed field share a
 * fingerprint; a second, different break gets its own.
 */
export function driftFingerprint(entity: EntityType, kind: DriftKind, issues: readonly DriftIssue[]): string {
  const shape = [
    ...new Set(issues.map((issue) => `${issue.path.replace(/\[\d+\]|\.\d+(?=\.|$)/g, '[*]')}:${issue.code}`)),
  ].sort();
  return createHash('sha256')
    .update(JSON.stringify([entity, kind, shape]), 'utf8')
    .digest('hex')
    .slice(0, 32);
}

/**
 * `drift_reports`: one row per (connection, entity, fingerprint), the latest raw payload, a running count.
 * A report an integrator resolved (`POST /drift-reports/{id}/resolve`) is reopened when the drift recurs.
 */
@Injectable()
export class DriftReportRepository {
  async record(trx: Transaction<DB>, drift: NewDrift): Promise<RecordedDrift> {
    const fingerprint = driftFingerprint(drift.entity, drift.kind, drift.issues);
    const result = await sql<{ id: string; inserted: boolean }>`
      insert into drift_reports
        (id, tenant_id, connection_id, vendor, entity_type, kind, fingerprint, external_id, raw, issues)
      values (${`drf_${newEventId().slice(4)}`}, ${drift.tenantId}, ${drift.connectionId}, ${drift.vendor},
        ${drift.entity}, ${drift.kind}, ${fingerprint}, ${drift.externalId},
        ${JSON.stringify(drift.raw ?? null)}::jsonb, ${JSON.stringify(drift.issues)}::jsonb)
      on conflict (connection_id, entity_type, fingerprint) do update set
        occurrences = drift_reports.occurrences + 1,
        last_seen_at = now(),
        external_id = excluded.external_id,
        raw = excluded.raw,
        issues = excluded.issues,
        resolved_at = null
      returning id, (xmax = 0) as inserted`.execute(trx);
    const row = result.rows[0];
    if (!row)
      throw new Error(`drift report upsert for ${drift.connectionId}/${drift.entity} returned no row`);
    return { reportId: row.id, firstSeen: row.inserted };
  }
}

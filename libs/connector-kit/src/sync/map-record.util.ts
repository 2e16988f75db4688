import {
  canonicalId,
  safeParseEntity,
  type CanonicalEntity,
  type EntityType,
} from '@fieldsync/canonical-model';
import { ZodError } from 'zod';
import type { RecordMapper, VendorRecord } from './sync-reader.types';

/** Why a vendor record did not become a canonical object (the drift-report issue shape). */
export interface MappingIssue {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** A record ready for the canonical store (the shape of persistence's MappedRecord). */
export interface StorableRecord {
  readonly entity: EntityType;
  readonly externalId: string;
  readonly object: CanonicalEntity;
  readonly raw: unknown;
  readonly deleted: boolean;
}

export type MappedObject =
  | { readonly ok: true; readonly object: CanonicalEntity; readonly record: StorableRecord }
  | { readonly ok: false; readonly issues: MappingIssue[] };

function issuesOf(error: unknown): MappingIssue[] {
  if (error instanceof ZodError) {
    return error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      code: issue.code,
      message: issue.message.slice(0, 1000),
    }));
  }
  const message = error instanceof Error ? error.message : String(error);
  return [{ path: '', code: 'mapping_failed', message: message.slice(0, 1000) }];
}

/**
 * A validated vendor record → its canonical object, validated against the entity's schema and with the
 * id and externalId derived from (connection, entity, externalId): what the extractor stores for a
 * page and the writer for what it read back after a write. Never throws: a record that does not map
 * yields the issues (the extractor quarantines it as drift).
 */
export function mapVendorRecord(
  mapper: RecordMapper,
  record: Extract<VendorRecord, { kind: 'record' }>,
  ctx: { tenantId: string; connectionId: string },
): MappedObject {
  let object: unknown;
  try {
    object = mapper.toCanonical(record, ctx);
  } catch (error) {
    return { ok: false, issues: issuesOf(error) };
  }
  const parsed = safeParseEntity(record.entity, object);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  if (
    parsed.data.id !== canonicalId(ctx.connectionId, record.entity, record.externalId) ||
    parsed.data.externalId !== record.externalId
  ) {
    return {
      ok: false,
      issues: [
        {
          path: 'id',
          code: 'id_mismatch',
          message: `the mapper's id/externalId do not derive from ${record.entity} ${record.externalId}`,
        },
      ],
    };
  }
  const { entity, externalId, raw, deleted } = record;
  return { ok: true, object: parsed.data, record: { entity, externalId, object: parsed.data, raw, deleted } };
}

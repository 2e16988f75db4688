import type { EntityType } from '@fieldsync/canonical-model';
import type { VendorRecord } from '@fieldsync/connector-kit';
import type { z } from 'zod';

/*
 * A payload against its strict wire schema: a record, or a drift record carrying every issue, so one row
 * that does not fit never stops the rest of its page.
 */

export type Issue = { path: string; code: string; message: string };
export type Drift = Extract<VendorRecord, { kind: 'drift' }>;

export function issuesOf(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.'),
    code: issue.code,
    message: issue.message,
  }));
}

/** The `id` of a payload that failed its schema, when it can still be read. */
export function idOf(raw: unknown): string | null {
  if (raw === null || typeof raw !== 'object') return null;
  const value = (raw as Record<string, unknown>)['id'];
  return typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : null;
}

export function drift(entity: EntityType, raw: unknown, issues: Issue[], externalId = idOf(raw)): Drift {
  return { kind: 'drift', entity, externalId, raw, issues };
}

/** A record the readers assembled (`raw`) checked against its record schema, under the row's id. */
export function validatedRecord(
  entity: EntityType,
  schema: z.ZodType,
  raw: unknown,
  externalId: string,
  deleted: boolean,
): VendorRecord {
  const parsed = schema.safeParse(raw);
  return parsed.success
    ? { kind: 'record', entity, externalId, raw: parsed.data, deleted }
    : drift(entity, raw, issuesOf(parsed.error), externalId);
}

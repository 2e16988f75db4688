import type { EntityType } from '@fieldsync/canonical-model';
import type { VendorRecord } from '@fieldsync/connector-kit';
import type { z } from 'zod';

/*
 * A payload against its strict wire schema (workiz.schemas.ts): a record, or a drift record carrying
 * every issue, so one row that does not fit never stops the rest of its page.
 */

/** A field of a payload as an external id, when it holds one (a number, or a non-empty string). */
export function fieldId(raw: unknown, field: string, prefix = ''): string | null {
  if (raw === null || typeof raw !== 'object') return null;
  const value = (raw as Record<string, unknown>)[field];
  return typeof value === 'number' || (typeof value === 'string' && value !== '')
    ? `${prefix}${String(value)}`
    : null;
}

/** The issues of a failed parse, as a drift record carries them. */
export const driftIssues = (error: z.ZodError) =>
  error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code, message: i.message }));

/** One payload against its wire schema: a record with the given id, or drift with every issue. */
export function validatedRecord<S extends z.ZodType>(
  entity: EntityType,
  schema: S,
  raw: unknown,
  externalId: string | null,
): VendorRecord {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { kind: 'drift', entity, externalId, raw, issues: driftIssues(parsed.error) };
  if (externalId === null)
    throw new Error(`Workiz ${entity}: a valid payload has no id (its wire schema must require one)`);
  return { kind: 'record', entity, externalId, raw: parsed.data, deleted: false };
}

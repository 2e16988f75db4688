import type { EntityType } from '@fieldsync/canonical-model';
import type { VendorRecord } from '@fieldsync/connector-kit';
import type { z } from 'zod';

/*
 * A payload against its strict wire schema (housecallpro.schemas.ts): a record, or a drift record carrying
 * every issue, so one row that does not fit never stops the rest of its page.
 */

/** The `id` of a payload, when it has one (a number, or a non-empty string). */
export function idOf(raw: unknown): string | null {
  if (raw === null || typeof raw !== 'object') return null;
  const value = (raw as Record<string, unknown>)['id'];
  return typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : null;
}

/**
 * One row against its wire schema: a record (deleted as `deleted` says), or drift with every issue. The
 * vendor's id is the row's `id`, unless `idOfRow` reads it elsewhere (the price book's `uuid`).
 */
export function validatedRecord<S extends z.ZodType>(
  entity: EntityType,
  schema: S,
  raw: unknown,
  deleted: (row: z.infer<S>) => boolean,
  idOfRow: (raw: unknown) => string | null = idOf,
): VendorRecord {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      kind: 'drift',
      entity,
      externalId: idOfRow(raw),
      raw,
      issues: parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        code: i.code,
        message: i.message,
      })),
    };
  }
  const externalId = idOfRow(parsed.data);
  if (externalId === null)
    throw new Error(`Housecall Pro ${entity}: a valid row has no id (its wire schema must require one)`);
  return { kind: 'record', entity, externalId, raw: parsed.data, deleted: deleted(parsed.data) };
}

import type { EntityType } from '@fieldsync/canonical-model';
import type { VendorRecord } from '@fieldsync/connector-kit';
import type { z } from 'zod';

/*
 * A page record against its strict wire schema (tom.schemas.ts): a record, or a drift record carrying
 * every issue, so one record whose page no longer reads as it did never stops the rest of its page and
 * never becomes a wrong value.
 */

/** The key of a page record (the last segment of its detail page's URL), when it has one. */
export function keyOf(raw: unknown): string | null {
  if (raw === null || typeof raw !== 'object') return null;
  const value = (raw as Record<string, unknown>)['key'];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** One page record against its wire schema: a record (deleted as `deleted` says), or drift with every issue. */
export function validatedRecord<S extends z.ZodType>(
  entity: EntityType,
  schema: S,
  raw: unknown,
  deleted: (row: z.infer<S>) => boolean,
): VendorRecord {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      kind: 'drift',
      entity,
      externalId: keyOf(raw),
      raw,
      issues: parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        code: i.code,
        message: i.message,
      })),
    };
  }
  const externalId = keyOf(parsed.data);
  if (externalId === null) throw new Error(`Total Office Manager ${entity}: a valid record has no key`);
  return { kind: 'record', entity, externalId, raw: parsed.data, deleted: deleted(parsed.data) };
}

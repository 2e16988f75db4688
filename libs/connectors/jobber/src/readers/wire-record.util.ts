import type { EntityType } from '@fieldsync/canonical-model';
import type { VendorRecord } from '@fieldsync/connector-kit';
import type { z } from 'zod';

/*
 * A GraphQL node against its strict wire schema: a record, or a drift record carrying every issue, so one
 * node that does not fit never stops the rest of its page.
 */

export type Node = Record<string, unknown>;
export const isNode = (value: unknown): value is Node =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** One node against its wire schema: a record, or drift with every issue (the page goes on). */
export function validatedRecord(entity: EntityType, schema: z.ZodType, raw: unknown): VendorRecord {
  const parsed = schema.safeParse(raw);
  if (parsed.success) {
    const externalId = (parsed.data as { id: string }).id;
    return { kind: 'record', entity, externalId, raw: parsed.data, deleted: false };
  }
  const id = isNode(raw) ? raw['id'] : undefined;
  return {
    kind: 'drift',
    entity,
    externalId: typeof id === 'string' && id !== '' ? id : null,
    raw,
    issues: parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      code: i.code,
      message: i.message,
    })),
  };
}

/** The records of a root node that yields only itself. */
export const singleRecord =
  (entity: EntityType, schema: z.ZodType) =>
  (node: unknown): Promise<VendorRecord[]> =>
    Promise.resolve([validatedRecord(entity, schema, node)]);

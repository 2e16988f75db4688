import type { EntityType } from '@fieldsync/canonical-model';
import type { SyncContext } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import type { ServiceTitanClient } from '../servicetitan.client';
import { MAX_IDS_PER_CALL, chunks, listAll } from '../servicetitan-list.util';
import { drift, issuesOf, type Drift } from './wire-record.util';

/*
 * The readers' look-ups of related rows: a v2 list filtered by `ids`, at most MAX_IDS_PER_CALL ids a call,
 * each call read to its last page (servicetitan-list.util.ts, shared with the write side). An export
 * page itself is read by ExportStreamReader (stream.reader.ts).
 */

/** Every row of a list fetched by `ids` (each id once, 50 at a time), as ServiceTitan sent them. */
export async function listByIds(
  ctx: SyncContext,
  client: ServiceTitanClient,
  module: string,
  resource: string,
  ids: readonly number[],
): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (const chunk of chunks([...new Set(ids)], MAX_IDS_PER_CALL)) {
    rows.push(...(await listAll(client, ctx, module, resource, { ids: chunk.join(',') })));
  }
  return rows;
}

/** Rows of a list fetched by `ids` (50 at a time), each checked against `schema`. */
export async function byIds<S extends z.ZodType>(
  ctx: SyncContext,
  client: ServiceTitanClient,
  module: string,
  resource: string,
  ids: readonly number[],
  schema: S,
  entity: EntityType,
): Promise<{ rows: z.infer<S>[]; drifts: Drift[] }> {
  const rows: z.infer<S>[] = [];
  const drifts: Drift[] = [];
  for (const raw of await listByIds(ctx, client, module, resource, ids)) {
    const parsed = schema.safeParse(raw);
    if (parsed.success) rows.push(parsed.data);
    else drifts.push(drift(entity, raw, issuesOf(parsed.error)));
  }
  return { rows, drifts };
}

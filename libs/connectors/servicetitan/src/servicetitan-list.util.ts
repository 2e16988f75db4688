import type { z } from 'zod';
import type { CallContext, ServiceTitanClient } from './servicetitan.client';
import { servicetitanListPageSchema } from './servicetitan.schemas';

/*
 * ServiceTitan's v2 lists (`page`, `pageSize`, `hasMore`, `data`), read the same way by the readers, the
 * job records' tag-type look-up and the write side's read-backs.
 */

/** `ids`, `appointmentIds`: at most 50 per call (vendors.md §1). */
export const MAX_IDS_PER_CALL = 50;
const MAX_PAGE_SIZE = 5_000;

/** An envelope that does not fit is not one record's drift: the whole call is unreadable. */
export function envelope<S extends z.ZodType>(schema: S, body: unknown, call: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`ServiceTitan ${call}: the response envelope changed (${detail})`);
  }
  return parsed.data;
}

/** Every row of a v2 list (page after page) for one query. */
export async function listAll(
  client: ServiceTitanClient,
  ctx: CallContext,
  module: string,
  resource: string,
  query: Record<string, string>,
): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (let page = 1; ; page += 1) {
    const body = await client.get(ctx, module, resource, {
      ...query,
      page: String(page),
      pageSize: String(MAX_PAGE_SIZE),
    });
    const list = envelope(servicetitanListPageSchema, body, `${module}/${resource}`);
    rows.push(...list.data);
    if (!list.hasMore) return rows;
  }
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

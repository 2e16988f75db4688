import type { ReadPage, StreamReader, SyncContext, VendorRecord } from '@fieldsync/connector-kit';
import { z } from 'zod';
import { HousecallProCallError, type CallContext, type HousecallProClient } from '../housecallpro.client';
import {
  housecallproMaterialCategorySchema,
  housecallproMaterialRecordSchema,
  housecallproMaterialSchema,
  housecallproPricebookServiceSchema,
} from '../housecallpro.schemas';
import { PAGE_SIZE } from './paging.util';
import { SLOW_MS } from './stream.reader';
import { validatedRecord } from './wire-record.util';

/*
 * The price book: services (`GET /api/price_book/services`), then the material category tree walked
 * from the root by `parent_uuid` (`GET /api/price_book/material_categories`), then the materials of each
 * category (`GET /api/price_book/materials?material_category_uuid=`), each list paged 100 at a time
 * `created_at asc`. Neither services nor materials carry an updated_at (and the lists have no
 * updated-since filter), so nothing incremental is possible: every pass reads the whole price book, and
 * deletes (an item taken out of the price book) are found by reconciliation at the end of a full pass.
 * Unchanged items hash equal in the store and make no event, so the cost of a full read is calls, not
 * churn; the stream runs at the slow interval. A list whose total changes between two of its pages (a
 * row added or removed mid-read shifts the pages) is read again from its first page, so a shift never
 * hides a row from a pass (and reconciliation never deletes a live item for it).
 */

const pageOf = z.looseObject({ data: z.array(z.unknown()) });
const servicesPage = pageOf.extend({
  total_pages: z.number().int().nonnegative(),
  total_items: z.number().int(),
});
const categoriesPage = pageOf.extend({ total_count: z.number().int().nonnegative() });
const materialsPage = pageOf.extend({
  total_pages_count: z.number().int().nonnegative(),
  total_count: z.number().int().nonnegative(),
});

const categoryRef = z.strictObject({ uuid: z.string().min(1), path: z.array(z.string()).min(1) });
const checkpointSchema = z.discriminatedUnion('phase', [
  z.strictObject({
    phase: z.literal('services'),
    page: z.number().int().positive(),
    total: z.number().int().nullable(),
  }),
  z.strictObject({ phase: z.literal('categories') }),
  z.strictObject({
    phase: z.literal('materials'),
    categories: z.array(categoryRef),
    index: z.number().int().nonnegative(),
    page: z.number().int().positive(),
    total: z.number().int().nullable(),
  }),
]);
type Checkpoint = z.infer<typeof checkpointSchema>;
const START: Checkpoint = { phase: 'services', page: 1, total: null };

const uuidOf = (raw: unknown): string | null => {
  if (raw === null || typeof raw !== 'object') return null;
  const row = raw as Record<string, unknown>;
  const own = row['material'] !== null && typeof row['material'] === 'object' ? row['material'] : row;
  const value = (own as Record<string, unknown>)['uuid'];
  return typeof value === 'string' && value !== '' ? value : null;
};

export class HousecallProPricebookReader implements StreamReader {
  readonly stream = 'pricebook';
  readonly entities = ['pricebook_item'] as const;
  readonly intervalMs = SLOW_MS;
  /** The price book's lists say nothing of removed items: deletes are found by reconciliation. */
  readonly signalsDeletes = false;
  readonly reconciles = ['pricebook_item'] as const;

  constructor(private readonly client: HousecallProClient) {}

  async readPage(ctx: SyncContext, checkpoint: string | null): Promise<ReadPage> {
    const at = this.parse(checkpoint);
    switch (at.phase) {
      case 'services':
        return this.services(ctx, at);
      case 'categories':
        return { records: [], checkpoint: this.next(await this.walkCategories(ctx)), caughtUp: false };
      case 'materials':
        return this.materials(ctx, at);
    }
  }

  private parse(checkpoint: string | null): Checkpoint {
    if (checkpoint === null) return START;
    let json: unknown;
    try {
      json = JSON.parse(checkpoint);
    } catch {
      json = undefined;
    }
    const parsed = checkpointSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(
        `Housecall Pro pricebook: the checkpoint is not one this reader wrote (${checkpoint.slice(0, 80)})`,
      );
    return parsed.data;
  }

  /** The first materials checkpoint over the walked categories, or the end of the pass when there are none. */
  private next(categories: z.infer<typeof categoryRef>[]): string {
    return JSON.stringify(
      categories.length === 0 ? START : { phase: 'materials', categories, index: 0, page: 1, total: null },
    );
  }

  private async list<S extends z.ZodType>(
    ctx: CallContext,
    path: string,
    envelope: S,
    query: Record<string, string>,
  ): Promise<z.infer<S>> {
    const body = await this.client.get(ctx, path, {
      ...query,
      page_size: String(PAGE_SIZE),
      sort_by: 'created_at',
      sort_direction: 'asc',
    });
    const parsed = envelope.safeParse(body);
    if (!parsed.success)
      throw new HousecallProCallError(
        path,
        200,
        `Housecall Pro GET ${path}: the answer is not a page of data[]`,
      );
    return parsed.data;
  }

  private async services(
    ctx: SyncContext,
    at: Extract<Checkpoint, { phase: 'services' }>,
  ): Promise<ReadPage> {
    const body = await this.list(ctx, '/api/price_book/services', servicesPage, { page: String(at.page) });
    if (at.total !== null && body.total_items !== at.total)
      return { records: [], checkpoint: JSON.stringify(START), caughtUp: false };
    const records: VendorRecord[] = body.data.map((raw) =>
      validatedRecord('pricebook_item', housecallproPricebookServiceSchema, raw, () => false, uuidOf),
    );
    const more = at.page < body.total_pages;
    return {
      records,
      checkpoint: more
        ? JSON.stringify({ phase: 'services', page: at.page + 1, total: body.total_items })
        : JSON.stringify({ phase: 'categories' }),
      caughtUp: false,
      ...(at.page === 1 ? { total: body.total_items } : {}),
    };
  }

  /** Every category, breadth-first from the root, each with the names from the root down to it. */
  private async walkCategories(ctx: SyncContext): Promise<z.infer<typeof categoryRef>[]> {
    const out: z.infer<typeof categoryRef>[] = [];
    const queue: { uuid: string | null; path: string[] }[] = [{ uuid: null, path: [] }];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const parent = queue.shift() as { uuid: string | null; path: string[] };
      for (let page = 1; ; page++) {
        const body = await this.list(ctx, '/api/price_book/material_categories', categoriesPage, {
          page: String(page),
          ...(parent.uuid === null ? {} : { parent_uuid: parent.uuid }),
        });
        for (const raw of body.data) {
          const c = housecallproMaterialCategorySchema.safeParse(raw);
          if (!c.success) {
            throw new HousecallProCallError(
              '/api/price_book/material_categories',
              200,
              `Housecall Pro material category does not fit its schema: ${c.error.issues.map((i) => i.path.join('.')).join(', ')}`,
            );
          }
          if (seen.has(c.data.uuid)) continue; // a row shifted onto the next page while walking
          seen.add(c.data.uuid);
          const node = { uuid: c.data.uuid, path: [...parent.path, c.data.name] };
          out.push(node);
          queue.push(node);
        }
        if (page * PAGE_SIZE >= body.total_count) break;
      }
    }
    return out;
  }

  private async materials(
    ctx: SyncContext,
    at: Extract<Checkpoint, { phase: 'materials' }>,
  ): Promise<ReadPage> {
    const category = at.categories[at.index];
    if (!category) return { records: [], checkpoint: JSON.stringify(START), caughtUp: true };
    const body = await this.list(ctx, '/api/price_book/materials', materialsPage, {
      material_category_uuid: category.uuid,
      page: String(at.page),
    });
    if (at.total !== null && body.total_count !== at.total)
      return { records: [], checkpoint: JSON.stringify({ ...at, page: 1, total: null }), caughtUp: false };
    const records: VendorRecord[] = body.data.map((raw) => {
      const row = housecallproMaterialSchema.safeParse(raw);
      // A row that does not fit is drift with its own issues (its path under `material`).
      return validatedRecord(
        'pricebook_item',
        housecallproMaterialRecordSchema,
        { material: row.success ? row.data : raw, category_path: category.path },
        () => false,
        uuidOf,
      );
    });
    const more = at.page < body.total_pages_count;
    const last = !more && at.index + 1 >= at.categories.length;
    return {
      records,
      checkpoint: last
        ? JSON.stringify(START)
        : JSON.stringify(
            more
              ? { ...at, page: at.page + 1, total: body.total_count }
              : { ...at, index: at.index + 1, page: 1, total: null },
          ),
      caughtUp: last,
    };
  }
}

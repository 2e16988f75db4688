import type { PricebookItem } from '@fieldsync/canonical-model';
import {
  housecallproMaterialRecordSchema,
  housecallproPricebookServiceSchema,
  type HousecallProMaterialRecord,
  type HousecallProPricebookService,
} from '../housecallpro.schemas';
import {
  HOUSECALLPRO_CURRENCY,
  canonicalBase,
  money,
  textOrNull,
  type MappingScope,
  type WireRecord,
} from './mapping.util';

/*
 * A Housecall Pro price book item: a service (`GET /api/price_book/services`) or a material (found by
 * walking the material categories, readers/pricebook.reader.ts). Neither row has timestamps, so the Unix
 * epoch stands for both times (a stable stand-in, as for Jobber's products); the price book has no member
 * price, no inventory and no inactive flag (an item taken out of the price book leaves the list, and
 * reconciliation deletes it). Money from integer cents.
 */

const EPOCH = '1970-01-01T00:00:00Z';

/** A price book record and what it is: a material record carries its category path, a service does not. */
export type PricebookRecord =
  | { readonly kind: 'service'; readonly item: HousecallProPricebookService }
  | { readonly kind: 'material'; readonly item: HousecallProMaterialRecord };

/** The record's payload as one of the two rows (a ZodError naming every field that does not fit). */
export function pricebookPayload(record: WireRecord): PricebookRecord {
  const raw = record.raw;
  if (raw !== null && typeof raw === 'object' && 'category_path' in raw)
    return { kind: 'material', item: housecallproMaterialRecordSchema.parse(raw) };
  return { kind: 'service', item: housecallproPricebookServiceSchema.parse(raw) };
}

export function mapPricebookItem(row: PricebookRecord, scope: MappingScope): PricebookItem {
  const base = {
    ...canonicalBase('pricebook_item', scope, { createdAt: EPOCH, updatedAt: EPOCH }),
    currency: HOUSECALLPRO_CURRENCY,
    memberPrice: null,
    zonePrices: null,
    active: true,
    inventoryTracked: false,
  } satisfies Partial<PricebookItem>;
  if (row.kind === 'service') {
    const s = row.item;
    return {
      ...base,
      kind: 'service',
      code: textOrNull(s.task_number),
      name: s.name,
      description: textOrNull(s.description),
      category: textOrNull(s.category?.name),
      unit: textOrNull(s.unit_of_measure),
      price: money(s.price),
      cost: money(s.cost),
      durationMinutes: s.duration ?? null,
      taxable: s.taxable,
    };
  }
  const m = row.item.material;
  return {
    ...base,
    kind: 'material',
    code: textOrNull(m.part_number),
    name: m.name,
    description: textOrNull(m.description),
    // The category path from the root ("Equipment / Plumbing"): the row names only its own category.
    category: row.item.category_path.join(' / '),
    unit: textOrNull(m.unit_of_measure),
    price: money(m.price),
    cost: money(m.cost),
    durationMinutes: null,
    taxable: m.taxable ?? false,
  };
}

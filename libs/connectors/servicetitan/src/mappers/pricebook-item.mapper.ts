import type { PricebookItem } from '@fieldsync/canonical-model';
import {
  servicetitanEquipmentSchema,
  servicetitanMaterialSchema,
  servicetitanServiceSchema,
  type ServiceTitanEquipment,
  type ServiceTitanMaterial,
  type ServiceTitanService,
} from '../servicetitan.schemas';
import { canonicalBase, money, textOrNull, utc, type MappingScope, type WireRecord } from './mapping.util';

/*
 * A ServiceTitan price book item: a service, a material or an equipment row (three feeds, one canonical
 * entity). The rows have no `createdOn` (their `modifiedOn` stands for both times); categories are ids
 * without names.
 */

/** A price book row and the feed it belongs to. */
export type PricebookRow =
  | { readonly kind: 'service'; readonly item: ServiceTitanService }
  | { readonly kind: 'material'; readonly item: ServiceTitanMaterial }
  | { readonly kind: 'equipment'; readonly item: ServiceTitanEquipment };

/**
 * The record's raw payload as one of the three price book rows: the strict schemas tell them apart; a
 * payload none of them accepts fails with the equipment schema's ZodError.
 */
export function pricebookPayload(record: WireRecord): PricebookRow {
  const service = servicetitanServiceSchema.safeParse(record.raw);
  if (service.success) return { kind: 'service', item: service.data };
  const material = servicetitanMaterialSchema.safeParse(record.raw);
  if (material.success) return { kind: 'material', item: material.data };
  return { kind: 'equipment', item: servicetitanEquipmentSchema.parse(record.raw) };
}

export function mapPricebookItem({ kind, item }: PricebookRow, scope: MappingScope): PricebookItem {
  const cost = 'cost' in item ? money(item.cost, scope) : null;
  const unit = 'unitOfMeasure' in item ? textOrNull(item.unitOfMeasure) : null;
  const modified = utc(item.modifiedOn);
  return {
    ...canonicalBase('pricebook_item', scope, { createdAt: modified, updatedAt: modified }),
    kind,
    code: textOrNull(item.code),
    name: textOrNull(item.displayName) ?? item.code,
    description: textOrNull(item.description),
    category: null,
    unit,
    currency: scope.currency,
    price: money(item.price, scope),
    memberPrice: money(item.memberPrice, scope),
    zonePrices: null,
    cost,
    durationMinutes: Math.round(item.hours * 60),
    taxable: item.taxable,
    active: item.active,
    inventoryTracked: 'isInventory' in item ? item.isInventory : false,
  };
}

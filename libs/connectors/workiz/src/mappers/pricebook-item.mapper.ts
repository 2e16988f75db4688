import type { PricebookItem } from '@fieldsync/canonical-model';
import type { WorkizPricebookItem } from '../workiz.schemas';
import {
  WORKIZ_CURRENCY,
  canonicalBase,
  lineKind,
  money,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/** A price book item as the web app lists it (inactive ones too): price and cost in dollars. */
export function mapPricebookItem(i: WorkizPricebookItem, scope: MappingScope): PricebookItem {
  const zone = i.timezone;
  const kind = lineKind(i.type);
  return {
    ...canonicalBase('pricebook_item', scope, {
      createdAt: utc(i.created, zone),
      updatedAt: utc(i.updated, zone),
    }),
    kind:
      kind === 'service' || kind === 'material' || kind === 'equipment' || kind === 'discount'
        ? kind
        : 'other',
    code: textOrNull(i.code),
    name: i.name,
    description: null,
    category: null,
    unit: null,
    currency: WORKIZ_CURRENCY,
    price: money(i.price),
    memberPrice: null,
    zonePrices: null,
    cost: money(i.cost),
    durationMinutes: null,
    taxable: i.taxable,
    active: i.active,
    inventoryTracked: false,
  };
}

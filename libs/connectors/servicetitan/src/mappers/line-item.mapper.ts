import { canonicalId, type Line } from '@fieldsync/canonical-model';
import type { ServiceTitanEstimateRecord, ServiceTitanInvoice } from '../servicetitan.schemas';
import { canonicalRef, money, textOrNull, type MappingScope } from './mapping.util';

/*
 * The lines of ServiceTitan estimates and invoices. Both name a price book item (its sku) and its type;
 * a discount is a PriceModifier line with a negative total. Line ids are the items' own.
 */

type EstimateItem = ServiceTitanEstimateRecord['estimate']['items'][number];
type InvoiceItem = ServiceTitanInvoice['items'][number];

const LINE_KINDS: Readonly<Record<string, Line['kind']>> = {
  Service: 'service',
  Material: 'material',
  Equipment: 'equipment',
};

function lineKind(type: string, total: number): Line['kind'] {
  if (type === 'PriceModifier') return total < 0 ? 'discount' : 'fee';
  return LINE_KINDS[type] ?? 'other';
}

/** An estimate's items in the order it lists them. */
export function mapEstimateLines(items: readonly EstimateItem[], scope: MappingScope): Line[] {
  return items.map((item, position) => {
    const total = money(item.total, scope);
    return {
      id: canonicalId(scope.ctx.connectionId, 'line_item', String(item.id)),
      externalId: String(item.id),
      kind: lineKind(item.sku.type, total),
      name: item.sku.displayName ?? item.description ?? item.sku.name,
      description: textOrNull(item.description),
      pricebookItemId: canonicalRef(scope, 'pricebook_item', item.sku.id),
      sku: textOrNull(item.sku.name),
      quantity: item.qty,
      unit: null,
      unitPrice: money(item.unitRate, scope),
      unitCost: null,
      total,
      taxable: null,
      taxCode: null,
      position,
    };
  });
}

/** An invoice's items in their `order`. */
export function mapInvoiceLines(items: readonly InvoiceItem[], scope: MappingScope): Line[] {
  return [...items]
    .sort((a, b) => a.order - b.order)
    .map((item, position) => {
      const lineTotal = money(item.total, scope);
      return {
        id: canonicalId(scope.ctx.connectionId, 'line_item', String(item.id)),
        externalId: String(item.id),
        kind: lineKind(item.type, lineTotal),
        name: item.displayName ?? item.description ?? item.skuName ?? '',
        description: textOrNull(item.description),
        pricebookItemId: canonicalRef(scope, 'pricebook_item', item.skuId),
        sku: textOrNull(item.skuName),
        quantity: Number(item.quantity),
        unit: null,
        unitPrice: money(item.price, scope),
        unitCost: money(item.cost, scope),
        total: lineTotal,
        taxable: item.taxable,
        taxCode: null,
        position,
      };
    });
}

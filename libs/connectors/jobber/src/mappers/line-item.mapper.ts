import type { Line } from '@fieldsync/canonical-model';
import type { JobberLineItem } from '../jobber.schemas';
import { canonicalRef, money, textOrNull, type MappingScope } from './mapping.util';

/**
 * The lines of Jobber quotes and invoices, in their order: a line linked to a product or service is a
 * service or material line. Jobber has no sku, unit, cost or tax code on a line.
 */
export function mapLineItems(items: readonly JobberLineItem[] | undefined, scope: MappingScope): Line[] {
  return (items ?? []).map((l, position) => ({
    id: canonicalRef(scope, 'line_item', l.id),
    externalId: l.id,
    kind:
      l.linkedProductOrService === null
        ? 'other'
        : l.linkedProductOrService.category === 'SERVICE'
          ? 'service'
          : 'material',
    name: l.name,
    description: textOrNull(l.description),
    pricebookItemId: l.linkedProductOrService
      ? canonicalRef(scope, 'pricebook_item', l.linkedProductOrService.id)
      : null,
    sku: null,
    quantity: l.quantity,
    unit: null,
    unitPrice: money(l.unitPrice),
    unitCost: null,
    total: money(l.totalPrice),
    taxable: l.taxable,
    taxCode: null,
    position,
  }));
}

import type { PricebookItem } from '@fieldsync/canonical-model';
import type { JobberProductOrService } from '../jobber.schemas';
import { EPOCH, JOBBER_CURRENCY, canonicalBase, money, textOrNull, type MappingScope } from './mapping.util';

/**
 * A Jobber product or service. It has no timestamps: the Unix epoch stands for both (a stable stand-in).
 * Jobber has no code, unit, member price or stock for it.
 */
export function mapPricebookItem(p: JobberProductOrService, scope: MappingScope): PricebookItem {
  return {
    ...canonicalBase('pricebook_item', p.id, scope, { createdAt: EPOCH, updatedAt: EPOCH }),
    kind: p.category === 'SERVICE' ? 'service' : 'material',
    code: null,
    name: p.name,
    description: textOrNull(p.description),
    category: p.category,
    unit: null,
    currency: JOBBER_CURRENCY,
    price: money(p.defaultUnitCost),
    memberPrice: null,
    zonePrices: null,
    cost: p.internalUnitCost === null ? null : money(p.internalUnitCost),
    durationMinutes: p.durationMinutes,
    taxable: p.taxable,
    active: true,
    inventoryTracked: false,
  };
}

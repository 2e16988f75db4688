import type { StoredRecord, WorldStore } from '@fieldsync/sandbox-world';
import { dollars } from './servicetitan-amount.util';
import { annotationsOf } from './servicetitan-annotations';
import { iso, isoOrNull } from './servicetitan-datetime.util';
import type { WireRow } from './servicetitan-wire.types';

/** Estimates (ServiceTitan's `sales` module): the sold option, else the first, as the estimate's items. */
export class ServiceTitanSalesRenderer {
  constructor(private readonly store: WorldStore) {}

  estimate(e: StoredRecord<'estimate'>): WireRow {
    const option = e.options.find((o) => o.id === e.soldOptionId) ?? e.options[0];
    const job = this.store.get('job', e.jobId);
    const status = { Open: 0, Sold: 1, Dismissed: 2 }[e.status];
    return {
      id: e.id,
      jobId: e.jobId,
      projectId: null,
      name: e.name,
      jobNumber: job?.jobNumber ?? null,
      status: { value: status, name: e.status },
      summary: option?.name ?? null,
      modifiedOn: iso(e.modifiedOn),
      soldOn: isoOrNull(e.soldOn),
      soldBy: e.soldById,
      active: e.active,
      items: (option?.items ?? []).map((item) => ({
        id: item.id,
        sku: {
          id: item.pricebookItemId ?? 0,
          name: item.code,
          displayName: item.description,
          type: item.type === 'Discount' ? 'PriceModifier' : item.type,
          soldHours: 0,
          generalLedgerAccountId: 0,
          generalLedgerAccountName: 'Income',
          modifiedOn: iso(e.modifiedOn),
        },
        skuAccount: 'Income',
        description: item.description,
        qty: item.quantityMilli / 1000,
        unitRate: dollars(item.unitPrice),
        total: dollars(item.total),
        itemGroupName: option?.name ?? '',
        itemGroupRootId: null,
        modifiedOn: iso(e.modifiedOn),
      })),
      externalLinks: (annotationsOf(this.store).estimateLinks.get(e.id) ?? []).map((l) => ({ ...l })),
    };
  }
}

import { ID_BASE, type StoredRecord, type WorldStore } from '@fieldsync/sandbox-world';
import { cents } from './jobber-amount.util';
import { formatDateTime } from './jobber-datetime.util';
import { encodeId } from './jobber-encoded-id.util';
import { ref } from './jobber-reference.util';
import { rendered } from './jobber-rendered.util';
import { QUOTE_STATUS, REQUEST_STATUS } from './jobber-status.constants';

/** Quotes (the sold option, else the first) and the requests they were made from. */
export class JobberQuoteMapper {
  constructor(private readonly store: WorldStore) {}

  quote(e: StoredRecord<'estimate'>) {
    const option = e.options.find((o) => o.id === e.soldOptionId) ?? e.options[0];
    const subtotal = option ? option.subTotal : 0;
    return rendered(e, {
      id: encodeId('Quote', e.id),
      quoteNumber: String(e.id - ID_BASE.estimate + 1),
      quoteStatus: QUOTE_STATUS[e.status],
      title: e.name,
      amounts: {
        subtotal: cents(subtotal),
        taxAmount: 0,
        discountAmount: 0,
        depositAmount: 0,
        total: cents(subtotal),
      },
      client: ref('Client', e.customerId),
      property: ref('Property', e.locationId),
      request: ref('Request', e.id),
      salesperson: e.soldById === null ? null : ref('User', e.soldById),
      createdAt: formatDateTime(e.createdOn),
      updatedAt: formatDateTime(e.modifiedOn),
    });
  }

  quoteLines(e: StoredRecord<'estimate'>) {
    const option = e.options.find((o) => o.id === e.soldOptionId) ?? e.options[0];
    return option?.items ?? [];
  }

  request(e: StoredRecord<'estimate'>) {
    return rendered(e, {
      id: encodeId('Request', e.id),
      title: e.name,
      requestStatus: REQUEST_STATUS[e.status],
      source: this.requestSource(e),
      client: ref('Client', e.customerId),
      property: ref('Property', e.locationId),
      createdAt: formatDateTime(e.createdOn),
      updatedAt: formatDateTime(e.modifiedOn),
    });
  }

  /** Where the request came from: the marketing campaign of the job it was made for (set once, at creation). */
  private requestSource(e: StoredRecord<'estimate'>): string {
    const job = this.store.get('job', e.jobId);
    const campaign = job ? this.store.get('campaign', job.campaignId) : undefined;
    return campaign?.name ?? '';
  }
}

import type { Estimate, EstimateStatus } from '@fieldsync/canonical-model';
import { type JobberQuote, JOBBER_QUOTE_STATUSES } from '../jobber.schemas';
import { mapLineItems } from './line-item.mapper';
import {
  JOBBER_CURRENCY,
  canonicalBase,
  canonicalRef,
  money,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/*
 * A Jobber quote. Jobber has no options or validity on a quote; the job it was converted to holds the link
 * (the job's estimateId).
 */

type QuoteStatus = (typeof JOBBER_QUOTE_STATUSES)[number];
/** `archived` is a quote the client turned down or the office closed. */
const QUOTE_STATUS: Readonly<Record<QuoteStatus, EstimateStatus>> = {
  draft: 'draft',
  awaiting_response: 'sent',
  changes_requested: 'sent',
  approved: 'approved',
  converted: 'converted',
  archived: 'declined',
};

export function mapEstimate(q: JobberQuote, scope: MappingScope): Estimate {
  if (q.client === null) throw new Error(`Jobber quote ${q.id} has no client`);
  return {
    ...canonicalBase('estimate', q.id, scope, { createdAt: utc(q.createdAt), updatedAt: utc(q.updatedAt) }),
    number: q.quoteNumber,
    title: textOrNull(q.title),
    status: QUOTE_STATUS[q.quoteStatus],
    vendorStatus: q.quoteStatus,
    customerId: canonicalRef(scope, 'customer', q.client.id),
    locationId: q.property ? canonicalRef(scope, 'location', q.property.id) : null,
    jobId: null,
    soldByTechnicianId: q.salesperson ? canonicalRef(scope, 'technician', q.salesperson.id) : null,
    currency: JOBBER_CURRENCY,
    lineItems: mapLineItems(q.lineItems?.nodes, scope),
    options: [],
    subtotal: money(q.amounts.subtotal),
    discount: money(q.amounts.discountAmount),
    tax: money(q.amounts.taxAmount),
    total: money(q.amounts.total),
    validUntil: null,
    sentAt: null,
    approvedAt: null,
    declinedAt: null,
    documentUrl: null,
    notes: null,
  };
}

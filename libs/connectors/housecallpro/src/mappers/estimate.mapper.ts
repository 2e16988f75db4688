import type { Estimate, EstimateStatus } from '@fieldsync/canonical-model';
import type { HousecallProEstimate } from '../housecallpro.schemas';
import {
  HOUSECALLPRO_CURRENCY,
  canonicalBase,
  canonicalRef,
  money,
  utc,
  type MappingScope,
} from './mapping.util';

type OptionStatus = Estimate['options'][number]['status'];

/** An option's `approval_status` (pro approved, approved, pro declined, declined, awaiting response, expired). */
function optionStatus(approval: string): OptionStatus {
  const a = approval.trim().toLowerCase();
  if (a === 'approved' || a === 'pro approved') return 'approved';
  if (a === 'declined' || a === 'pro declined' || a === 'expired') return 'declined';
  return 'pending';
}

function estimateStatus(options: readonly OptionStatus[], approvals: readonly string[]): EstimateStatus {
  if (options.includes('approved')) return 'approved';
  if (approvals.length > 0 && approvals.every((a) => a.trim().toLowerCase() === 'expired')) return 'expired';
  if (options.length > 0 && options.every((o) => o === 'declined')) return 'declined';
  return 'sent';
}

/**
 * A Housecall Pro estimate with its options ("good / better / best"): each option's total from integer
 * cents, its approval status; the estimate's totals are the approved option's (else the first's). The
 * v1 list carries no option line items (`GET /estimates/{id}/options/{id}/line_items`), tax or discount
 * split, validity date or document URL; the job an approved option became names the estimate, not the
 * other way round.
 */
export function mapEstimate(e: HousecallProEstimate, scope: MappingScope): Estimate {
  const options = e.options.map((o) => ({
    externalId: o.id,
    name: o.name,
    status: optionStatus(o.approval_status),
    lineItems: [],
    subtotal: money(o.total_amount),
    discount: 0,
    tax: 0,
    total: money(o.total_amount),
  }));
  const status = estimateStatus(
    options.map((o) => o.status),
    e.options.map((o) => o.approval_status),
  );
  const approved = e.options.find((o) => optionStatus(o.approval_status) === 'approved');
  const headline = approved ?? e.options[0];
  const amount = headline ? money(headline.total_amount) : 0;
  return {
    ...canonicalBase('estimate', scope, { createdAt: utc(e.created_at), updatedAt: utc(e.updated_at) }),
    number: e.estimate_number,
    title: null,
    status,
    vendorStatus: e.work_status,
    customerId: canonicalRef(scope, 'customer', e.customer.id) as string,
    locationId: e.address?.type === 'service' ? canonicalRef(scope, 'location', e.address.id) : null,
    jobId: null,
    soldByTechnicianId: null,
    currency: HOUSECALLPRO_CURRENCY,
    lineItems: [],
    options,
    subtotal: amount,
    discount: 0,
    tax: 0,
    total: amount,
    validUntil: null,
    sentAt: null,
    approvedAt: approved ? utc(approved.updated_at) : null,
    declinedAt: status === 'declined' ? utc(e.updated_at) : null,
    documentUrl: null,
    notes: null,
  };
}

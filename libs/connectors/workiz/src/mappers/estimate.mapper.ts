import type { Estimate, EstimateStatus } from '@fieldsync/canonical-model';
import type { WorkizEstimate } from '../workiz.schemas';
import { jobLines } from './job.mapper';
import {
  WORKIZ_CURRENCY,
  canonicalBase,
  canonicalRef,
  money,
  textOrNull,
  utcOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

const STATUS: Readonly<Record<WorkizEstimate['status'], EstimateStatus>> = {
  pending: 'sent',
  approved: 'approved',
  declined: 'declined',
};

/**
 * A Workiz estimate (the web app's estimates list): its options with their items, the approved option (or
 * else the first) giving the estimate's lines and total. Workiz shows no tax or discount on an estimate,
 * no number, expiry, decline time or document link in this list.
 */
export function mapEstimate(e: WorkizEstimate, scope: MappingScope): Estimate {
  const zone = e.timezone;
  const shown = e.options.find((o) => o.option_id === e.approved_option_id) ?? e.options[0];
  const optionStatus = (id: number) =>
    e.status === 'declined'
      ? ('declined' as const)
      : e.approved_option_id === null
        ? ('pending' as const)
        : id === e.approved_option_id
          ? ('approved' as const)
          : ('declined' as const);
  return {
    ...canonicalBase('estimate', scope, { createdAt: utc(e.created, zone), updatedAt: utc(e.updated, zone) }),
    number: null,
    title: textOrNull(e.name),
    status: STATUS[e.status],
    vendorStatus: e.status,
    customerId: canonicalRef(scope, 'customer', e.client_id) as string,
    locationId: null,
    jobId: canonicalRef(scope, 'job', e.job_uuid),
    soldByTechnicianId: null,
    currency: WORKIZ_CURRENCY,
    lineItems: shown
      ? jobLines(
          scope,
          shown.items.map((i) => ({ ...i, id: i.item_id })),
        )
      : [],
    options: e.options.map((o) => ({
      externalId: String(o.option_id),
      name: o.name,
      status: optionStatus(o.option_id),
      lineItems: jobLines(
        scope,
        o.items.map((i) => ({ ...i, id: i.item_id })),
      ),
      subtotal: money(o.subtotal),
      discount: 0,
      tax: 0,
      total: money(o.subtotal),
    })),
    subtotal: money(e.total),
    discount: 0,
    tax: 0,
    total: money(e.total),
    validUntil: null,
    sentAt: null,
    approvedAt: utcOrNull(e.approved_at, zone),
    declinedAt: null,
    documentUrl: null,
    notes: null,
  };
}

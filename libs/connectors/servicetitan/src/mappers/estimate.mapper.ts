import { Money, type Estimate, type EstimateStatus, type Line } from '@fieldsync/canonical-model';
import type { ServiceTitanEstimateRecord } from '../servicetitan.schemas';
import { mapEstimateLines } from './line-item.mapper';
import { canonicalBase, canonicalRef, textOrNull, utc, utcOrNull, type MappingScope } from './mapping.util';

/*
 * A ServiceTitan estimate record: the estimate row plus the customer and location of its job (the row
 * names only the job). The row has no `createdOn` (its `modifiedOn` stands for both times) and no totals:
 * they are its lines'.
 */

/** ServiceTitan's estimate states: Open is presented and awaiting the customer, Sold approved. */
const ESTIMATE_STATUSES: Readonly<
  Record<ServiceTitanEstimateRecord['estimate']['status']['name'], EstimateStatus>
> = {
  Open: 'sent',
  Sold: 'approved',
  Dismissed: 'declined',
};

export function mapEstimate(r: ServiceTitanEstimateRecord, scope: MappingScope): Estimate {
  const e = r.estimate;
  const modified = utc(e.modifiedOn);
  const lines = mapEstimateLines(e.items, scope);
  // The estimate row has no totals: they are the lines' (discounts are negative PriceModifier lines).
  const sum = (pick: (line: Line) => boolean) =>
    Money.sum(
      lines.filter(pick).map((line) => Money.fromAmount(line.total, scope.currency)),
      scope.currency,
    );
  const subtotal = sum((line) => line.kind !== 'discount');
  const discount = sum((line) => line.kind === 'discount').negate();
  return {
    ...canonicalBase('estimate', scope, { createdAt: modified, updatedAt: modified }),
    number: null,
    title: textOrNull(e.name),
    status: ESTIMATE_STATUSES[e.status.name],
    vendorStatus: e.status.name,
    customerId: canonicalRef(scope, 'customer', r.job.customerId),
    locationId: canonicalRef(scope, 'location', r.job.locationId),
    jobId: canonicalRef(scope, 'job', e.jobId),
    soldByTechnicianId: canonicalRef(scope, 'technician', e.soldBy),
    currency: scope.currency,
    lineItems: lines,
    options: [],
    subtotal: subtotal.toAmount(),
    discount: discount.toAmount(),
    tax: 0,
    total: subtotal.subtract(discount).toAmount(),
    validUntil: null,
    sentAt: null,
    approvedAt: utcOrNull(e.soldOn),
    declinedAt: null,
    documentUrl: null,
    // ServiceTitan's estimate summary: the text the estimate shows under its name.
    notes: textOrNull(e.summary),
  };
}

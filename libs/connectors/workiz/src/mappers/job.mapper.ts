import type { Job, JobStatus, Line } from '@fieldsync/canonical-model';
import type { WorkizJob, WorkizJobRecord } from '../workiz.schemas';
import {
  WORKIZ_CURRENCY,
  canonicalAddress,
  canonicalBase,
  canonicalRef,
  fromMinor,
  lineKind,
  minor,
  money,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/**
 * Workiz's status (Submitted, Pending, In progress, Done, Canceled) in the canonical vocabulary; the
 * account's sub-statuses "En route" and "On site" under In progress are the canonical steps they name.
 * A submitted job with technicians is dispatched.
 */
export function workizJobStatus(status: WorkizJob['Status'], subStatus: string, team: number): JobStatus {
  switch (status) {
    case 'Submitted':
      return team > 0 ? 'dispatched' : 'scheduled';
    case 'Pending':
      return 'on_hold';
    case 'In progress': {
      const sub = subStatus.trim().toLowerCase();
      return sub === 'en route' ? 'en_route' : sub === 'on site' ? 'on_site' : 'in_progress';
    }
    case 'Done':
      return 'completed';
    case 'Canceled':
      return 'canceled';
  }
}

/** Notes as Workiz sends them: a string, or `[{Comment}]`. */
const commentsOf = (c: WorkizJob['Comments']): string | null =>
  typeof c === 'string' ? textOrNull(c) : textOrNull(c.map((x) => x.Comment).join('\n'));

/** A job's or an invoice's items as canonical lines (money exact, quantity as Workiz counts it). */
export function jobLines(
  scope: MappingScope,
  items: readonly {
    id: number;
    name: string;
    type: string;
    qty: number;
    price: number;
    total: number;
    taxable: boolean;
    code: string | null;
  }[],
): Line[] {
  return items.map((item, position) => ({
    id: canonicalRef(scope, 'line_item', item.id) as string,
    externalId: String(item.id),
    kind: lineKind(item.type),
    name: item.name,
    description: null,
    pricebookItemId: null,
    sku: textOrNull(item.code),
    quantity: item.qty,
    unit: null,
    unitPrice: money(item.price),
    unitCost: null,
    total: money(item.total),
    taxable: item.taxable,
    taxCode: null,
    position,
  }));
}

/**
 * A Workiz job (API row with its team resolved): `SerialId` its number, its job type the title, times
 * account-local in its `Timezone`, `LastStatusUpdate` the time of its last status change (completion,
 * cancellation), technicians the team members its `Team` names (a name no team member has any more — a
 * technician renamed since — is kept in `customFields.team` only), money from dollars through cents.
 * Workiz has no priority, business unit, estimate or membership on a job.
 */
export function mapJob(r: WorkizJobRecord, scope: MappingScope): Job {
  const j = r.job;
  const zone = j.Timezone;
  const technicianIds = [
    ...new Set(
      r.TeamMembers.filter((m) => m.id !== null).map(
        (m) => canonicalRef(scope, 'technician', m.id) as string,
      ),
    ),
  ].sort();
  const status = workizJobStatus(j.Status, j.SubStatus, technicianIds.length);
  const statusAt = utc(j.LastStatusUpdate, zone);
  const createdAt = utc(j.CreatedDate, zone);
  const totalCents = minor(j.JobTotalPrice);
  const dueCents = minor(j.JobAmountDue);
  return {
    ...canonicalBase('job', scope, { createdAt, updatedAt: statusAt }),
    number: String(j.SerialId),
    title: j.JobType,
    description: textOrNull(j.JobNotes),
    status,
    vendorStatus: j.Status,
    customerId: canonicalRef(scope, 'customer', j.ClientId) as string,
    locationId: canonicalRef(scope, 'location', j.LocationId),
    serviceAddress: canonicalAddress({
      street: j.Address,
      unit: j.Unit,
      city: j.City,
      state: j.State,
      zip: j.PostalCode,
      country: j.Country,
      lat: j.Latitude,
      lng: j.Longitude,
    }),
    jobType: textOrNull(j.JobType),
    priority: null,
    source: textOrNull(j.JobSource),
    businessUnit: null,
    scheduledStart: utc(j.JobDateTime, zone),
    scheduledEnd: utc(j.JobEndDateTime, zone),
    technicianIds,
    estimateId: null,
    membershipId: null,
    completedAt: status === 'completed' ? statusAt : null,
    canceledAt: status === 'canceled' ? statusAt : null,
    cancelReason: status === 'canceled' ? textOrNull(j.SubStatus) : null,
    currency: WORKIZ_CURRENCY,
    lineItems: jobLines(
      scope,
      j.LineItems.map((l) => ({
        id: l.Id,
        name: l.Name,
        type: l.Type,
        qty: l.Quantity,
        price: l.Price,
        total: l.Total,
        taxable: l.Taxable,
        code: null,
      })),
    ),
    subtotal: money(j.SubTotal),
    tax: money(j.TaxAmount),
    total: fromMinor(totalCents),
    amountPaid: fromMinor(totalCents - dueCents),
    balance: fromMinor(dueCents),
    notes: commentsOf(j.Comments),
    tags: [],
    customFields: {
      subStatus: textOrNull(j.SubStatus),
      serviceArea: textOrNull(j.ServiceArea),
      team: j.Team.join(', ') === '' ? null : j.Team.join(', '),
    },
  };
}

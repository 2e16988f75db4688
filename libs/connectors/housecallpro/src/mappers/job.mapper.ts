import type { Job, JobStatus } from '@fieldsync/canonical-model';
import type { HousecallProJob } from '../housecallpro.schemas';
import {
  HOUSECALLPRO_CURRENCY,
  canonicalAddress,
  canonicalBase,
  canonicalRef,
  money,
  tagsOf,
  textOrNull,
  utc,
  utcOrNull,
  type MappingScope,
} from './mapping.util';

/** A job's `work_status` (the response values, not the filter words) in the canonical vocabulary. */
export function jobStatus(j: HousecallProJob): JobStatus {
  switch (j.work_status) {
    case 'needs scheduling':
      return 'unscheduled';
    case 'scheduled':
      return j.work_timestamps.on_my_way_at === null ? 'scheduled' : 'en_route';
    case 'in progress':
      return 'in_progress';
    case 'complete rated':
    case 'complete unrated':
      return 'completed';
    case 'user canceled':
    case 'pro canceled':
      return 'canceled';
  }
}

/**
 * A Housecall Pro job: `invoice_number` is its number, `description` its title, its schedule the first
 * appointment's, its technicians the assigned employees, money from integer cents. Housecall Pro has no
 * priority or membership on a job; its line items are read per job (not carried here).
 */
export function mapJob(j: HousecallProJob, scope: MappingScope): Job {
  const status = jobStatus(j);
  const completedAt = utcOrNull(j.work_timestamps.completed_at);
  return {
    ...canonicalBase('job', scope, { createdAt: utc(j.created_at), updatedAt: utc(j.updated_at) }),
    number: j.invoice_number,
    title: j.description,
    description: null,
    status,
    vendorStatus: j.work_status,
    customerId: canonicalRef(scope, 'customer', j.customer.id) as string,
    locationId: j.address?.type === 'service' ? canonicalRef(scope, 'location', j.address.id) : null,
    serviceAddress: j.address ? canonicalAddress(j.address) : null,
    jobType: j.job_fields.job_type?.name ?? null,
    priority: null,
    source: textOrNull(j.lead_source),
    businessUnit: j.job_fields.business_unit?.name ?? null,
    scheduledStart: j.schedule.scheduled_start === undefined ? null : utc(j.schedule.scheduled_start),
    scheduledEnd: j.schedule.scheduled_end === undefined ? null : utc(j.schedule.scheduled_end),
    technicianIds: j.assigned_employees.map((e) => canonicalRef(scope, 'technician', e.id) as string).sort(),
    estimateId:
      j.original_estimate_id === null ? null : canonicalRef(scope, 'estimate', j.original_estimate_id),
    membershipId: null,
    completedAt: status === 'completed' ? (completedAt ?? utc(j.updated_at)) : completedAt,
    canceledAt: utcOrNull(j.canceled_at),
    cancelReason: null,
    currency: HOUSECALLPRO_CURRENCY,
    lineItems: [],
    subtotal: money(j.subtotal),
    tax: null,
    total: money(j.total_amount),
    amountPaid: money(j.total_amount - j.outstanding_balance),
    balance: money(j.outstanding_balance),
    notes: j.notes.length === 0 ? null : j.notes.map((n) => n.content).join('\n'),
    tags: tagsOf(j.tags),
    customFields: {},
  };
}

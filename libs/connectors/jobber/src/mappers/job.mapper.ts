import type { Job, JobStatus } from '@fieldsync/canonical-model';
import { type JobberJob, JOBBER_JOB_STATUSES } from '../jobber.schemas';
import {
  JOBBER_CURRENCY,
  canonicalBase,
  canonicalRef,
  money,
  textOrNull,
  utc,
  utcOrNull,
  type MappingScope,
} from './mapping.util';

/*
 * A Jobber job: its technicians are those assigned to its visits. A job has only its total (no subtotal
 * or tax), and Jobber has no priority, business unit, membership, cancellation or tags for it.
 */

type JobStatusValue = (typeof JOBBER_JOB_STATUSES)[number];
/** `archived`/`requires_invoicing` are done work when completedAt is set; an archived job without it was closed unfinished. */
function jobStatus(status: JobStatusValue, completedAt: string | null): JobStatus {
  switch (status) {
    case 'requires_invoicing':
      return completedAt === null ? 'in_progress' : 'completed';
    case 'archived':
      return completedAt === null ? 'canceled' : 'completed';
    case 'on_hold':
      return 'on_hold';
    case 'unscheduled':
      return 'unscheduled';
    case 'late':
    case 'today':
    case 'upcoming':
      return 'scheduled';
    case 'active':
    case 'action_required':
    case 'expiring_within_30_days':
      return 'in_progress';
  }
}

export function mapJob(j: JobberJob, scope: MappingScope): Job {
  const completedAt = utcOrNull(j.completedAt);
  const technicians = new Set<string>();
  for (const visit of j.visits?.nodes ?? []) {
    for (const user of visit.assignedUsers.nodes) technicians.add(canonicalRef(scope, 'technician', user.id));
  }
  return {
    ...canonicalBase('job', j.id, scope, { createdAt: utc(j.createdAt), updatedAt: utc(j.updatedAt) }),
    number: String(j.jobNumber),
    title: j.title ?? '',
    description: textOrNull(j.instructions),
    status: jobStatus(j.jobStatus, completedAt),
    vendorStatus: j.jobStatus,
    customerId: canonicalRef(scope, 'customer', j.client.id),
    locationId: j.property ? canonicalRef(scope, 'location', j.property.id) : null,
    serviceAddress: null,
    jobType: j.jobType,
    priority: null,
    source: null,
    businessUnit: null,
    scheduledStart: utcOrNull(j.startAt),
    scheduledEnd: utcOrNull(j.endAt),
    technicianIds: [...technicians].sort(),
    estimateId: j.quote ? canonicalRef(scope, 'estimate', j.quote.id) : null,
    membershipId: null,
    completedAt,
    canceledAt: null,
    cancelReason: null,
    currency: JOBBER_CURRENCY,
    lineItems: [],
    subtotal: null,
    tax: null,
    total: money(j.total),
    amountPaid: null,
    balance: null,
    notes: null,
    tags: [],
    customFields: {},
  };
}

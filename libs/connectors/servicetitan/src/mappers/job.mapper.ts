import type { Job, JobStatus } from '@fieldsync/canonical-model';
import type { ServiceTitanJobRecord } from '../servicetitan.schemas';
import { canonicalBase, canonicalRef, customFields, utc, utcOrNull, type MappingScope } from './mapping.util';

/*
 * A ServiceTitan job record: the job row plus the tag types its `tagTypeIds` name (the jobs reader looks
 * them up), so tags are the tenant's names. A job's schedule and technicians live on its appointments;
 * its job type, business unit and campaign are ids without names.
 */

const JOB_STATUSES: Readonly<Record<ServiceTitanJobRecord['job']['jobStatus'], JobStatus>> = {
  Scheduled: 'scheduled',
  InProgress: 'in_progress',
  Hold: 'on_hold',
  Completed: 'completed',
  Canceled: 'canceled',
};

export function mapJob(r: ServiceTitanJobRecord, scope: MappingScope): Job {
  const j = r.job;
  const tagNames = new Map(r.tagTypes.map((t) => [t.id, t.name.trim()]));
  const tags = [...new Set(j.tagTypeIds.map((id) => tagNames.get(id) ?? ''))].filter((t) => t !== '');
  return {
    ...canonicalBase('job', scope, { createdAt: utc(j.createdOn), updatedAt: utc(j.modifiedOn) }),
    number: j.jobNumber,
    title: j.summary ?? '',
    description: null,
    status: JOB_STATUSES[j.jobStatus],
    vendorStatus: j.jobStatus,
    customerId: canonicalRef(scope, 'customer', j.customerId),
    locationId: canonicalRef(scope, 'location', j.locationId),
    serviceAddress: null,
    jobType: null,
    priority: j.priority === null ? null : (j.priority.toLowerCase() as Job['priority']),
    source: null,
    businessUnit: null,
    scheduledStart: null,
    scheduledEnd: null,
    technicianIds: [],
    estimateId: null,
    membershipId: null,
    completedAt: utcOrNull(j.completedOn),
    canceledAt: null,
    cancelReason: null,
    currency: scope.currency,
    lineItems: [],
    subtotal: null,
    tax: null,
    total: null,
    amountPaid: null,
    balance: null,
    notes: null,
    tags,
    customFields: customFields(j.customFields),
  };
}

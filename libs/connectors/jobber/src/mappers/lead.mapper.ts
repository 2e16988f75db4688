import type { Lead, LeadStatus } from '@fieldsync/canonical-model';
import { type JobberRequest, JOBBER_REQUEST_STATUSES } from '../jobber.schemas';
import { canonicalBase, canonicalRef, textOrNull, utc, type MappingScope } from './mapping.util';

/*
 * A Jobber request (a lead): its source is the marketing source Jobber holds. Jobber has no priority or
 * tags on a request.
 */

type RequestStatus = (typeof JOBBER_REQUEST_STATUSES)[number];
const REQUEST_STATUS: Readonly<Record<RequestStatus, LeadStatus>> = {
  new: 'open',
  upcoming: 'open',
  overdue: 'open',
  unscheduled: 'open',
  today: 'open',
  assessment_completed: 'open',
  completed: 'open',
  converted: 'converted',
  archived: 'lost',
};

export function mapLead(r: JobberRequest, scope: MappingScope): Lead {
  return {
    ...canonicalBase('lead', r.id, scope, { createdAt: utc(r.createdAt), updatedAt: utc(r.updatedAt) }),
    status: REQUEST_STATUS[r.requestStatus],
    vendorStatus: r.requestStatus,
    customerId: r.client ? canonicalRef(scope, 'customer', r.client.id) : null,
    locationId: r.property ? canonicalRef(scope, 'location', r.property.id) : null,
    firstName: null,
    lastName: null,
    companyName: null,
    emails: [],
    phones: [],
    address: null,
    source: textOrNull(r.source),
    priority: null,
    summary: textOrNull(r.title),
    convertedJobId: null,
    convertedAt: null,
    tags: [],
  };
}

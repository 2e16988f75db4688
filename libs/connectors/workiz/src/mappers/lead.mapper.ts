import type { Lead, LeadStatus, Phone } from '@fieldsync/canonical-model';
import type { WorkizLead } from '../workiz.schemas';
import {
  canonicalAddress,
  canonicalBase,
  canonicalPhone,
  canonicalRef,
  textOrNull,
  utc,
  type MappingScope,
} from './mapping.util';

/** New, Contacted and Quoted are open; Converted and Lost as they say. */
export function workizLeadStatus(status: WorkizLead['Status']): LeadStatus {
  return status === 'Converted' ? 'converted' : status === 'Lost' ? 'lost' : 'open';
}

/**
 * A Workiz lead (`lead/all/`): numbers arrive as strings (`ClientId`, `Latitude` …) and are read as
 * numbers here; a converted lead points at its job (`JobUUID`), converted when its status last changed.
 * Workiz's lead type (the job type asked for) has no canonical field on a lead and stays in the raw record.
 */
export function mapLead(l: WorkizLead, scope: MappingScope): Lead {
  const zone = l.Timezone;
  const status = workizLeadStatus(l.Status);
  const statusAt = utc(l.LastStatusUpdate, zone);
  const email = textOrNull(l.Email);
  const phone = canonicalPhone(l.Phone, 'other', true);
  const lat = l.Latitude === '' ? null : Number(l.Latitude);
  const lng = l.Longitude === '' ? null : Number(l.Longitude);
  return {
    ...canonicalBase('lead', scope, { createdAt: utc(l.CreatedDate, zone), updatedAt: statusAt }),
    status,
    vendorStatus: l.Status,
    customerId: canonicalRef(scope, 'customer', l.ClientId),
    locationId: null,
    firstName: textOrNull(l.FirstName),
    lastName: textOrNull(l.LastName),
    companyName: textOrNull(l.Company),
    emails: email === null ? [] : [{ type: 'other', address: email, primary: true }],
    phones: [phone].filter((p): p is Phone => p !== null),
    address: canonicalAddress({
      street: l.Address,
      unit: l.Unit,
      city: l.City,
      state: l.State,
      zip: l.PostalCode,
      country: l.Country,
      lat,
      lng,
    }),
    source: textOrNull(l.LeadSource),
    priority: null,
    summary: textOrNull(l.LeadNotes),
    convertedJobId: status === 'converted' ? canonicalRef(scope, 'job', l.JobUUID) : null,
    convertedAt: status === 'converted' ? statusAt : null,
    tags: [],
  };
}

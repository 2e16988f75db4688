import type { Job, JobStatus, Priority } from '@fieldsync/canonical-model';
import type { TomWorkOrder } from '../tom.schemas';
import { tomDateTimeOrNull } from '../tom-time.util';
import {
  TOM_CURRENCY,
  canonicalAddress,
  canonicalBase,
  idList,
  requiredRef,
  textOrNull,
  timesOf,
  type MappingScope,
} from './mapping.util';

const STATUS: Readonly<Record<TomWorkOrder['fields']['Status'], JobStatus>> = {
  Open: 'unscheduled',
  Scheduled: 'scheduled',
  Dispatched: 'dispatched',
  'In Progress': 'in_progress',
  'On Hold': 'on_hold',
  Completed: 'completed',
  Canceled: 'canceled',
};

/**
 * A TOM work order: number, description, status (TOM's kept in vendorStatus), priority, type, department,
 * the Customer:Job it is for (customer and location), its work address, its start and duration (the
 * scheduled window), the technicians assigned, notes, and User Defined 1 as a custom field (fieldsync's
 * exactly-once marker lives there). Closed is when it was completed or canceled. TOM shows no money on the work order (invoices
 * carry it).
 */
export function mapWorkOrder(w: TomWorkOrder, scope: MappingScope): Job {
  const f = w.fields;
  const start = tomDateTimeOrNull(f.Start);
  const minutes = f['Duration (min)'] === '' ? null : Number(f['Duration (min)']);
  const end =
    start !== null && minutes !== null ? new Date(Date.parse(start) + minutes * 60_000).toISOString() : null;
  const udf = textOrNull(f['User Defined 1']);
  return {
    ...canonicalBase('job', scope, timesOf(f)),
    number: f['WO #'],
    title: textOrNull(f.Description) ?? `Work order ${f['WO #']}`,
    description: textOrNull(f.Description),
    status: STATUS[f.Status],
    vendorStatus: f.Status,
    customerId: requiredRef(scope, 'customer', f['Customer ID']),
    locationId: requiredRef(scope, 'location', f['Job ID']),
    serviceAddress: canonicalAddress(f['Work Address']),
    jobType: textOrNull(f.Type),
    priority: f.Priority.toLowerCase() as Priority,
    source: null,
    businessUnit: textOrNull(f.Department),
    scheduledStart: start,
    scheduledEnd: end,
    technicianIds: idList(f['Assigned IDs']).map((id) => requiredRef(scope, 'technician', id)),
    estimateId: null,
    membershipId: null,
    completedAt: f.Status === 'Completed' ? tomDateTimeOrNull(f.Closed) : null,
    canceledAt: f.Status === 'Canceled' ? tomDateTimeOrNull(f.Closed) : null,
    cancelReason: f.Status === 'Canceled' ? textOrNull(f['Status Reason']) : null,
    currency: TOM_CURRENCY,
    lineItems: [],
    subtotal: null,
    tax: null,
    total: null,
    amountPaid: null,
    balance: null,
    notes: textOrNull(f.Notes),
    tags: [],
    customFields: {
      customerJob: f['Customer:Job'],
      terms: f.Terms,
      ...(udf === null ? {} : { userDefined1: udf }),
    },
  };
}

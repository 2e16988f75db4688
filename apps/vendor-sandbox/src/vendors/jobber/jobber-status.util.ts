import type { JobStatus, StoredRecord } from '@fieldsync/sandbox-world';

/** The world's job status → Jobber's `jobStatus` (clock-free: late/today/action_required are not derived). */
export function jobStatusOf(status: JobStatus, hasInvoice: boolean, hasScheduledVisit: boolean): string {
  switch (status) {
    case 'Canceled':
      return 'archived';
    case 'Completed':
      return hasInvoice ? 'archived' : 'requires_invoicing';
    case 'Hold':
      return 'on_hold';
    case 'InProgress':
      return 'active';
    case 'Scheduled':
      return hasScheduledVisit ? 'upcoming' : 'unscheduled';
  }
}

/** An invoice's `invoiceStatus`: paid once nothing is owed, draft while pending, else awaiting payment. */
export function invoiceStatusOf(invoice: StoredRecord<'invoice'>): string {
  if (invoice.balance === 0 && invoice.total > 0) return 'paid';
  return invoice.status === 'Pending' ? 'draft' : 'awaiting_payment';
}

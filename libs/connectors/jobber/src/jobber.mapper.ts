import type { CanonicalEntity } from '@fieldsync/canonical-model';
import type { RecordMapper } from '@fieldsync/connector-kit';
import { mapAppointment } from './mappers/appointment.mapper';
import { mapCustomer } from './mappers/customer.mapper';
import { mapEstimate } from './mappers/estimate.mapper';
import { mapInvoice } from './mappers/invoice.mapper';
import { mapJob } from './mappers/job.mapper';
import { mapLead } from './mappers/lead.mapper';
import { mapLocation } from './mappers/location.mapper';
import {
  canonical,
  wirePayload,
  type MapContext,
  type MappingScope,
  type WireRecord,
} from './mappers/mapping.util';
import { mapPayment } from './mappers/payment.mapper';
import { mapPricebookItem } from './mappers/pricebook-item.mapper';
import { mapTechnician } from './mappers/technician.mapper';
import {
  jobberClientSchema,
  jobberInvoiceSchema,
  jobberJobSchema,
  jobberPaymentRecordSchema,
  jobberProductOrServiceSchema,
  jobberPropertySchema,
  jobberQuoteSchema,
  jobberRequestSchema,
  jobberUserSchema,
  jobberVisitSchema,
} from './jobber.schemas';

/**
 * Jobber records → canonical objects (vendors.md §2). Pure and deterministic: the same record always
 * maps to the same object, ids are `canonicalId(connectionId, entity, <base64 gid>)`.
 *
 * One mapping per entity family in mappers/ (<entity>.mapper.ts), sharing mappers/mapping.util.ts; this
 * file only dispatches a record by its entity: wire schema in, mapping, canonical schema out.
 *
 * - Money: Jobber's Float dollars → `Money.parse` (half-up to cents) → canonical major units. The
 *   sandbox account bills in USD and Jobber's API does not name the account currency.
 * - Times: ISO-8601 with the account's offset → UTC (`normalizeTimestamp`). Date-only canonical fields
 *   (invoice issued/due) keep the calendar date as Jobber shows it (the local date before the offset).
 * - Statuses: canonical status plus Jobber's wording in `vendorStatus`.
 * - Jobber gives some objects no timestamps: properties take their client's createdAt, visits their
 *   createdAt (updatedAt = completedAt once complete), users their createdAt, payment records their
 *   entryDate, products/services the Unix epoch (a stable stand-in: a changing read time would make
 *   every read look like a change).
 * - Filled from what Jobber holds: a client's tags, a property's name, a quote's salesperson, a
 *   request's source, besides the obvious fields.
 * - Null, empty or false because Jobber has no such data: a client's number, default property,
 *   marketing opt-in (its `receives…` flags are service reminders and follow-ups, not marketing
 *   consent), do-not-service flag and merges; a property's notes and tags; a job's priority, business
 *   unit, membership, cancellation, tags, subtotal and tax (a job has only its total); a visit's number
 *   and en-route or arrival times; a line's sku, unit, cost and tax code; a quote's options and
 *   validity; a request's priority and tags; an invoice's sent and void times; a payment's card, check
 *   number, reference, fee and refunds (Jobber lists recorded payments only); a user's business unit;
 *   a product's code, unit, member price and stock.
 * - Null or empty although Jobber's API has them, because the sandbox this connector is proven against
 *   does not model them yet and a field its schema lacks would fail the whole page: a client's notes,
 *   custom fields and source attribution (leadSource); a property's custom fields; a job's line items,
 *   notes, custom fields, salesperson and balance; a visit's arrival window; a quote's sent time, notes
 *   and converted jobs (the job holds the link: its estimateId); a request's contact details and
 *   converted job; an invoice's tax breakdown; documents' client-hub links; a user's colour. Each is a
 *   selection, a wire-schema field and a line in mappers/ once the sandbox serves it.
 */
export class JobberMapper implements RecordMapper {
  toCanonical(record: WireRecord, ctx: MapContext): CanonicalEntity {
    const scope: MappingScope = { record, ctx };
    switch (record.entity) {
      case 'customer':
        return canonical('customer', mapCustomer(wirePayload(jobberClientSchema, record), scope));
      case 'location':
        return canonical('location', mapLocation(wirePayload(jobberPropertySchema, record), scope));
      case 'job':
        return canonical('job', mapJob(wirePayload(jobberJobSchema, record), scope));
      case 'appointment':
        return canonical('appointment', mapAppointment(wirePayload(jobberVisitSchema, record), scope));
      case 'estimate':
        return canonical('estimate', mapEstimate(wirePayload(jobberQuoteSchema, record), scope));
      case 'lead':
        return canonical('lead', mapLead(wirePayload(jobberRequestSchema, record), scope));
      case 'invoice':
        return canonical('invoice', mapInvoice(wirePayload(jobberInvoiceSchema, record), scope));
      case 'payment':
        return canonical('payment', mapPayment(wirePayload(jobberPaymentRecordSchema, record), scope));
      case 'technician':
        return canonical('technician', mapTechnician(wirePayload(jobberUserSchema, record), scope));
      case 'pricebook_item':
        return canonical(
          'pricebook_item',
          mapPricebookItem(wirePayload(jobberProductOrServiceSchema, record), scope),
        );
      default:
        throw new Error(`the Jobber connector does not read ${record.entity} records`);
    }
  }
}

export const jobberMapper = new JobberMapper();

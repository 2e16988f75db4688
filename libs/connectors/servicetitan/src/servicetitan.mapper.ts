import type { CanonicalEntity, CurrencyCode } from '@fieldsync/canonical-model';
import type { RecordMapper } from '@fieldsync/connector-kit';
import { mapAppointment } from './mappers/appointment.mapper';
import { mapContact, mapCustomer } from './mappers/customer.mapper';
import { mapEquipment } from './mappers/equipment.mapper';
import { mapEstimate } from './mappers/estimate.mapper';
import { mapInvoice } from './mappers/invoice.mapper';
import { mapJob } from './mappers/job.mapper';
import { mapLocation } from './mappers/location.mapper';
import {
  SERVICETITAN_CURRENCY,
  canonical,
  wirePayload,
  type MapContext,
  type MappingScope,
  type WireRecord,
} from './mappers/mapping.util';
import { mapMembership } from './mappers/membership.mapper';
import { mapPayment } from './mappers/payment.mapper';
import { mapPricebookItem, pricebookPayload } from './mappers/pricebook-item.mapper';
import { mapTechnician } from './mappers/technician.mapper';
import {
  servicetitanAppointmentRecordSchema,
  servicetitanContactSchema,
  servicetitanCustomerSchema,
  servicetitanEstimateRecordSchema,
  servicetitanInstalledEquipmentSchema,
  servicetitanInvoiceSchema,
  servicetitanJobRecordSchema,
  servicetitanLocationSchema,
  servicetitanMembershipSchema,
  servicetitanPaymentSchema,
  servicetitanTechnicianSchema,
} from './servicetitan.schemas';

/*
 * ServiceTitan wire records → canonical objects. Pure: the same record and connection always give the
 * same object. Money goes through `Money` (integer minor units; decimal strings and dollar numbers
 * alike), times through `normalizeTimestamp` (UTC `Z`), ids become strings and references become the
 * canonical ids of the same connection. Every object is parsed with its canonical schema on the way
 * out, so a mapping that cannot be represented fails here, loudly, naming the field.
 *
 * One mapping per entity family in mappers/ (<entity>.mapper.ts), sharing mappers/mapping.util.ts; this
 * file only dispatches a record by its entity: wire schema in, mapping, canonical schema out.
 *
 * What the wire holds is mapped; what it does not hold is null/empty rather than guessed:
 *  - tags: a job's `tagTypeIds`, named through the tag types its record carries (the jobs reader looks
 *    them up). The published crm v2 customer and location rows carry no tags (CustomerResponse and
 *    LocationResponse have no `tagTypeIds`), so those stay empty, as the canonical schema's arrays must;
 *  - custom fields: customers', locations' and jobs' `customFields`, keyed by their label (`name`), or by
 *    the type id when ServiceTitan sends no label;
 *  - a customer's emails and phones are its Contact records (their own stream), not on its row;
 *  - a job's schedule and technicians live on its appointments; job type, business unit, campaign, a
 *    technician's business unit and a price book item's categories are ids without names;
 *  - ServiceTitan rows carry no tips, processor, card details, refunds or sent/paid times.
 * Rows without `createdOn` (contacts, estimates, pricebook items) use `modifiedOn`; rows without any
 * change time (payments, installed equipment) use their business date (`date`, `installedOn`).
 */

/** The ServiceTitan read side's mapper; `currency` is the tenant's (ServiceTitan sends no currency). */
export class ServiceTitanMapper implements RecordMapper {
  constructor(private readonly currency: CurrencyCode = SERVICETITAN_CURRENCY) {}

  toCanonical(record: WireRecord, ctx: MapContext): CanonicalEntity {
    const scope: MappingScope = { record, ctx, currency: this.currency };
    switch (record.entity) {
      case 'customer':
        return canonical('customer', mapCustomer(wirePayload(servicetitanCustomerSchema, record), scope));
      case 'location':
        return canonical('location', mapLocation(wirePayload(servicetitanLocationSchema, record), scope));
      case 'contact':
        return canonical('contact', mapContact(wirePayload(servicetitanContactSchema, record), scope));
      case 'technician':
        return canonical(
          'technician',
          mapTechnician(wirePayload(servicetitanTechnicianSchema, record), scope),
        );
      case 'job':
        return canonical('job', mapJob(wirePayload(servicetitanJobRecordSchema, record), scope));
      case 'appointment':
        return canonical(
          'appointment',
          mapAppointment(wirePayload(servicetitanAppointmentRecordSchema, record), scope),
        );
      case 'estimate':
        return canonical(
          'estimate',
          mapEstimate(wirePayload(servicetitanEstimateRecordSchema, record), scope),
        );
      case 'invoice':
        return canonical('invoice', mapInvoice(wirePayload(servicetitanInvoiceSchema, record), scope));
      case 'payment':
        return canonical('payment', mapPayment(wirePayload(servicetitanPaymentSchema, record), scope));
      case 'pricebook_item':
        return canonical('pricebook_item', mapPricebookItem(pricebookPayload(record), scope));
      case 'membership':
        return canonical(
          'membership',
          mapMembership(wirePayload(servicetitanMembershipSchema, record), scope),
        );
      case 'equipment':
        return canonical(
          'equipment',
          mapEquipment(wirePayload(servicetitanInstalledEquipmentSchema, record), scope),
        );
      default:
        throw new RangeError(`ServiceTitan mapper: no mapping for entity ${record.entity}`);
    }
  }
}

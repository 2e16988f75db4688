import type { CanonicalEntity } from '@fieldsync/canonical-model';
import type { RecordMapper } from '@fieldsync/connector-kit';
import { mapAppointment } from './mappers/appointment.mapper';
import { mapCustomer } from './mappers/customer.mapper';
import { mapEstimate } from './mappers/estimate.mapper';
import { mapInvoice } from './mappers/invoice.mapper';
import { mapJob } from './mappers/job.mapper';
import { mapLocation } from './mappers/location.mapper';
import { mapMembership } from './mappers/membership.mapper';
import { mapPayment } from './mappers/payment.mapper';
import { mapPricebookItem, pricebookPayload } from './mappers/pricebook-item.mapper';
import { mapTechnician } from './mappers/technician.mapper';
import {
  canonical,
  wirePayload,
  type MapContext,
  type MappingScope,
  type WireRecord,
} from './mappers/mapping.util';
import {
  housecallproAppointmentRecordSchema,
  housecallproCustomerSchema,
  housecallproEmployeeSchema,
  housecallproEstimateSchema,
  housecallproInvoiceRecordSchema,
  housecallproJobSchema,
  housecallproPaymentRecordSchema,
  housecallproServiceAddressSchema,
  housecallproServicePlanSchema,
} from './housecallpro.schemas';

/*
 * Housecall Pro records → canonical objects: pure, money from integer cents to minor units exactly, times
 * in UTC, the vendor's status kept, `id` and `externalId` derived with `canonicalId(connectionId, entity,
 * externalId)`. One mapping per entity family in mappers/; this file only dispatches a record by its
 * entity: wire schema in (housecallpro.schemas.ts), mapping, canonical schema out.
 */
export class HousecallProMapper implements RecordMapper {
  toCanonical(record: WireRecord, ctx: MapContext): CanonicalEntity {
    const scope: MappingScope = { record, ctx };
    switch (record.entity) {
      case 'customer':
        return canonical('customer', mapCustomer(wirePayload(housecallproCustomerSchema, record), scope));
      case 'location':
        return canonical(
          'location',
          mapLocation(wirePayload(housecallproServiceAddressSchema, record), scope),
        );
      case 'technician':
        return canonical('technician', mapTechnician(wirePayload(housecallproEmployeeSchema, record), scope));
      case 'job':
        return canonical('job', mapJob(wirePayload(housecallproJobSchema, record), scope));
      case 'appointment':
        return canonical(
          'appointment',
          mapAppointment(wirePayload(housecallproAppointmentRecordSchema, record), scope),
        );
      case 'estimate':
        return canonical('estimate', mapEstimate(wirePayload(housecallproEstimateSchema, record), scope));
      case 'invoice':
        return canonical('invoice', mapInvoice(wirePayload(housecallproInvoiceRecordSchema, record), scope));
      case 'payment':
        return canonical('payment', mapPayment(wirePayload(housecallproPaymentRecordSchema, record), scope));
      case 'pricebook_item':
        return canonical('pricebook_item', mapPricebookItem(pricebookPayload(record), scope));
      case 'membership':
        return canonical(
          'membership',
          mapMembership(wirePayload(housecallproServicePlanSchema, record), scope),
        );
      default:
        throw new Error(`Housecall Pro: no mapping of ${record.entity} records (housecallpro.mapper.ts)`);
    }
  }
}

export const housecallproMapper = new HousecallProMapper();

import type { CanonicalEntity } from '@fieldsync/canonical-model';
import type { RecordMapper } from '@fieldsync/connector-kit';
import { mapAppointment } from './mappers/appointment.mapper';
import { mapCall, mapSms } from './mappers/communication.mapper';
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
  workizCallRecordSchema,
  workizClientSchema,
  workizEstimateSchema,
  workizInvoiceSchema,
  workizJobRecordSchema,
  workizLeadSchema,
  workizLocationRecordSchema,
  workizPaymentSchema,
  workizPricebookItemSchema,
  workizSmsRecordSchema,
  workizTeamMemberRecordSchema,
} from './workiz.schemas';

/*
 * Workiz records → canonical objects: pure, money from dollars to exact minor units, account-local times
 * to UTC with the record's zone, the vendor's status kept, `id` and `externalId` derived with
 * `canonicalId(connectionId, entity, externalId)`. One mapping per entity family in mappers/; this file only
 * dispatches a record by its entity: wire schema in (workiz.schemas.ts), mapping, canonical schema out.
 */
export class WorkizMapper implements RecordMapper {
  toCanonical(record: WireRecord, ctx: MapContext): CanonicalEntity {
    const scope: MappingScope = { record, ctx };
    switch (record.entity) {
      case 'customer':
        return canonical('customer', mapCustomer(wirePayload(workizClientSchema, record), scope));
      case 'location':
        return canonical('location', mapLocation(wirePayload(workizLocationRecordSchema, record), scope));
      case 'technician':
        return canonical(
          'technician',
          mapTechnician(wirePayload(workizTeamMemberRecordSchema, record), scope),
        );
      case 'job':
        return canonical('job', mapJob(wirePayload(workizJobRecordSchema, record), scope));
      case 'appointment':
        return canonical('appointment', mapAppointment(wirePayload(workizJobRecordSchema, record), scope));
      case 'lead':
        return canonical('lead', mapLead(wirePayload(workizLeadSchema, record), scope));
      case 'estimate':
        return canonical('estimate', mapEstimate(wirePayload(workizEstimateSchema, record), scope));
      case 'invoice':
        return canonical('invoice', mapInvoice(wirePayload(workizInvoiceSchema, record), scope));
      case 'payment':
        return canonical('payment', mapPayment(wirePayload(workizPaymentSchema, record), scope));
      case 'pricebook_item':
        return canonical(
          'pricebook_item',
          mapPricebookItem(wirePayload(workizPricebookItemSchema, record), scope),
        );
      case 'communication':
        return record.externalId.startsWith('sms-')
          ? canonical('communication', mapSms(wirePayload(workizSmsRecordSchema, record), scope))
          : canonical('communication', mapCall(wirePayload(workizCallRecordSchema, record), scope));
      default:
        throw new Error(`Workiz: no mapping of ${record.entity} records (workiz.mapper.ts)`);
    }
  }
}

export const workizMapper = new WorkizMapper();

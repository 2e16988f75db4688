import type { CanonicalEntity } from '@fieldsync/canonical-model';
import type { RecordMapper } from '@fieldsync/connector-kit';
import { mapWorkOrderVisit } from './mappers/appointment.mapper';
import { mapAgreement, mapEmployee, mapEquipment, mapItem } from './mappers/catalog.mapper';
import { isCreditMemoExternalId, mapCreditMemo } from './mappers/credit-memo.mapper';
import { mapCustomer, mapCustomerJob } from './mappers/customer.mapper';
import { mapPurchaseOrder, mapStock, mapWarehouse } from './mappers/inventory.mapper';
import { mapInvoice } from './mappers/invoice.mapper';
import { mapWorkOrder } from './mappers/job.mapper';
import {
  canonical,
  wirePayload,
  type MapContext,
  type MappingScope,
  type WireRecord,
} from './mappers/mapping.util';
import { mapPayment } from './mappers/payment.mapper';
import {
  tomAgreementSchema,
  tomCreditMemoSchema,
  tomCustomerJobSchema,
  tomCustomerSchema,
  tomEmployeeSchema,
  tomEquipmentSchema,
  tomInvoiceSchema,
  tomItemSchema,
  tomPaymentSchema,
  tomPurchaseOrderSchema,
  tomStockSchema,
  tomWarehouseSchema,
  tomWorkOrderSchema,
} from './tom.schemas';

/*
 * Total Office Manager page records → canonical objects: pure, money in minor units, local times to UTC,
 * ids as strings, the vendor's status kept, `id` and `externalId` derived with
 * `canonicalId(connectionId, entity, externalId)`. One mapping per entity family in mappers/; this file
 * only dispatches a record by its entity: wire schema in (tom.schemas.ts), mapping, canonical schema out.
 */
export class TomMapper implements RecordMapper {
  toCanonical(record: WireRecord, ctx: MapContext): CanonicalEntity {
    const scope: MappingScope = { record, ctx };
    switch (record.entity) {
      case 'customer':
        return canonical('customer', mapCustomer(wirePayload(tomCustomerSchema, record), scope));
      case 'location':
        return canonical('location', mapCustomerJob(wirePayload(tomCustomerJobSchema, record), scope));
      case 'job':
        return canonical('job', mapWorkOrder(wirePayload(tomWorkOrderSchema, record), scope));
      case 'appointment':
        return canonical('appointment', mapWorkOrderVisit(wirePayload(tomWorkOrderSchema, record), scope));
      case 'invoice':
        // The invoices stream reads credit memos too (readers/sequence.reader.ts): `CM-` ids.
        return isCreditMemoExternalId(record.externalId)
          ? canonical('invoice', mapCreditMemo(wirePayload(tomCreditMemoSchema, record), scope))
          : canonical('invoice', mapInvoice(wirePayload(tomInvoiceSchema, record), scope));
      case 'payment':
        return canonical('payment', mapPayment(wirePayload(tomPaymentSchema, record), scope));
      case 'pricebook_item':
        return canonical('pricebook_item', mapItem(wirePayload(tomItemSchema, record), scope));
      case 'technician':
        return canonical('technician', mapEmployee(wirePayload(tomEmployeeSchema, record), scope));
      case 'equipment':
        return canonical('equipment', mapEquipment(wirePayload(tomEquipmentSchema, record), scope));
      case 'membership':
        return canonical('membership', mapAgreement(wirePayload(tomAgreementSchema, record), scope));
      case 'warehouse':
        return canonical('warehouse', mapWarehouse(wirePayload(tomWarehouseSchema, record), scope));
      case 'stock_level':
        return canonical('stock_level', mapStock(wirePayload(tomStockSchema, record), scope));
      case 'purchase_order':
        return canonical(
          'purchase_order',
          mapPurchaseOrder(wirePayload(tomPurchaseOrderSchema, record), scope),
        );
      default:
        throw new Error(`Total Office Manager yields no ${record.entity} records`);
    }
  }
}

export const tomMapper = new TomMapper();

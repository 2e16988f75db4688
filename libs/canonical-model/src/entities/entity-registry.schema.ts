import { z } from 'zod';
import { appointmentSchema } from '../appointment/appointment.schema';
import { attachmentSchema } from '../attachment/attachment.schema';
import { communicationSchema } from '../communication/communication.schema';
import { contactSchema } from '../contact/contact.schema';
import { customerSchema } from '../customer/customer.schema';
import { equipmentSchema } from '../equipment/equipment.schema';
import { estimateSchema } from '../estimate/estimate.schema';
import { EntityType } from '../ids/entity-type.schema';
import { ID_PREFIXES } from '../ids/id-prefix.constants';
import { invoiceSchema } from '../invoice/invoice.schema';
import { jobSchema } from '../job/job.schema';
import { leadSchema } from '../lead/lead.schema';
import { lineItemSchema } from '../line-item/line-item.schema';
import { locationSchema } from '../location/location.schema';
import { membershipSchema } from '../membership/membership.schema';
import { paymentSchema } from '../payment/payment.schema';
import { pricebookItemSchema } from '../pricebook-item/pricebook-item.schema';
import { purchaseOrderSchema } from '../purchase-order/purchase-order.schema';
import { refundSchema } from '../refund/refund.schema';
import { stockLevelSchema } from '../stock-level/stock-level.schema';
import { technicianSchema } from '../technician/technician.schema';
import { timesheetEntrySchema } from '../timesheet-entry/timesheet-entry.schema';
import { warehouseSchema } from '../warehouse/warehouse.schema';

/** The schema of every canonical entity, by entity type. */
export const entitySchemas = {
  customer: customerSchema,
  contact: contactSchema,
  location: locationSchema,
  technician: technicianSchema,
  job: jobSchema,
  appointment: appointmentSchema,
  estimate: estimateSchema,
  invoice: invoiceSchema,
  line_item: lineItemSchema,
  payment: paymentSchema,
  refund: refundSchema,
  pricebook_item: pricebookItemSchema,
  membership: membershipSchema,
  equipment: equipmentSchema,
  attachment: attachmentSchema,
  lead: leadSchema,
  communication: communicationSchema,
  timesheet_entry: timesheetEntrySchema,
  warehouse: warehouseSchema,
  stock_level: stockLevelSchema,
  purchase_order: purchaseOrderSchema,
} as const satisfies Record<EntityType, z.ZodType>;

export type EntitySchemas = typeof entitySchemas;
/** The canonical object of entity type E, e.g. `EntityOf<'job'>` = Job. */
export type EntityOf<E extends EntityType> = z.infer<EntitySchemas[E]>;
/** Any canonical entity. */
export type CanonicalEntity = EntityOf<EntityType>;

export interface EntityDefinition<E extends EntityType = EntityType> {
  readonly type: E;
  readonly idPrefix: (typeof ID_PREFIXES)[E];
  readonly schema: EntitySchemas[E];
}

/** Entity type → schema and id prefix, in one place. */
export const entityRegistry = Object.fromEntries(
  (Object.keys(entitySchemas) as EntityType[]).map((type) => [
    type,
    { type, idPrefix: ID_PREFIXES[type], schema: entitySchemas[type] },
  ]),
) as { readonly [E in EntityType]: EntityDefinition<E> };

/** Validates `value` as a canonical object of `entity`; returns zod's SafeParseResult. */
export function safeParseEntity<E extends EntityType>(entity: E, value: unknown) {
  return (entitySchemas[entity] as unknown as z.ZodType<EntityOf<E>>).safeParse(value);
}

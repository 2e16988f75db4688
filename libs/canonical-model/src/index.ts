// Public API of @fieldsync/canonical-model: zod schemas, the types inferred from them, and the small
// utilities every service needs to produce and consume canonical data. Nothing here depends on Nest or
// on another @fieldsync library.

// common building blocks
export * from './common/vendor.schema';
export * from './common/timestamp.schema';
export * from './common/timestamp.util';
export * from './common/address.schema';
export * from './common/contact-point.schema';
export * from './common/phone.util';
export * from './common/tags.schema';
export * from './common/base-entity.schema';
export * from './common/card-number.util';

// money
export * from './money/currency.constants';
export * from './money/money.error';
export * from './money/money.util';
export * from './money/money.schema';
export * from './money/money-fields.constants';
export * from './money/canonical-json.util';
export { parseDecimal, divideRoundHalfUp, rescaleRoundHalfUp } from './money/decimal.util';
export type { Decimal } from './money/decimal.util';

// ids
export * from './ids/entity-type.schema';
export * from './ids/id-prefix.constants';
export * from './ids/canonical-id.util';
export * from './ids/canonical-id.schema';
export * from './ids/ulid-id.util';
export * from './ids/ulid-id.schema';

// entities
export * from './customer/customer.schema';
export * from './contact/contact.schema';
export * from './location/location.schema';
export * from './technician/technician.schema';
export * from './job/job.schema';
export * from './appointment/appointment.schema';
export * from './estimate/estimate.schema';
export * from './invoice/invoice.schema';
export * from './line-item/line-item.schema';
export * from './payment/payment.schema';
export * from './refund/refund.schema';
export * from './pricebook-item/pricebook-item.schema';
export * from './membership/membership.schema';
export * from './equipment/equipment.schema';
export * from './attachment/attachment.schema';
export * from './lead/lead.schema';
export * from './communication/communication.schema';
export * from './timesheet-entry/timesheet-entry.schema';
export * from './warehouse/warehouse.schema';
export * from './stock-level/stock-level.schema';
export * from './purchase-order/purchase-order.schema';
export * from './entities/entity-registry.schema';
export { EXAMPLE_ADDRESS, exampleEntities } from './entities/entity-examples';

// events
export * from './events/event-type.schema';
export * from './events/sequence.util';
export * from './events/entity-diff.util';
export * from './events/change-event.schema';
export * from './events/change-event.util';
export * from './events/operational-event.schema';

// commands and results
export * from './commands/idempotency-key.schema';
export * from './commands/command-payload.schema';
export * from './commands/command.schema';
export * from './commands/parse-command.util';
export * from './commands/command-totals.util';
export * from './results/result-error.constants';
export * from './results/result.schema';

// webhooks: the endpoints API's requests, event-type filters and Standard Webhooks secrets
export * from './webhooks/webhook-event-filter.util';
export * from './webhooks/webhook-secret.util';
export * from './webhooks/webhook-endpoint-request.schema';

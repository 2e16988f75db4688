import { z } from 'zod';
import { baseEntityShape, textSchema } from '../common/base-entity.schema';
import { checkDateOrder, checkMoneyEquation } from '../common/consistency.util';
import { dateSchema } from '../common/timestamp.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { lineSchema } from '../line-item/line-item.schema';
import {
  checkMoneyPrecision,
  currencySchema,
  moneyAmountSchema,
  nonNegativeMoneyAmountSchema,
} from '../money/money.schema';

export const PURCHASE_ORDER_STATUSES = [
  'draft',
  'sent',
  'partially_received',
  'received',
  'closed',
  'canceled',
] as const;
export const purchaseOrderStatusSchema = z.enum(PURCHASE_ORDER_STATUSES);

/** A TOM purchase order to a supplier; `total = subtotal + tax + shipping` in minor units. */
export const purchaseOrderSchema = z
  .strictObject({
    ...baseEntityShape('purchase_order'),
    number: z.string().max(100).nullable(),
    status: purchaseOrderStatusSchema,
    vendorStatus: z.string().max(200),
    supplierName: z.string().max(500),
    warehouseId: idSchemas.warehouse.nullable(),
    jobId: idSchemas.job.nullable(),
    orderedOn: dateSchema.nullable(),
    expectedOn: dateSchema.nullable(),
    currency: currencySchema,
    lineItems: z.array(lineSchema),
    subtotal: moneyAmountSchema,
    tax: moneyAmountSchema,
    shipping: nonNegativeMoneyAmountSchema,
    total: moneyAmountSchema,
    memo: textSchema.nullable(),
  })
  .superRefine((order, ctx) => {
    checkMoneyPrecision(order, ctx);
    checkMoneyEquation(ctx, order, 'total', ['subtotal', 'tax', 'shipping'], []);
    checkDateOrder(ctx, order, 'orderedOn', 'expectedOn');
  });

export type PurchaseOrder = z.infer<typeof purchaseOrderSchema>;

import { z } from 'zod';
import { addressSchema, lineItemSchema } from './world.schema';

/**
 * What Total Office Manager shows that the vendor-neutral world does not hold: warehouses and trucks
 * with their stock levels, purchase orders to suppliers, serialized units of inventory items, and the
 * accounting periods (open or closed) its financial documents are dated in. Like the Workiz ledger's
 * records, these live in the TomLedger beside the world's store, never inside it: the store's entities,
 * ids, rowVersions and golden hashes stay what every other vendor sees.
 */

const id = z.number().int().positive();
const epochMs = z.number().int().nonnegative();
const quantity = z.number().int().nonnegative();

/** TOM company files keep local time; the sandbox's business is in Austin. */
export const TOM_TIMEZONE = 'America/Chicago';

export const TOM_WAREHOUSE_KINDS = ['Warehouse', 'Truck'] as const;
export const tomWarehouseSchema = z
  .object({
    id,
    createdOn: epochMs,
    modifiedOn: epochMs,
    kind: z.enum(TOM_WAREHOUSE_KINDS),
    code: z.string().min(1),
    name: z.string().min(1),
    /** A truck's technician (a world employee). */
    technicianId: id.nullable(),
    address: addressSchema.nullable(),
    active: z.boolean(),
  })
  .strict();
export type TomWarehouse = z.infer<typeof tomWarehouseSchema>;

/** One inventory item in one warehouse or truck; TOM has no id for the pair. */
export const tomStockLevelSchema = z
  .object({
    warehouseId: id,
    /** A world pricebook item of type Material or Equipment. */
    itemId: id,
    onHand: quantity,
    reserved: quantity,
    onOrder: quantity,
    reorderPoint: quantity,
    modifiedOn: epochMs,
  })
  .strict();
export type TomStockLevel = z.infer<typeof tomStockLevelSchema>;

export const TOM_PO_STATUSES = ['Open', 'Partially Received', 'Received', 'Closed', 'Canceled'] as const;
export type TomPurchaseOrderStatus = (typeof TOM_PO_STATUSES)[number];
export const tomPurchaseOrderLineSchema = z
  .object({ itemId: id, quantity: z.number().int().positive(), received: quantity, unitCost: quantity })
  .strict();
export const tomPurchaseOrderSchema = z
  .object({
    id,
    createdOn: epochMs,
    modifiedOn: epochMs,
    number: z.string().regex(/^PO-\d+$/),
    supplier: z.string().min(1),
    warehouseId: id,
    status: z.enum(TOM_PO_STATUSES),
    orderedOn: epochMs,
    expectedOn: epochMs,
    lines: z.array(tomPurchaseOrderLineSchema).min(1),
    /** Cents. */
    tax: quantity,
    shipping: quantity,
    memo: z.string(),
  })
  .strict();
export type TomPurchaseOrder = z.infer<typeof tomPurchaseOrderSchema>;

export const TOM_SERIAL_STATUSES = ['In Stock', 'Installed', 'Returned'] as const;
export const tomSerializedItemSchema = z
  .object({
    id,
    createdOn: epochMs,
    modifiedOn: epochMs,
    itemId: id,
    serialNumber: z.string().min(1),
    status: z.enum(TOM_SERIAL_STATUSES),
    /** Where an in-stock unit sits; null once installed. */
    warehouseId: id.nullable(),
  })
  .strict();
export type TomSerializedItem = z.infer<typeof tomSerializedItemSchema>;

/**
 * A pricing zone: an area of the service territory whose customers' jobs are billed at the zone's own
 * item prices (TOM's zone pricing), beside each item's standard price.
 */
export const tomPricingZoneSchema = z
  .object({
    id,
    createdOn: epochMs,
    modifiedOn: epochMs,
    name: z.string().min(1),
    description: z.string(),
    active: z.boolean(),
  })
  .strict();
export type TomPricingZone = z.infer<typeof tomPricingZoneSchema>;

/**
 * One item's price in one zone, as a ratio of the item's standard price (parts per million) fixed when
 * the office priced it: when the item's price changes, its zone prices follow. Not every item is priced
 * in every zone.
 */
export const tomZonePriceSchema = z
  .object({ zoneId: id, itemId: id, ratioPpm: z.number().int().min(500_000).max(2_000_000) })
  .strict();
export type TomZonePrice = z.infer<typeof tomZonePriceSchema>;

/** A calendar month of the company file's books, `YYYY-MM`; a closed one refuses documents dated in it. */
export const tomAccountingPeriodSchema = z
  .object({
    id,
    name: z.string().regex(/^\d{4}-\d{2}$/),
    /** First and last day, `YYYY-MM-DD` (the business's local calendar). */
    startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    endDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    closed: z.boolean(),
    closedOn: epochMs.nullable(),
    modifiedOn: epochMs,
  })
  .strict();
export type TomAccountingPeriod = z.infer<typeof tomAccountingPeriodSchema>;

/**
 * A credit memo: money owed back to a customer against one of its invoices (a returned part, a goodwill
 * credit), with its lines (the world's line shape, amounts positive as TOM prints them), the sales tax
 * rate of the invoice it credits, how much of it has been applied to invoices since, and whether it was
 * voided. Its date falls in the accounting period it posts to: a date in a closed period is refused.
 */
export const tomCreditMemoSchema = z
  .object({
    id,
    createdOn: epochMs,
    modifiedOn: epochMs,
    number: z.number().int().positive(),
    invoiceId: id,
    customerId: id,
    locationId: id,
    jobId: id.nullable(),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    lines: z.array(lineItemSchema).min(1),
    taxRatePpm: z.number().int().min(0).max(1_000_000),
    subtotal: quantity,
    tax: quantity,
    total: quantity,
    applied: quantity,
    voided: z.boolean(),
    memo: z.string(),
  })
  .strict()
  .refine((c) => c.total === c.subtotal + c.tax && c.applied <= c.total, {
    message: 'a credit memo has total = subtotal + tax and applied ≤ total',
  });
export type TomCreditMemo = z.infer<typeof tomCreditMemoSchema>;

/** What TOM's Credit Memos grid says of a credit: voided, or by how much of it is applied. */
export function tomCreditStatus(credit: Pick<TomCreditMemo, 'voided' | 'applied' | 'total'>): string {
  if (credit.voided) return 'Void';
  if (credit.applied === 0) return 'Open';
  return credit.applied < credit.total ? 'Partially Applied' : 'Applied';
}

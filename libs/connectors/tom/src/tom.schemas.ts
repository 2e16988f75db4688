import { createHash } from 'node:crypto';
import { z } from 'zod';
import { TOM_DATE, TOM_DATE_TIME } from './tom-time.util';

/*
 * TOM's wire shapes. TOM has no API: a record is what its pages show, read back out of the HTML by
 * readers/page.parser.ts — the grid row's cells by column heading (`fields`) and, for documents, the
 * detail page's lines table (`lines`) — plus the checksum of that rendering (change detection). Every
 * grid's row schema is strict and states each cell's format, so a renamed or moved column, or a cell
 * that no longer reads as what it was, is drift and never a wrong value.
 */

const money = z.string().regex(/^-?\$\d{1,3}(,\d{3})*\.\d{2}$/, 'not a TOM amount ($1,234.56)');
const dateTime = z.string().regex(TOM_DATE_TIME, 'not a TOM time (M/D/YYYY h:mm:ss AM)');
const date = z.string().regex(TOM_DATE, 'not a TOM date (M/D/YYYY)');
const optionalDate = z.union([z.literal(''), date]);
const optionalDateTime = z.union([z.literal(''), dateTime]);
const id = z.string().regex(/^\d+$/, 'not a TOM id');
const optionalId = z.union([z.literal(''), id]);
const yesNo = z.enum(['Yes', 'No']);
const whole = z.string().regex(/^\d+$/, 'not a whole number');
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'not a quantity');
const text = z.string();

const customerFields = z.strictObject({
  'Customer ID': id,
  Customer: z.string().min(1),
  Type: z.enum(['Residential', 'Commercial']),
  Phone: text,
  Email: text,
  Address: text,
  Balance: money,
  Memo: text,
  Active: yesNo,
  Created: dateTime,
  Modified: dateTime,
});

const customerJobFields = z.strictObject({
  'Job ID': id,
  'Customer:Job': z.string().includes(':'),
  'Customer ID': id,
  'Job Name': z.string().min(1),
  Address: z.string().min(1),
  'Tax Zone': text,
  Active: yesNo,
  Created: dateTime,
  Modified: dateTime,
});

export const TOM_WORK_ORDER_STATUSES = [
  'Open',
  'Scheduled',
  'Dispatched',
  'In Progress',
  'On Hold',
  'Completed',
  'Canceled',
] as const;

const workOrderFields = z.strictObject({
  'WO #': id,
  'Customer:Job': z.string().includes(':'),
  'Customer ID': id,
  'Job ID': id,
  Description: text,
  Status: z.enum(TOM_WORK_ORDER_STATUSES),
  Priority: z.enum(['Low', 'Normal', 'High', 'Urgent']),
  Type: text,
  Terms: text,
  Department: text,
  'Assigned To': text,
  'Assigned IDs': z.string().regex(/^(\d+(; \d+)*)?$/, 'not a list of employee ids'),
  Start: optionalDateTime,
  'Duration (min)': z.union([z.literal(''), whole]),
  'Bill To': text,
  'Work Address': text,
  Equipment: text,
  'User Defined 1': text,
  Notes: text,
  'Status Reason': text,
  Closed: optionalDateTime,
  Created: dateTime,
  Modified: dateTime,
});

const invoiceFields = z.strictObject({
  'Invoice #': z.string().min(1),
  'Customer:Job': z.string().includes(':'),
  'Customer ID': id,
  'Job ID': id,
  'WO #': z.union([z.literal(''), id]),
  Date: date,
  'Due Date': date,
  Terms: text,
  Status: z.enum(['Open', 'Partially Paid', 'Paid']),
  Subtotal: money,
  Discount: money,
  Tax: money,
  Total: money,
  Balance: money,
  Memo: text,
  Created: dateTime,
  Modified: dateTime,
});
const invoiceLine = z.strictObject({
  Line: id,
  Item: text,
  'Item ID': optionalId,
  Description: z.string().min(1),
  Type: z.enum(['Service', 'Material', 'Equipment', 'Discount']),
  Qty: decimal,
  Rate: money,
  Amount: money,
  Taxable: yesNo,
});

/** A credit memo's row: amounts positive as TOM prints them; its status says how much is applied. */
const creditMemoFields = z.strictObject({
  'Credit #': id,
  'Customer:Job': z.string().includes(':'),
  'Customer ID': id,
  'Job ID': id,
  'WO #': z.union([z.literal(''), id]),
  'Invoice #': text,
  Date: date,
  Terms: text,
  Status: z.enum(['Open', 'Partially Applied', 'Applied', 'Void']),
  Subtotal: money,
  Tax: money,
  Total: money,
  Applied: money,
  Remaining: money,
  Memo: text,
  Created: dateTime,
  Modified: dateTime,
});

export const TOM_PAYMENT_METHODS = ['Credit Card', 'ACH', 'Cash', 'Check'] as const;
const paymentFields = z.strictObject({
  'Payment ID': id,
  Customer: text,
  'Customer ID': id,
  Date: date,
  Method: z.enum(TOM_PAYMENT_METHODS),
  Reference: text,
  Amount: money,
  Unapplied: money,
  Memo: text,
  Status: z.enum(['Posted', 'Voided']),
  Created: dateTime,
  Modified: dateTime,
});
const paymentLine = z.strictObject({ 'Invoice #': z.string().min(1), Applied: money });

const itemFields = z.strictObject({
  'Item ID': id,
  Item: text,
  Description: z.string().min(1),
  Type: z.enum(['Service', 'Inventory Part', 'Serialized Part', 'Non-inventory Part']),
  Price: money,
  Cost: money,
  Taxable: yesNo,
  Active: yesNo,
  Created: dateTime,
  Modified: dateTime,
});

/** One row of an item's Zone Prices table (its detail page): the zone's name and the item's price there. */
const zonePriceLine = z.strictObject({
  Zone: z.string().min(1),
  Price: money,
});

const employeeFields = z.strictObject({
  'Employee ID': id,
  Name: z.string().min(1),
  Role: z.string().min(1),
  Email: text,
  Phone: text,
  Active: yesNo,
  Created: dateTime,
  Modified: dateTime,
});

const equipmentFields = z.strictObject({
  'Equipment ID': id,
  'Customer:Job': z.string().includes(':'),
  'Customer ID': id,
  'Job ID': id,
  Description: z.string().min(1),
  Type: text,
  Manufacturer: text,
  Model: text,
  'Serial #': text,
  Installed: optionalDate,
  'Warranty Expires': optionalDate,
  Created: dateTime,
  Modified: dateTime,
});

const agreementFields = z.strictObject({
  'Agreement ID': id,
  'Customer:Job': z.string().includes(':'),
  'Customer ID': id,
  'Job ID': id,
  Agreement: z.string().min(1),
  Status: z.enum(['Active', 'Suspended', 'Expired', 'Canceled']),
  Billing: z.enum(['Monthly', 'Annual']),
  Price: money,
  Start: date,
  End: date,
  Created: dateTime,
  Modified: dateTime,
});

const warehouseFields = z.strictObject({
  'Warehouse ID': id,
  Code: z.string().min(1),
  Name: z.string().min(1),
  Kind: z.enum(['Warehouse', 'Truck']),
  Technician: text,
  'Technician ID': optionalId,
  Active: yesNo,
  Created: dateTime,
  Modified: dateTime,
});

const stockFields = z.strictObject({
  'Warehouse ID': id,
  Warehouse: text,
  'Item ID': id,
  Item: text,
  'On Hand': whole,
  Reserved: whole,
  'On Order': whole,
  'Reorder Point': whole,
  Modified: dateTime,
});

const purchaseOrderFields = z.strictObject({
  'PO ID': id,
  'PO #': z.string().regex(/^PO-\d+$/),
  Vendor: z.string().min(1),
  'Warehouse ID': id,
  Status: z.enum(['Open', 'Partially Received', 'Received', 'Closed', 'Canceled']),
  Ordered: date,
  Expected: date,
  Subtotal: money,
  Tax: money,
  Shipping: money,
  Total: money,
  Memo: text,
  Created: dateTime,
  Modified: dateTime,
});
const purchaseOrderLine = z.strictObject({
  'Item ID': id,
  Item: text,
  Qty: whole,
  Received: whole,
  Cost: money,
  Amount: money,
});

/** A page record: the row's fields, the detail page's lines for documents, the checksum of both. */
function pageRecord<F extends z.ZodType, L extends z.ZodType | undefined>(fields: F, line?: L) {
  return z.strictObject({
    key: z.string().min(1),
    fields,
    ...(line ? { lines: z.array(line) } : {}),
    checksum: z.string().regex(/^[0-9a-f]{64}$/),
  });
}

export const tomCustomerSchema = pageRecord(customerFields);
export const tomCustomerJobSchema = pageRecord(customerJobFields);
export const tomWorkOrderSchema = pageRecord(workOrderFields);
export const tomInvoiceSchema = z.strictObject({
  key: z.string().min(1),
  fields: invoiceFields,
  lines: z.array(invoiceLine),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
});
export const tomCreditMemoSchema = z.strictObject({
  key: z.string().min(1),
  fields: creditMemoFields,
  lines: z.array(invoiceLine),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
});
export type TomCreditMemo = z.infer<typeof tomCreditMemoSchema>;
export const tomPaymentSchema = z.strictObject({
  key: z.string().min(1),
  fields: paymentFields,
  lines: z.array(paymentLine),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
});
export const tomItemSchema = z.strictObject({
  key: z.string().min(1),
  fields: itemFields,
  lines: z.array(zonePriceLine),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
});
export const tomEmployeeSchema = pageRecord(employeeFields);
export const tomEquipmentSchema = pageRecord(equipmentFields);
export const tomAgreementSchema = pageRecord(agreementFields);
export const tomWarehouseSchema = pageRecord(warehouseFields);
export const tomStockSchema = pageRecord(stockFields);
export const tomPurchaseOrderSchema = z.strictObject({
  key: z.string().min(1),
  fields: purchaseOrderFields,
  lines: z.array(purchaseOrderLine),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
});

export type TomCustomer = z.infer<typeof tomCustomerSchema>;
export type TomCustomerJob = z.infer<typeof tomCustomerJobSchema>;
export type TomWorkOrder = z.infer<typeof tomWorkOrderSchema>;
export type TomInvoice = z.infer<typeof tomInvoiceSchema>;
export type TomPayment = z.infer<typeof tomPaymentSchema>;
export type TomItem = z.infer<typeof tomItemSchema>;
export type TomEmployee = z.infer<typeof tomEmployeeSchema>;
export type TomEquipment = z.infer<typeof tomEquipmentSchema>;
export type TomAgreement = z.infer<typeof tomAgreementSchema>;
export type TomWarehouse = z.infer<typeof tomWarehouseSchema>;
export type TomStock = z.infer<typeof tomStockSchema>;
export type TomPurchaseOrder = z.infer<typeof tomPurchaseOrderSchema>;

/** What the page shows of one record, before the checksum. */
export interface TomRendering {
  readonly key: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly lines?: readonly Readonly<Record<string, string>>[];
}

/**
 * SHA-256 of a record's rendering (fields and lines in page order): equal renderings, equal checksums,
 * so a record whose page shows nothing new is not a change.
 */
export function tomChecksum(rendering: TomRendering): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        rendering.key,
        Object.entries(rendering.fields),
        (rendering.lines ?? []).map((l) => Object.entries(l)),
      ]),
    )
    .digest('hex');
}

/** The wire record of a rendering (what the readers yield and the mapper reads). */
export function tomWireRecord(rendering: TomRendering): TomRendering & { checksum: string } {
  return { ...rendering, checksum: tomChecksum(rendering) };
}

/** The signed-in user as `/api/whoami` describes it. */
export const tomWhoamiSchema = z.object({
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.string() }),
  tenant: z.object({ id: z.string(), name: z.string() }).optional(),
  session: z.object({ createdAt: z.string(), idleExpiresAt: z.string() }).nullable().optional(),
});

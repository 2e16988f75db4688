import { ESTIMATE_STATUSES, INVOICE_STATUSES, PAYMENT_STATUSES } from '@fieldsync/canonical-model';
import { z } from 'zod';
import { defineResource } from '../resource.types';
import { amountSchema, dateField, provenance, provenanceShape, timestampField } from './shared-fields.schema';

export const lineItemSchema = z
  .strictObject({
    lineItemId: z.string(),
    itemId: z.string().nullable(),
    description: z.string().nullable(),
    quantity: z.number(),
    unitPrice: amountSchema,
    total: amountSchema,
  })
  .meta({ id: 'LineItem' });

interface CanonicalLine {
  id: string;
  pricebookItemId?: string | null;
  name?: string | null;
  description?: string | null;
  quantity: number;
  unitPrice: number;
  total: number;
}

function lineItems(lines: readonly CanonicalLine[]): z.input<typeof lineItemSchema>[] {
  return lines.map((line) => ({
    lineItemId: line.id,
    itemId: line.pricebookItemId ?? null,
    description: line.description ?? line.name ?? null,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    total: line.total,
  }));
}

/** The money of a document, as every sales resource shows it (`totalsShape`). */
function totals(d: { currency: string; subtotal: number; discount: number; tax: number; total: number }): {
  currency: string;
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
} {
  return { currency: d.currency, subtotal: d.subtotal, discount: d.discount, tax: d.tax, total: d.total };
}

const totalsShape = {
  currency: z.string(),
  subtotal: amountSchema,
  discount: amountSchema,
  tax: amountSchema,
  total: amountSchema,
};

const estimateItemSchema = z
  .strictObject({
    estimateId: z.string(),
    number: z.string().nullable(),
    title: z.string().nullable(),
    status: z.enum(ESTIMATE_STATUSES),
    vendorStatus: z.string(),
    customerId: z.string(),
    locationId: z.string().nullable(),
    jobId: z.string().nullable(),
    ...totalsShape,
    lineItems: z.array(lineItemSchema),
    validUntil: dateField.nullable(),
    sentAt: timestampField.nullable(),
    approvedAt: timestampField.nullable(),
    documentUrl: z.string().nullable(),
    ...provenanceShape,
  })
  .meta({ id: 'Estimate' });

/** `GET /estimates`: estimates with their lines and totals. */
export const estimatesResource = defineResource({
  name: 'estimates',
  entity: 'estimate',
  idField: 'estimateId',
  summary: 'Estimates with line items and totals',
  item: estimateItemSchema,
  filters: ['status', 'fromDate', 'toDate', 'updatedFrom', 'updatedTo', 'tag'],
  statuses: ESTIMATE_STATUSES,
  dateColumn: 'vendor_created_at',
  project(estimates) {
    return Promise.resolve(
      estimates.map((e) => ({
        estimateId: e.id,
        number: e.number,
        title: e.title,
        status: e.status,
        vendorStatus: e.vendorStatus,
        customerId: e.customerId,
        locationId: e.locationId,
        jobId: e.jobId,
        ...totals(e),
        lineItems: lineItems(e.lineItems),
        validUntil: e.validUntil,
        sentAt: e.sentAt,
        approvedAt: e.approvedAt,
        documentUrl: e.documentUrl,
        ...provenance(e),
      })),
    );
  },
});

const quoteItemSchema = z
  .strictObject({
    quoteId: z.string(),
    quoteNumber: z.string().nullable(),
    status: z.enum(ESTIMATE_STATUSES),
    clientId: z.string(),
    propertyId: z.string().nullable(),
    jobId: z.string().nullable(),
    ...totalsShape,
    lineItems: z.array(lineItemSchema),
    validUntil: dateField.nullable(),
    notes: z.string().nullable(),
    documentUrl: z.string().nullable(),
    ...provenanceShape,
  })
  .meta({ id: 'Quote' });

/** `GET /quotes`: the same estimates in the quotes shape (client, property). */
export const quotesResource = defineResource({
  name: 'quotes',
  entity: 'estimate',
  idField: 'quoteId',
  summary: 'Quotes (estimates) for a client and property',
  item: quoteItemSchema,
  filters: ['status', 'fromDate', 'toDate', 'updatedFrom', 'updatedTo', 'tag'],
  statuses: ESTIMATE_STATUSES,
  dateColumn: 'vendor_created_at',
  project(estimates) {
    return Promise.resolve(
      estimates.map((e) => ({
        quoteId: e.id,
        quoteNumber: e.number,
        status: e.status,
        clientId: e.customerId,
        propertyId: e.locationId,
        jobId: e.jobId,
        ...totals(e),
        lineItems: lineItems(e.lineItems),
        validUntil: e.validUntil,
        notes: e.notes,
        documentUrl: e.documentUrl,
        ...provenance(e),
      })),
    );
  },
});

const invoiceItemSchema = z
  .strictObject({
    invoiceId: z.string(),
    number: z.string().nullable(),
    status: z.enum(INVOICE_STATUSES),
    vendorStatus: z.string(),
    customerId: z.string(),
    locationId: z.string().nullable(),
    jobId: z.string().nullable(),
    ...totalsShape,
    amountPaid: amountSchema,
    balance: amountSchema,
    lineItems: z.array(lineItemSchema),
    issuedDate: dateField.nullable(),
    dueDate: dateField.nullable(),
    paidAt: timestampField.nullable(),
    documentUrl: z.string().nullable(),
    ...provenanceShape,
  })
  .meta({ id: 'Invoice' });

/** `GET /invoices`: invoices with lines, totals, amount paid and balance. */
export const invoicesResource = defineResource({
  name: 'invoices',
  entity: 'invoice',
  idField: 'invoiceId',
  summary: 'Invoices with line items, totals and balance',
  item: invoiceItemSchema,
  filters: ['status', 'fromDate', 'toDate', 'updatedFrom', 'updatedTo', 'tag'],
  statuses: INVOICE_STATUSES,
  dateColumn: 'issued_on',
  project(invoices) {
    return Promise.resolve(
      invoices.map((i) => ({
        invoiceId: i.id,
        number: i.number,
        status: i.status,
        vendorStatus: i.vendorStatus,
        customerId: i.customerId,
        locationId: i.locationId,
        jobId: i.jobId,
        ...totals(i),
        amountPaid: i.amountPaid,
        balance: i.balance,
        lineItems: lineItems(i.lineItems),
        issuedDate: i.issuedDate,
        dueDate: i.dueDate,
        paidAt: i.paidAt,
        documentUrl: i.documentUrl,
        ...provenance(i),
      })),
    );
  },
});

const paymentItemSchema = z
  .strictObject({
    paymentId: z.string(),
    status: z.enum(PAYMENT_STATUSES),
    vendorStatus: z.string(),
    invoiceId: z.string().nullable(),
    customerId: z.string().nullable(),
    method: z.string(),
    currency: z.string(),
    amount: amountSchema,
    tipAmount: amountSchema,
    refundedAmount: amountSchema,
    cardLast4: z.string().nullable(),
    collectedAt: timestampField.nullable(),
    processor: z.string().nullable(),
    memo: z.string().nullable(),
    ...provenanceShape,
  })
  .meta({ id: 'Payment' });

/** `GET /payments`: payments received (card numbers never: only the last 4 digits). */
export const paymentsResource = defineResource({
  name: 'payments',
  entity: 'payment',
  idField: 'paymentId',
  summary: 'Payments received against invoices',
  item: paymentItemSchema,
  filters: ['status', 'fromDate', 'toDate', 'updatedFrom', 'updatedTo', 'tag'],
  statuses: PAYMENT_STATUSES,
  dateColumn: 'paid_at',
  project(payments) {
    return Promise.resolve(
      payments.map((p) => ({
        paymentId: p.id,
        status: p.status,
        vendorStatus: p.vendorStatus,
        invoiceId: p.invoiceId,
        customerId: p.customerId,
        method: p.method,
        currency: p.currency,
        amount: p.amount,
        tipAmount: p.tipAmount,
        refundedAmount: p.refundedAmount,
        cardLast4: p.card?.last4 ?? null,
        collectedAt: p.collectedAt,
        processor: p.processor,
        memo: p.memo,
        ...provenance(p),
      })),
    );
  },
});

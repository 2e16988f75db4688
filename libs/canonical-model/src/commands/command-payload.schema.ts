import { z } from 'zod';
import { addressSchema } from '../common/address.schema';
import { emailAddressSchema } from '../common/contact-point.schema';
import { checkWindowOrder } from '../common/consistency.util';
import { customFieldsSchema, tagsSchema } from '../common/tags.schema';
import { dateSchema, timestampSchema } from '../common/timestamp.schema';
import {
  contentTypeSchema,
  sha256HexSchema,
  ATTACHMENT_KINDS,
  ATTACHMENT_PARENT_TYPES,
} from '../attachment/attachment.schema';
import { idSchemas } from '../ids/canonical-id.schema';
import { parseCanonicalId } from '../ids/canonical-id.util';
import { prioritySchema } from '../job/job.schema';
import { quantitySchema } from '../line-item/line-item.schema';
import {
  checkMoneyPrecision,
  currencySchema,
  moneyAmountSchema,
  nonNegativeMoneyAmountSchema,
  positiveMoneyAmountSchema,
} from '../money/money.schema';
import { cardSafeTextSchema, last4Schema, paymentMethodSchema } from '../payment/payment.schema';
import { createHash } from 'node:crypto';

/**
 * Command payloads. Every object is strict: an unknown field is rejected (a typo such as `tipAmmount` or
 * a forbidden `cardNumber` must never be silently dropped). Money amounts are major-unit numbers exact to
 * the payload's `currency`. Relations are canonical ids.
 */
const shortText = z.string().trim().min(1).max(1000);
const longText = z.string().max(20_000);

export const commandLineItemSchema = z.strictObject({
  pricebookItemId: idSchemas.pricebook_item.optional(),
  sku: z.string().max(200).optional(),
  name: z.string().max(500).optional(),
  description: z.string().max(5000),
  quantity: quantitySchema.refine((q) => q > 0, 'quantity must be greater than zero'),
  unitPrice: moneyAmountSchema,
  taxable: z.boolean().optional(),
  taxCode: z.string().max(100).optional(),
});

export const appointmentWindowSchema = z
  .strictObject({
    scheduledStart: timestampSchema,
    scheduledEnd: timestampSchema.optional(),
    durationMinutes: z
      .int()
      .min(1)
      .max(60 * 24 * 14)
      .optional(),
    arrivalWindowStart: timestampSchema.optional(),
    arrivalWindowEnd: timestampSchema.optional(),
  })
  .superRefine((window, ctx) => {
    if ((window.scheduledEnd === undefined) === (window.durationMinutes === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of scheduledEnd or durationMinutes',
        path: ['scheduledEnd'],
      });
    }
    checkWindowOrder(ctx, window, 'scheduledStart', 'scheduledEnd');
    checkWindowOrder(ctx, window, 'arrivalWindowStart', 'arrivalWindowEnd');
    if ((window.arrivalWindowStart === undefined) !== (window.arrivalWindowEnd === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'arrivalWindowStart and arrivalWindowEnd go together',
        path: ['arrivalWindowEnd'],
      });
    }
  });

const uniqueTechnicianIds = z
  .array(idSchemas.technician)
  .refine((ids) => new Set(ids).size === ids.length, 'technicianIds must not repeat');

export const discountInputSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('percent'),
    percent: z.number().gt(0).max(100),
    name: z.string().max(200).optional(),
  }),
  z.strictObject({
    type: z.literal('amount'),
    amount: positiveMoneyAmountSchema,
    name: z.string().max(200).optional(),
  }),
]);

export const taxInputSchema = z.strictObject({
  name: z.string().min(1).max(200),
  ratePercent: z.number().min(0).max(100),
});

export const clientCreatePayloadSchema = z.strictObject({
  displayName: shortText,
  firstName: z.string().max(200).optional(),
  lastName: z.string().max(200).optional(),
  companyName: z.string().max(500).optional(),
  type: z.enum(['residential', 'commercial']).optional(),
  primaryContact: z
    .strictObject({
      name: shortText,
      email: emailAddressSchema.optional(),
      phone: z.string().min(3).max(64).optional(),
    })
    .optional(),
  billingAddress: addressSchema.optional(),
  locations: z
    .array(z.strictObject({ name: z.string().max(500).optional(), address: addressSchema }))
    .max(50)
    .optional(),
  tags: tagsSchema.optional(),
  customFields: customFieldsSchema.optional(),
  marketingOptIn: z.boolean().optional(),
  notes: longText.optional(),
});

/**
 * A lead: a prospective job from a missed call, a web form or an ad, before it is a client's job. Who
 * (a name or a company) and how to reach them (a phone or an email) are required; the rest is optional.
 */
export const leadCreatePayloadSchema = z
  .strictObject({
    firstName: z.string().trim().max(200).optional(),
    lastName: z.string().trim().max(200).optional(),
    companyName: z.string().trim().max(500).optional(),
    email: emailAddressSchema.optional(),
    phone: z.string().min(3).max(64).optional(),
    address: addressSchema.optional(),
    /** An existing client the lead comes from. */
    customerId: idSchemas.customer.optional(),
    /** The kind of work asked for (a job type of the vendor). */
    jobType: z.string().trim().min(1).max(200),
    /** Where the lead came from: `Phone call`, `Website form`, an ad campaign … */
    source: z.string().trim().min(1).max(200).optional(),
    /** When the caller would like the work done. */
    requestedStart: timestampSchema.optional(),
    summary: longText.optional(),
    tags: tagsSchema.optional(),
  })
  .superRefine((lead, ctx) => {
    if (!lead.firstName && !lead.lastName && !lead.companyName) {
      ctx.addIssue({ code: 'custom', message: 'a lead needs a name or a company', path: ['firstName'] });
    }
    if (!lead.phone && !lead.email) {
      ctx.addIssue({ code: 'custom', message: 'a lead needs a phone or an email', path: ['phone'] });
    }
  });

export const jobCreatePayloadSchema = z
  .strictObject({
    customerId: idSchemas.customer,
    locationId: idSchemas.location.optional(),
    serviceAddress: addressSchema.optional(),
    title: shortText,
    description: longText.optional(),
    jobType: z.string().max(200).optional(),
    priority: prioritySchema.optional(),
    source: z.string().max(200).optional(),
    businessUnit: z.string().max(200).optional(),
    appointment: appointmentWindowSchema.optional(),
    technicianIds: uniqueTechnicianIds.optional(),
    allowOverlap: z.boolean().optional(),
    currency: currencySchema.optional(),
    lineItems: z.array(commandLineItemSchema).max(500).optional(),
    tags: tagsSchema.optional(),
    customFields: customFieldsSchema.optional(),
    notes: longText.optional(),
  })
  .superRefine((payload, ctx) => {
    if (payload.locationId === undefined && payload.serviceAddress === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give locationId or serviceAddress', path: ['locationId'] });
    }
    if (payload.technicianIds?.length && payload.appointment === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'technicianIds need an appointment window',
        path: ['appointment'],
      });
    }
    if (payload.lineItems?.length && payload.currency === undefined) {
      ctx.addIssue({ code: 'custom', message: 'currency is required with lineItems', path: ['currency'] });
    } else {
      checkMoneyPrecision(payload, ctx);
    }
  });

/**
 * Technician assignment in a dispatch: `assign` adds, `unassign` removes, `replace` sets the exact crew
 * (reassign; an empty list unassigns everyone).
 */
export const technicianAssignmentSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('assign'), technicianIds: uniqueTechnicianIds.min(1) }),
  z.strictObject({ mode: z.literal('unassign'), technicianIds: uniqueTechnicianIds.min(1) }),
  z.strictObject({ mode: z.literal('replace'), technicianIds: uniqueTechnicianIds }),
]);

export const jobDispatchPayloadSchema = z
  .strictObject({
    jobId: idSchemas.job,
    /** The visit to dispatch; omitted = the job's only (or next upcoming) appointment. */
    appointmentId: idSchemas.appointment.optional(),
    technicians: technicianAssignmentSchema.optional(),
    /** Set or move the window. */
    window: appointmentWindowSchema.optional(),
    /** false (default): the writer rejects with schedule_conflict when a technician is double-booked. */
    allowOverlap: z.boolean().default(false),
    notifyCustomer: z.boolean().optional(),
  })
  .superRefine((payload, ctx) => {
    if (payload.technicians === undefined && payload.window === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give technicians, window, or both', path: ['technicians'] });
    }
  });

export const JOB_STATUS_UPDATE_TARGETS = [
  'dispatched',
  'en_route',
  'on_site',
  'in_progress',
  'on_hold',
  'completed',
  'canceled',
] as const;

export const jobStatusUpdatePayloadSchema = z
  .strictObject({
    jobId: idSchemas.job,
    appointmentId: idSchemas.appointment.optional(),
    status: z.enum(JOB_STATUS_UPDATE_TARGETS),
    reason: z.string().min(1).max(1000).optional(),
    occurredAt: timestampSchema.optional(),
    note: longText.optional(),
  })
  .superRefine((payload, ctx) => {
    if ((payload.status === 'canceled' || payload.status === 'on_hold') && payload.reason === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `a reason is required for ${payload.status}`,
        path: ['reason'],
      });
    }
  });

export const sendOptionsSchema = z.strictObject({
  email: z.boolean(),
  recipients: z.array(emailAddressSchema).max(20).optional(),
  sms: z.boolean().optional(),
});

export const quoteCreatePayloadSchema = z
  .strictObject({
    customerId: idSchemas.customer,
    locationId: idSchemas.location.optional(),
    jobId: idSchemas.job.optional(),
    title: z.string().max(1000).optional(),
    currency: currencySchema,
    validUntil: dateSchema.optional(),
    lineItems: z.array(commandLineItemSchema).min(1).max(500),
    discount: discountInputSchema.optional(),
    taxes: z.array(taxInputSchema).max(10).optional(),
    notes: longText.optional(),
    send: sendOptionsSchema.optional(),
    attachmentIds: z.array(idSchemas.attachment).max(50).optional(),
  })
  .superRefine(checkMoneyPrecision);

export const quoteConvertPayloadSchema = z.strictObject({
  estimateId: idSchemas.estimate,
  /** For multi-option estimates: the option's externalId; omitted = the approved option. */
  optionExternalId: z.string().min(1).max(512).optional(),
  appointment: appointmentWindowSchema.optional(),
  technicianIds: uniqueTechnicianIds.optional(),
});

export const invoiceCreatePayloadSchema = z
  .strictObject({
    jobId: idSchemas.job,
    currency: currencySchema,
    lineItems: z.array(commandLineItemSchema).min(1).max(500),
    discounts: z.array(discountInputSchema).max(10).optional(),
    taxes: z.array(taxInputSchema).max(10).optional(),
    issuedDate: dateSchema.optional(),
    dueDate: dateSchema.optional(),
    memo: cardSafeTextSchema.optional(),
    send: sendOptionsSchema.optional(),
  })
  .superRefine(checkMoneyPrecision);

export const paymentRecordPayloadSchema = z
  .strictObject({
    invoiceId: idSchemas.invoice,
    currency: currencySchema,
    amount: positiveMoneyAmountSchema,
    tipAmount: nonNegativeMoneyAmountSchema.optional(),
    method: paymentMethodSchema,
    collectedAt: timestampSchema.optional(),
    processor: z.string().max(100).optional(),
    externalTransactionId: cardSafeTextSchema.optional(),
    /** Only ever the last four digits; a full card number is rejected (and `cardNumber` is unknown). */
    cardLast4: last4Schema.optional(),
    cardBrand: z.string().max(50).optional(),
    checkNumber: z.string().max(50).optional(),
    memo: cardSafeTextSchema.optional(),
  })
  .superRefine((payload, ctx) => {
    checkMoneyPrecision(payload, ctx);
    if ((payload.cardLast4 !== undefined || payload.cardBrand !== undefined) && payload.method !== 'card') {
      ctx.addIssue({
        code: 'custom',
        message: 'card details are only allowed when method is card',
        path: ['cardLast4'],
      });
    }
    if (payload.checkNumber !== undefined && payload.method !== 'check') {
      ctx.addIssue({
        code: 'custom',
        message: 'checkNumber is only allowed when method is check',
        path: ['checkNumber'],
      });
    }
  });

export const paymentRefundPayloadSchema = z
  .strictObject({
    paymentId: idSchemas.payment,
    currency: currencySchema,
    amount: positiveMoneyAmountSchema,
    reason: cardSafeTextSchema.optional(),
    externalTransactionId: cardSafeTextSchema.optional(),
  })
  .superRefine(checkMoneyPrecision);

/** Inline content is capped so a command fits a NATS message; larger files come by URL. */
export const MAX_INLINE_ATTACHMENT_BYTES = 512 * 1024;

export const attachmentContentSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('url'), url: z.url({ protocol: /^https$/ }) }),
  z.strictObject({ kind: z.literal('inline'), base64: z.base64() }),
]);

export const attachmentUploadPayloadSchema = z
  .strictObject({
    parentType: z.enum(ATTACHMENT_PARENT_TYPES),
    parentId: z.string(),
    kind: z.enum(ATTACHMENT_KINDS).default('document'),
    fileName: z
      .string()
      .min(1)
      .max(255)
      .refine((name) => !/[/\\\0]/.test(name), 'fileName must not contain path separators'),
    contentType: contentTypeSchema,
    sizeBytes: z
      .int()
      .min(0)
      .max(100 * 1024 * 1024),
    checksumSha256: sha256HexSchema,
    content: attachmentContentSchema,
  })
  .superRefine((payload, ctx) => {
    if (parseCanonicalId(payload.parentId)?.entity !== payload.parentType) {
      ctx.addIssue({
        code: 'custom',
        message: `parentId must be a canonical ${payload.parentType} id`,
        path: ['parentId'],
      });
    }
    if (payload.content.kind === 'inline') {
      const bytes = Buffer.from(payload.content.base64, 'base64');
      if (bytes.length > MAX_INLINE_ATTACHMENT_BYTES) {
        ctx.addIssue({
          code: 'custom',
          message: 'inline content is over 512 KiB; upload by url',
          path: ['content', 'base64'],
        });
      } else if (bytes.length !== payload.sizeBytes) {
        ctx.addIssue({
          code: 'custom',
          message: `sizeBytes is ${payload.sizeBytes} but content has ${bytes.length} bytes`,
          path: ['sizeBytes'],
        });
      } else if (createHash('sha256').update(bytes).digest('hex') !== payload.checksumSha256) {
        ctx.addIssue({
          code: 'custom',
          message: 'checksumSha256 does not match the content',
          path: ['checksumSha256'],
        });
      }
    }
  });

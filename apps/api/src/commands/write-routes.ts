import {
  JOB_STATUS_UPDATE_TARGETS,
  PAYMENT_METHODS,
  type CommandType,
  type EntityType,
} from '@fieldsync/canonical-model';
import { z } from 'zod';
import {
  addressFromInput,
  addressInputSchema,
  dateInput,
  defined,
  lineFromInput,
  lineItemInputSchema,
  timestampInput,
} from './write-body.schemas';

type Body = Record<string, unknown>;
type Params = Record<string, string>;

/** What the api knows when it answers a succeeded command. */
export interface AnswerContext {
  /** The command's result data (ids it created or touched). */
  readonly result: Record<string, unknown>;
  readonly completedAt: string;
  /** The stored canonical document of the resource the answer is about, when the store has it. */
  readonly stored: Record<string, unknown> | undefined;
  /** The stored appointment the command created or moved (`result.appointmentId`), when there is one. */
  readonly appointment: Record<string, unknown> | undefined;
}

/**
 * One write route of the product pages: its request body (the pages' field names), the command it becomes
 * (the payload mapping), the stored record that names its connection, and the answer built from the
 * command's result. A REST call and a NATS command are the same operation: same payload, same writer.
 */
export interface WriteRoute {
  readonly operationId: string;
  readonly method: 'POST' | 'PATCH';
  /** OpenAPI path (`/jobs/{jobId}/dispatch`); `/connections/{connectionId}` prefixes routes without an owner. */
  readonly path: string;
  /**
   * The product page's path of a route without an owner (`POST /clients`): its connection is the session
   * token's own, or the tenant's only one (else 400 naming `connectionId`).
   */
  readonly unprefixed?: { readonly path: string; readonly operationId: string };
  readonly summary: string;
  readonly type: CommandType;
  readonly body: z.ZodType;
  /** The record whose connection the command goes to, or null: the route names its connection. */
  readonly owner: { readonly entity: EntityType; readonly id: (params: Params, body: Body) => string } | null;
  /** The command payload; `owner` is the owner's stored document (for its currency ...). */
  payload(body: Body, params: Params, owner: Record<string, unknown> | undefined): Record<string, unknown>;
  /** Payload field → request field, where the names differ (`customerId` → `clientId`). */
  readonly renamed?: Readonly<Record<string, string>>;
  /** The resource the answer describes (its entity and the result field holding its id). */
  readonly answers: { readonly entity: EntityType; readonly idField: string };
  readonly status: 200 | 201;
  readonly response: z.ZodType;
  answer(context: AnswerContext): Record<string, unknown>;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

const clientBody = z
  .strictObject({
    displayName: z.string().trim().min(1, 'must not be empty').max(1000),
    organizationName: z.string().max(500).optional(),
    firstName: z.string().max(200).optional(),
    lastName: z.string().max(200).optional(),
    type: z.enum(['residential', 'commercial']).optional(),
    primaryContact: z
      .strictObject({
        name: z.string().min(1).max(1000),
        email: z.string().max(320).optional(),
        phone: z.string().max(64).optional(),
      })
      .optional(),
    billingAddress: addressInputSchema.optional(),
    properties: z
      .array(z.strictObject({ label: z.string().max(500).optional(), address: addressInputSchema }))
      .max(50)
      .optional(),
    tags: z.array(z.string().min(1).max(100)).max(50).optional(),
    marketingOptIn: z.boolean().optional(),
    notes: z.string().max(20_000).optional(),
  })
  .meta({ id: 'CreateClientRequest' });

const jobBody = z
  .strictObject({
    clientId: z.string().min(1).max(200),
    propertyId: z.string().min(1).max(200).optional(),
    serviceAddress: addressInputSchema.optional(),
    title: z.string().trim().min(1, 'must not be empty').max(1000),
    description: z.string().max(20_000).optional(),
    scheduledStart: timestampInput.optional(),
    scheduledEnd: timestampInput.optional(),
    durationMinutes: z.int().min(1).max(20_160).optional(),
    assignedTechnicianIds: z.array(z.string().min(1).max(200)).max(20).optional(),
    jobType: z.string().max(200).optional(),
    source: z.string().max(200).optional(),
    priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
    lineItems: z.array(lineItemInputSchema).max(500).optional(),
    tags: z.array(z.string().min(1).max(100)).max(50).optional(),
    customFields: z
      .record(z.string().max(200), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
      .optional(),
    notes: z.string().max(20_000).optional(),
  })
  .meta({ id: 'CreateJobRequest' });

const windowOf = (body: Body): Record<string, unknown> | undefined =>
  body['scheduledStart'] === undefined
    ? undefined
    : defined({
        scheduledStart: body['scheduledStart'],
        scheduledEnd: body['scheduledEnd'],
        durationMinutes: body['durationMinutes'],
      });

const dispatchBody = z
  .strictObject({
    assignedTechnicianIds: z.array(z.string().min(1).max(200)).max(20).optional(),
    mode: z.enum(['replace', 'assign', 'unassign']).optional(),
    appointmentId: z.string().min(1).max(200).optional(),
    scheduledStart: timestampInput.optional(),
    scheduledEnd: timestampInput.optional(),
    durationMinutes: z.int().min(1).max(20_160).optional(),
    allowOverlap: z.boolean().optional(),
    notifyCustomer: z.boolean().optional(),
  })
  .meta({ id: 'DispatchJobRequest' });

const statusBody = z
  .strictObject({
    status: z.enum(JOB_STATUS_UPDATE_TARGETS),
    reason: z.string().min(1).max(1000).optional(),
    occurredAt: timestampInput.optional(),
    note: z.string().max(20_000).optional(),
    appointmentId: z.string().min(1).max(200).optional(),
  })
  .meta({ id: 'UpdateJobStatusRequest' });

const discountInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('percent'), value: z.number(), name: z.string().max(200).optional() }),
  z.strictObject({ type: z.literal('amount'), value: z.number(), name: z.string().max(200).optional() }),
]);
const discountOf = (d: z.output<typeof discountInput>) =>
  defined(
    d.type === 'percent'
      ? { type: 'percent', percent: d.value, name: d.name }
      : { type: 'amount', amount: d.value, name: d.name },
  );
const taxInput = z.strictObject({ name: z.string().min(1).max(200), ratePercent: z.number() });
const sendInput = z.strictObject({
  email: z.boolean(),
  recipients: z.array(z.string().max(320)).max(20).optional(),
  sms: z.boolean().optional(),
});

const quoteBody = z
  .strictObject({
    clientId: z.string().min(1).max(200),
    propertyId: z.string().min(1).max(200).optional(),
    jobId: z.string().min(1).max(200).optional(),
    title: z.string().max(1000).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
      .optional(),
    validUntil: dateInput.optional(),
    lineItems: z.array(lineItemInputSchema).min(1).max(500),
    discount: discountInput.optional(),
    taxes: z.array(taxInput).max(10).optional(),
    notes: z.string().max(20_000).optional(),
    sendOptions: sendInput.optional(),
  })
  .meta({ id: 'CreateQuoteRequest' });

const convertBody = z
  .strictObject({
    optionId: z.string().min(1).max(512).optional(),
    scheduledStart: timestampInput.optional(),
    scheduledEnd: timestampInput.optional(),
    durationMinutes: z.int().min(1).max(20_160).optional(),
    assignedTechnicianIds: z.array(z.string().min(1).max(200)).max(20).optional(),
  })
  .meta({ id: 'ConvertQuoteRequest' });

const invoiceBody = z
  .strictObject({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
      .optional(),
    lineItems: z.array(lineItemInputSchema).min(1).max(500),
    discounts: z.array(discountInput).max(10).optional(),
    taxes: z.array(taxInput).max(10).optional(),
    issuedDate: dateInput.optional(),
    dueDate: dateInput.optional(),
    memo: z.string().max(20_000).optional(),
    sendOptions: sendInput.optional(),
  })
  .meta({ id: 'CreateInvoiceRequest' });

const paymentBody = z
  .strictObject({
    amount: z.number(),
    method: z.enum(PAYMENT_METHODS),
    tipAmount: z.number().optional(),
    collectedAt: timestampInput.optional(),
    processor: z.string().max(100).optional(),
    externalTransactionId: z.string().max(20_000).optional(),
    cardLast4: z.string().optional(),
    cardBrand: z.string().max(50).optional(),
    checkNumber: z.string().max(50).optional(),
    memo: z.string().max(20_000).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
      .optional(),
  })
  .meta({ id: 'RecordPaymentRequest' });

const refundBody = z
  .strictObject({
    amount: z.number(),
    reason: z.string().max(20_000).optional(),
    externalTransactionId: z.string().max(20_000).optional(),
  })
  .meta({ id: 'RefundPaymentRequest' });

const currencyOf = (body: Body, owner: Record<string, unknown> | undefined): unknown =>
  body['currency'] ?? owner?.['currency'];

export const WRITE_ROUTES: readonly WriteRoute[] = [
  {
    operationId: 'createClient',
    method: 'POST',
    path: '/connections/{connectionId}/clients',
    unprefixed: { path: '/clients', operationId: 'createClientOfTheConnection' },
    summary: 'Create a client with a primary contact and properties',
    type: 'client.create',
    body: clientBody,
    owner: null,
    renamed: { companyName: 'organizationName', locations: 'properties' },
    payload: (b) => {
      const body = b as z.output<typeof clientBody>;
      return defined({
        displayName: body.displayName,
        companyName: body.organizationName,
        firstName: body.firstName,
        lastName: body.lastName,
        type: body.type,
        primaryContact: body.primaryContact && defined(body.primaryContact),
        billingAddress: body.billingAddress && addressFromInput(body.billingAddress),
        locations: body.properties?.map((p) =>
          defined({ name: p.label, address: addressFromInput(p.address) }),
        ),
        tags: body.tags,
        marketingOptIn: body.marketingOptIn,
        notes: body.notes,
      });
    },
    answers: { entity: 'customer', idField: 'customerId' },
    status: 201,
    response: z
      .strictObject({
        clientId: z.string(),
        status: z.literal('created'),
        defaultPropertyId: z.string().nullable(),
        createdAt: z.string(),
      })
      .meta({ id: 'CreatedClient' }),
    answer: ({ result, completedAt, stored }) => ({
      clientId: String(result['customerId']),
      status: 'created',
      defaultPropertyId:
        str(stored?.['defaultLocationId']) ?? str((result['locationIds'] as unknown[] | undefined)?.[0]),
      createdAt: completedAt,
    }),
  },
  {
    operationId: 'createJob',
    method: 'POST',
    path: '/jobs',
    summary: 'Create a job for a client, optionally with technicians and a time window',
    type: 'job.create',
    body: jobBody,
    owner: { entity: 'customer', id: (_, body) => String(body['clientId']) },
    renamed: {
      customerId: 'clientId',
      locationId: 'propertyId',
      technicianIds: 'assignedTechnicianIds',
      'appointment.scheduledStart': 'scheduledStart',
      'appointment.scheduledEnd': 'scheduledEnd',
      'appointment.durationMinutes': 'durationMinutes',
      // the api adds the client's currency to priced lines: a refusal of it is one of the lines
      currency: 'lineItems',
    },
    payload: (b, _, owner) => {
      const body = b as z.output<typeof jobBody>;
      return defined({
        customerId: body.clientId,
        locationId: body.propertyId,
        serviceAddress: body.serviceAddress && addressFromInput(body.serviceAddress),
        title: body.title,
        description: body.description,
        jobType: body.jobType,
        priority: body.priority,
        source: body.source,
        appointment: windowOf(body),
        technicianIds: body.assignedTechnicianIds,
        currency: body.lineItems ? owner?.['currency'] : undefined,
        lineItems: body.lineItems?.map(lineFromInput),
        tags: body.tags,
        customFields: body.customFields,
        notes: body.notes,
      });
    },
    answers: { entity: 'job', idField: 'jobId' },
    status: 201,
    response: z
      .strictObject({
        jobId: z.string(),
        number: z.string().nullable(),
        status: z.string(),
        scheduledStart: z.string().nullable(),
        createdAt: z.string(),
        links: z.strictObject({ self: z.string() }),
      })
      .meta({ id: 'CreatedJob' }),
    answer: ({ result, completedAt, stored, appointment }) => ({
      jobId: String(result['jobId']),
      number: str(stored?.['number']) ?? str(result['number']),
      status: str(stored?.['status']) ?? (result['appointmentId'] ? 'scheduled' : 'unscheduled'),
      scheduledStart: str(stored?.['scheduledStart']) ?? str(appointment?.['scheduledStart']),
      createdAt: completedAt,
      links: { self: `/jobs/${String(result['jobId'])}` },
    }),
  },
  {
    operationId: 'dispatchJob',
    method: 'PATCH',
    path: '/jobs/{jobId}/dispatch',
    summary: 'Assign or reassign technicians and set the scheduled window',
    type: 'job.dispatch',
    body: dispatchBody,
    owner: { entity: 'job', id: (params) => params['jobId'] ?? '' },
    renamed: {
      technicians: 'assignedTechnicianIds',
      'technicians.technicianIds': 'assignedTechnicianIds',
      window: 'scheduledStart',
      'window.scheduledStart': 'scheduledStart',
      'window.scheduledEnd': 'scheduledEnd',
      'window.durationMinutes': 'durationMinutes',
    },
    payload: (b, params) => {
      const body = b as z.output<typeof dispatchBody>;
      return defined({
        jobId: params['jobId'],
        appointmentId: body.appointmentId,
        technicians:
          body.assignedTechnicianIds === undefined
            ? undefined
            : { mode: body.mode ?? 'replace', technicianIds: body.assignedTechnicianIds },
        window: windowOf(body),
        allowOverlap: body.allowOverlap,
        notifyCustomer: body.notifyCustomer,
      });
    },
    answers: { entity: 'job', idField: 'jobId' },
    status: 200,
    response: z
      .strictObject({
        jobId: z.string(),
        appointmentId: z.string(),
        status: z.string().nullable(),
        assignedTechnicianIds: z.array(z.string()),
        scheduledStart: z.string().nullable(),
        scheduledEnd: z.string().nullable(),
      })
      .meta({ id: 'DispatchedJob' }),
    answer: ({ result, stored }) => ({
      jobId: String(result['jobId']),
      appointmentId: String(result['appointmentId']),
      status: str(stored?.['status']),
      assignedTechnicianIds: result['technicianIds'] ?? [],
      scheduledStart: str(result['scheduledStart']),
      scheduledEnd: str(result['scheduledEnd']),
    }),
  },
  {
    operationId: 'updateJobStatus',
    method: 'POST',
    path: '/jobs/{jobId}/status',
    summary: 'Move a job to another status',
    type: 'job.status.update',
    body: statusBody,
    owner: { entity: 'job', id: (params) => params['jobId'] ?? '' },
    payload: (b, params) => defined({ jobId: params['jobId'], ...b }),
    answers: { entity: 'job', idField: 'jobId' },
    status: 200,
    response: z
      .strictObject({ jobId: z.string(), status: z.string(), vendorStatus: z.string() })
      .meta({ id: 'JobStatusChanged' }),
    answer: ({ result }) => ({
      jobId: String(result['jobId']),
      status: String(result['status']),
      vendorStatus: String(result['vendorStatus']),
    }),
  },
  {
    operationId: 'createQuote',
    method: 'POST',
    path: '/quotes',
    summary: 'Create a quote for a client and property with line items, taxes and send options',
    type: 'quote.create',
    body: quoteBody,
    owner: { entity: 'customer', id: (_, body) => String(body['clientId']) },
    renamed: { customerId: 'clientId', locationId: 'propertyId', send: 'sendOptions' },
    payload: (b, _, owner) => {
      const body = b as z.output<typeof quoteBody>;
      return defined({
        customerId: body.clientId,
        locationId: body.propertyId,
        jobId: body.jobId,
        title: body.title,
        currency: currencyOf(body, owner),
        validUntil: body.validUntil,
        lineItems: body.lineItems.map(lineFromInput),
        discount: body.discount && discountOf(body.discount),
        taxes: body.taxes,
        notes: body.notes,
        send: body.sendOptions && defined(body.sendOptions),
      });
    },
    answers: { entity: 'estimate', idField: 'estimateId' },
    status: 201,
    response: z
      .strictObject({
        quoteId: z.string(),
        number: z.string().nullable(),
        status: z.string(),
        subtotal: z.number().nullable(),
        discount: z.number().nullable(),
        tax: z.number().nullable(),
        total: z.number(),
        currency: z.string(),
        documentUrl: z.string().nullable(),
        createdAt: z.string(),
      })
      .meta({ id: 'CreatedQuote' }),
    answer: ({ result, completedAt, stored }) => ({
      quoteId: String(result['estimateId']),
      number: str(stored?.['number']) ?? str(result['number']),
      status: str(stored?.['status']) ?? 'draft',
      subtotal: num(stored?.['subtotal']),
      discount: num(stored?.['discount']),
      tax: num(stored?.['tax']),
      total: num(result['total']) ?? 0,
      currency: String(result['currency']),
      documentUrl: str(stored?.['documentUrl']),
      createdAt: completedAt,
    }),
  },
  {
    operationId: 'convertQuote',
    method: 'POST',
    path: '/quotes/{quoteId}/convert',
    summary: 'Convert an approved quote into a job',
    type: 'quote.convert',
    body: convertBody,
    owner: { entity: 'estimate', id: (params) => params['quoteId'] ?? '' },
    renamed: { optionExternalId: 'optionId', technicianIds: 'assignedTechnicianIds' },
    payload: (b, params) => {
      const body = b as z.output<typeof convertBody>;
      return defined({
        estimateId: params['quoteId'],
        optionExternalId: body.optionId,
        appointment: windowOf(body),
        technicianIds: body.assignedTechnicianIds,
      });
    },
    answers: { entity: 'job', idField: 'jobId' },
    status: 201,
    response: z
      .strictObject({ quoteId: z.string(), jobId: z.string(), status: z.string().nullable() })
      .meta({ id: 'ConvertedQuote' }),
    answer: ({ result, stored }) => ({
      quoteId: String(result['estimateId']),
      jobId: String(result['jobId']),
      status: str(stored?.['status']),
    }),
  },
  {
    operationId: 'createInvoice',
    method: 'POST',
    path: '/jobs/{jobId}/invoices',
    summary: 'Create an invoice for a job with line items, taxes and discounts',
    type: 'invoice.create',
    body: invoiceBody,
    owner: { entity: 'job', id: (params) => params['jobId'] ?? '' },
    renamed: { send: 'sendOptions' },
    payload: (b, params, owner) => {
      const body = b as z.output<typeof invoiceBody>;
      return defined({
        jobId: params['jobId'],
        currency: currencyOf(body, owner),
        lineItems: body.lineItems.map(lineFromInput),
        discounts: body.discounts?.map(discountOf),
        taxes: body.taxes,
        issuedDate: body.issuedDate,
        dueDate: body.dueDate,
        memo: body.memo,
        send: body.sendOptions && defined(body.sendOptions),
      });
    },
    answers: { entity: 'invoice', idField: 'invoiceId' },
    status: 201,
    response: z
      .strictObject({
        invoiceId: z.string(),
        number: z.string().nullable(),
        status: z.string().nullable(),
        total: z.number(),
        balance: z.number(),
        currency: z.string(),
        createdAt: z.string(),
      })
      .meta({ id: 'CreatedInvoice' }),
    answer: ({ result, completedAt, stored }) => ({
      invoiceId: String(result['invoiceId']),
      number: str(stored?.['number']) ?? str(result['number']),
      status: str(stored?.['status']),
      total: num(result['total']) ?? 0,
      balance: num(result['balance']) ?? 0,
      currency: String(result['currency']),
      createdAt: completedAt,
    }),
  },
  {
    operationId: 'recordPayment',
    method: 'POST',
    path: '/invoices/{invoiceId}/payments',
    summary: 'Record a payment against an invoice (card capture, cash, check or an external processor)',
    type: 'payment.record',
    body: paymentBody,
    owner: { entity: 'invoice', id: (params) => params['invoiceId'] ?? '' },
    payload: (b, params, owner) =>
      defined({ invoiceId: params['invoiceId'], ...b, currency: currencyOf(b, owner) }),
    answers: { entity: 'payment', idField: 'paymentId' },
    status: 201,
    response: z
      .strictObject({
        paymentId: z.string(),
        status: z.string(),
        invoiceId: z.string(),
        totalApplied: z.number(),
        balanceRemaining: z.number(),
        currency: z.string(),
        createdAt: z.string(),
      })
      .meta({ id: 'RecordedPayment' }),
    answer: ({ result, completedAt }) => ({
      paymentId: String(result['paymentId']),
      status: String(result['status']),
      invoiceId: String(result['invoiceId']),
      totalApplied: num(result['amountApplied']) ?? 0,
      balanceRemaining: num(result['balanceRemaining']) ?? 0,
      currency: String(result['currency']),
      createdAt: completedAt,
    }),
  },
  {
    operationId: 'refundPayment',
    method: 'POST',
    path: '/payments/{paymentId}/refunds',
    summary: 'Refund a payment (where the vendor allows it; refused naming why elsewhere)',
    type: 'payment.refund',
    body: refundBody,
    owner: { entity: 'payment', id: (params) => params['paymentId'] ?? '' },
    payload: (b, params, owner) =>
      defined({ paymentId: params['paymentId'], ...b, currency: owner?.['currency'] }),
    answers: { entity: 'refund', idField: 'refundId' },
    status: 201,
    response: z
      .strictObject({
        refundId: z.string(),
        paymentId: z.string(),
        status: z.string(),
        amount: z.number(),
        currency: z.string(),
        createdAt: z.string(),
      })
      .meta({ id: 'CreatedRefund' }),
    answer: ({ result, completedAt }) => ({
      refundId: String(result['refundId']),
      paymentId: String(result['paymentId']),
      status: String(result['status']),
      amount: num(result['amount']) ?? 0,
      currency: String(result['currency']),
      createdAt: completedAt,
    }),
  },
];

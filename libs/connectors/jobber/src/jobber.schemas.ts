import { z } from 'zod';

/*
 * Wire shapes of the Jobber portal session endpoints the auth flow reads. Not strict: these answers
 * carry more than the flow needs, and an extra field is not drift that matters here.
 */

/** `GET /api/whoami`: who the session acts as, and the session's own clock. */
export const jobberWhoamiSchema = z.object({
  user: z.object({
    id: z.string().min(1),
    username: z.string().min(1),
    displayName: z.string().min(1),
    role: z.string().min(1),
  }),
  session: z
    .object({
      createdAt: z.iso.datetime({ offset: true }),
      idleExpiresAt: z.iso.datetime({ offset: true }),
    })
    .nullish(),
});
export type JobberWhoami = z.infer<typeof jobberWhoamiSchema>;

/** `GET /api/csrf`: the token `POST /api/graphql` sends as `x-csrf-token`. */
export const jobberCsrfSchema = z.object({ csrfToken: z.string().min(1) });

/*
 * Wire shapes of the GraphQL data the readers select (vendors.md §2). Record schemas are `.strict()`:
 * an unknown key in a node means Jobber renamed or added a field under us (drift), and that node is
 * quarantined while the rest of its page maps. Envelopes (connections, pageInfo, errors, extensions) are
 * loose: they carry no record data. Nested connections that belong to a record (line items, a visit's
 * users) are strict too; the ones that yield records of their own are split off by the readers first.
 */

/** `ISO8601DateTime`: seconds precision with the account's UTC offset. */
const jobberDateTime = z.iso.datetime({ offset: true });
/** `EncodedId`: base64 of `gid://Jobber/<Type>/<id>`, kept as is as the externalId. */
const encodedId = z.string().min(1);
const ref = z.strictObject({ id: encodedId });

/** Relay page info as the readers select it. */
export const jobberPageInfoSchema = z.object({
  hasNextPage: z.boolean(),
  endCursor: z.string().nullable(),
});
export type JobberPageInfo = z.infer<typeof jobberPageInfoSchema>;

/** A connection envelope: nodes are validated one by one (a bad node is drift, not a failed page). */
export const jobberConnectionSchema = z.object({
  nodes: z.array(z.unknown()),
  pageInfo: jobberPageInfoSchema,
  /** Selected on the readers' root connections only (the backfill's ETA). */
  totalCount: z.number().int().nonnegative().optional(),
});
export type JobberConnection = z.infer<typeof jobberConnectionSchema>;

/** A nested connection that is part of its record. */
const nestedConnection = <T extends z.ZodType>(node: T) =>
  z.strictObject({ nodes: z.array(node), pageInfo: jobberPageInfoSchema.strict() });

/** `extensions.cost` of every answer. */
export const jobberCostSchema = z.object({
  requestedQueryCost: z.number(),
  actualQueryCost: z.number(),
  throttleStatus: z.object({
    maximumAvailable: z.number(),
    currentlyAvailable: z.number(),
    restoreRate: z.number().positive(),
  }),
});
export type JobberCost = z.infer<typeof jobberCostSchema>;

/** The body of `POST /api/graphql`. */
export const jobberGraphqlAnswerSchema = z.object({
  data: z.record(z.string(), z.unknown()).nullish(),
  errors: z
    .array(
      z.object({
        message: z.string(),
        extensions: z.object({ code: z.string().optional() }).loose().optional(),
      }),
    )
    .optional(),
  extensions: z.object({ cost: jobberCostSchema.optional() }).loose().optional(),
});
export type JobberGraphqlAnswer = z.infer<typeof jobberGraphqlAnswerSchema>;

const addressFields = {
  street: z.string().nullable(),
  street1: z.string().nullable(),
  street2: z.string().nullable(),
  city: z.string().nullable(),
  province: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
};

export const jobberClientSchema = z.strictObject({
  id: encodedId,
  firstName: z.string(),
  lastName: z.string(),
  companyName: z.string().nullable(),
  isCompany: z.boolean(),
  name: z.string(),
  emails: z.array(
    z.strictObject({ address: z.string(), primary: z.boolean(), description: z.string().nullable() }),
  ),
  phones: z.array(
    z.strictObject({
      number: z.string(),
      primary: z.boolean(),
      description: z.string().nullable(),
      smsAllowed: z.boolean(),
    }),
  ),
  billingAddress: z.strictObject(addressFields).nullable(),
  balance: z.number(),
  isLead: z.boolean(),
  isArchived: z.boolean(),
  createdAt: jobberDateTime,
  updatedAt: jobberDateTime,
  /** The client's tags (labels), every page merged by the reader. */
  tags: nestedConnection(z.strictObject({ label: z.string() })),
});
export type JobberClient = z.infer<typeof jobberClientSchema>;

/** A property; `client.createdAt` is selected as its timestamps (Jobber gives properties none). */
export const jobberPropertySchema = z.strictObject({
  id: encodedId,
  name: z.string().nullable(),
  address: z.strictObject({
    ...addressFields,
    coordinates: z.strictObject({ latitude: z.number(), longitude: z.number() }).nullable(),
  }),
  client: z.strictObject({ id: encodedId, createdAt: jobberDateTime }).nullable(),
  taxRate: z.strictObject({ id: encodedId, name: z.string(), tax: z.number() }).nullable(),
});
export type JobberProperty = z.infer<typeof jobberPropertySchema>;

export const JOBBER_VISIT_STATUSES = [
  'ACTIVE',
  'COMPLETED',
  'LATE',
  'TODAY',
  'UNSCHEDULED',
  'UPCOMING',
] as const;

export const jobberVisitSchema = z.strictObject({
  id: encodedId,
  title: z.string().nullable(),
  instructions: z.string().nullable(),
  visitStatus: z.enum(JOBBER_VISIT_STATUSES),
  startAt: jobberDateTime.nullable(),
  endAt: jobberDateTime.nullable(),
  isComplete: z.boolean(),
  completedAt: jobberDateTime.nullable(),
  assignedUsers: nestedConnection(ref),
  job: ref,
  client: ref,
  property: ref.nullable(),
  createdAt: jobberDateTime,
});
export type JobberVisit = z.infer<typeof jobberVisitSchema>;

export const JOBBER_JOB_STATUSES = [
  'requires_invoicing',
  'archived',
  'late',
  'today',
  'upcoming',
  'action_required',
  'on_hold',
  'unscheduled',
  'active',
  'expiring_within_30_days',
] as const;

/**
 * A job. `visits` (its visits, every page merged by the reader) is read only for who is assigned:
 * the visits themselves are records of their own, validated by jobberVisitSchema.
 */
export const jobberJobSchema = z.strictObject({
  id: encodedId,
  jobNumber: z.int(),
  title: z.string().nullable(),
  instructions: z.string().nullable(),
  jobStatus: z.enum(JOBBER_JOB_STATUSES),
  jobType: z.enum(['ONE_OFF', 'RECURRING']),
  total: z.number(),
  startAt: jobberDateTime.nullable(),
  endAt: jobberDateTime.nullable(),
  completedAt: jobberDateTime.nullable(),
  client: ref,
  property: ref.nullable(),
  quote: ref.nullable(),
  createdAt: jobberDateTime,
  updatedAt: jobberDateTime,
  visits: z
    .object({
      nodes: z.array(
        z.object({ id: encodedId, assignedUsers: z.object({ nodes: z.array(z.object({ id: encodedId })) }) }),
      ),
    })
    .optional(),
});
export type JobberJob = z.infer<typeof jobberJobSchema>;

export const jobberLineItemSchema = z.strictObject({
  id: encodedId,
  name: z.string(),
  description: z.string().nullable(),
  quantity: z.number(),
  unitPrice: z.number(),
  totalPrice: z.number(),
  taxable: z.boolean(),
  linkedProductOrService: z
    .strictObject({ id: encodedId, category: z.enum(['PRODUCT', 'SERVICE']) })
    .nullable(),
});
export type JobberLineItem = z.infer<typeof jobberLineItemSchema>;

export const JOBBER_QUOTE_STATUSES = [
  'draft',
  'awaiting_response',
  'archived',
  'approved',
  'converted',
  'changes_requested',
] as const;

export const jobberQuoteSchema = z.strictObject({
  id: encodedId,
  quoteNumber: z.string(),
  quoteStatus: z.enum(JOBBER_QUOTE_STATUSES),
  title: z.string().nullable(),
  amounts: z.strictObject({
    subtotal: z.number(),
    taxAmount: z.number(),
    discountAmount: z.number(),
    depositAmount: z.number(),
    total: z.number(),
  }),
  client: ref.nullable(),
  property: ref.nullable(),
  request: ref.nullable(),
  salesperson: ref.nullable(),
  createdAt: jobberDateTime,
  updatedAt: jobberDateTime,
  lineItems: nestedConnection(jobberLineItemSchema).optional(),
});
export type JobberQuote = z.infer<typeof jobberQuoteSchema>;

export const JOBBER_REQUEST_STATUSES = [
  'new',
  'completed',
  'converted',
  'archived',
  'upcoming',
  'overdue',
  'unscheduled',
  'assessment_completed',
  'today',
] as const;

export const jobberRequestSchema = z.strictObject({
  id: encodedId,
  title: z.string().nullable(),
  requestStatus: z.enum(JOBBER_REQUEST_STATUSES),
  source: z.string(),
  client: ref.nullable(),
  property: ref.nullable(),
  createdAt: jobberDateTime,
  updatedAt: jobberDateTime,
});
export type JobberRequest = z.infer<typeof jobberRequestSchema>;

export const JOBBER_INVOICE_STATUSES = [
  'draft',
  'awaiting_payment',
  'paid',
  'past_due',
  'bad_debt',
  'sent_not_due',
] as const;

export const jobberInvoiceSchema = z.strictObject({
  id: encodedId,
  invoiceNumber: z.string(),
  invoiceStatus: z.enum(JOBBER_INVOICE_STATUSES),
  subject: z.string().nullable(),
  issuedDate: jobberDateTime.nullable(),
  dueDate: jobberDateTime.nullable(),
  receivedDate: jobberDateTime.nullable(),
  amounts: z.strictObject({
    subtotal: z.number(),
    taxAmount: z.number(),
    discountAmount: z.number(),
    depositAmount: z.number(),
    paymentsTotal: z.number(),
    tipsTotal: z.number(),
    invoiceBalance: z.number(),
    total: z.number(),
  }),
  client: ref,
  createdAt: jobberDateTime,
  updatedAt: jobberDateTime,
  lineItems: nestedConnection(jobberLineItemSchema).optional(),
  jobs: nestedConnection(ref).optional(),
  properties: nestedConnection(ref).optional(),
});
export type JobberInvoice = z.infer<typeof jobberInvoiceSchema>;

export const JOBBER_PAYMENT_TYPES = [
  'CASH',
  'CHEQUE',
  'CREDIT_CARD',
  'BANK_TRANSFER',
  'MONEY_ORDER',
  'OTHER',
  'JOBBER_PAYMENTS',
] as const;

export const jobberPaymentRecordSchema = z.strictObject({
  id: encodedId,
  amount: z.number(),
  tipAmount: z.number(),
  entryDate: jobberDateTime,
  paymentType: z.enum(JOBBER_PAYMENT_TYPES),
  details: z.string().nullable(),
  client: ref,
  invoice: ref.nullable(),
});
export type JobberPaymentRecord = z.infer<typeof jobberPaymentRecordSchema>;

export const jobberUserSchema = z.strictObject({
  id: encodedId,
  name: z.strictObject({ first: z.string(), last: z.string(), full: z.string() }),
  email: z.strictObject({ raw: z.string() }),
  phone: z.strictObject({ raw: z.string(), friendly: z.string() }).nullable(),
  status: z.enum(['ACTIVATED', 'DEACTIVATED']),
  isAccountOwner: z.boolean(),
  createdAt: jobberDateTime,
});
export type JobberUser = z.infer<typeof jobberUserSchema>;

export const jobberProductOrServiceSchema = z.strictObject({
  id: encodedId,
  name: z.string(),
  description: z.string().nullable(),
  category: z.enum(['PRODUCT', 'SERVICE']),
  defaultUnitCost: z.number(),
  internalUnitCost: z.number().nullable(),
  taxable: z.boolean(),
  durationMinutes: z.int().nullable(),
});
export type JobberProductOrService = z.infer<typeof jobberProductOrServiceSchema>;

/*
 * Mutation payloads (write side). A refusal is HTTP 200 with `userErrors[{message, path}]` and the
 * payload's object null; the object itself is read back with the readers' selections, not from here.
 */
export const jobberUserErrorSchema = z.object({
  message: z.string(),
  path: z.array(z.string()),
});
export type JobberUserError = z.infer<typeof jobberUserErrorSchema>;

/** `{ <object>: …, userErrors: [...] }` of every mutation the writer sends. */
export const jobberMutationPayloadSchema = z.looseObject({ userErrors: z.array(jobberUserErrorSchema) });

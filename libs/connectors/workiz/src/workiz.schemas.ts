import { z } from 'zod';

/*
 * Workiz's wire shapes: what its Developer API and its web app send, validated on the way in (CONVENTIONS
 * "One source of truth for shapes"), `.strict()` so that an unknown or renamed field is drift. Field names,
 * enums and formats come from shared/reference/openapi/workiz/workiz-openapi.yml, vendors.md §4 and what
 * the sandbox serves. Two styles: the API's PascalCase with account-local `YYYY-MM-DD HH:MM:SS` times and a
 * `Timezone`; the web app's snake_case (`/ajaxc/…`) with the same local times and a `timezone`. Money is
 * dollars as JSON numbers in both.
 */

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time');
/** Account-local `YYYY-MM-DD HH:MM:SS`. */
export const localTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must be YYYY-MM-DD HH:MM:SS');
/** The same, or `""` when unset. */
const localTimeOrEmpty = z.union([localTime, z.literal('')]);
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const zone = z.string().min(1);
const dollars = z.number().finite();
/** Workiz's short alphanumeric UUIDs. */
const uuid = z.string().regex(/^[0-9A-Za-z]{1,32}$/, 'must be a Workiz UUID');
const numericId = z.number().int().positive();

// ---------------------------------------------------------------- the portal around the data

export const workizWhoamiSchema = z.object({
  user: z.object({ id: z.string().min(1), username: z.string(), displayName: z.string(), role: z.string() }),
  session: z.object({ createdAt: isoTime, idleExpiresAt: isoTime }).nullable(),
});
export const workizCsrfSchema = z.object({ csrfToken: z.string().min(1) });

/** Settings → Integrations (`/ajaxc/account/integrations/`): the account and its Developer API credentials. */
export const workizIntegrationsSchema = z.object({
  status: z.literal('ok'),
  account: z.object({ id: z.union([z.string().min(1), z.number()]), name: z.string(), timezone: zone }),
  developer_api: z.object({
    enabled: z.boolean(),
    api_token: z.string().min(1),
    api_secret: z.string().min(1),
  }),
});
export type WorkizIntegrations = z.infer<typeof workizIntegrationsSchema>;

/** The API's list envelope. */
export const workizListSchema = z.object({
  flag: z.literal(true),
  data: z.array(z.unknown()),
  has_more: z.boolean(),
});
/** The API's one-record envelope (reads and writes). */
export const workizOneSchema = z.object({ flag: z.literal(true), data: z.unknown() });
/** The API's error. */
export const workizApiErrorSchema = z.object({
  flag: z.literal(false),
  msg: z.string(),
  code: z.number().optional(),
  details: z.object({ error: z.string() }).partial().optional(),
});
/** The web app's page envelope. */
export const workizWebPageSchema = z.object({
  status: z.literal('ok'),
  page: z.number().int().min(1),
  per_page: z.number().int().min(1),
  total: z.number().int().min(0),
});
/** The web app's refusal. */
export const workizWebErrorSchema = z.object({
  status: z.literal('error'),
  error: z.string(),
  field: z.string().optional(),
});

// ---------------------------------------------------------------- the Developer API (PascalCase)

export const WORKIZ_JOB_STATUSES = ['Submitted', 'Pending', 'In progress', 'Done', 'Canceled'] as const;

export const workizLineItemSchema = z.strictObject({
  Id: numericId,
  Name: z.string(),
  Type: z.string(),
  Quantity: z.number(),
  Price: dollars,
  Total: dollars,
  Taxable: z.boolean(),
});

export const workizJobSchema = z.strictObject({
  UUID: uuid,
  SerialId: z.number().int(),
  JobDateTime: localTime,
  JobEndDateTime: localTime,
  CreatedDate: localTime,
  PaymentDueDate: localTimeOrEmpty,
  LastStatusUpdate: localTime,
  Timezone: zone,
  JobTotalPrice: dollars,
  JobAmountDue: dollars,
  SubTotal: dollars,
  TaxAmount: dollars,
  ClientId: numericId,
  LocationId: numericId,
  Status: z.enum(WORKIZ_JOB_STATUSES),
  SubStatus: z.string(),
  JobType: z.string(),
  JobSource: z.string(),
  ServiceArea: z.string(),
  FirstName: z.string(),
  LastName: z.string(),
  Company: z.string(),
  Phone: z.string(),
  Email: z.string(),
  Address: z.string(),
  Unit: z.string(),
  City: z.string(),
  State: z.string(),
  PostalCode: z.string(),
  Country: z.string(),
  Latitude: z.number(),
  Longitude: z.number(),
  JobNotes: z.string(),
  Comments: z.union([z.string(), z.array(z.object({ Comment: z.string() }))]),
  Team: z.array(z.string()),
  LineItems: z.array(workizLineItemSchema),
});
export type WorkizJob = z.infer<typeof workizJobSchema>;

export const WORKIZ_LEAD_STATUSES = ['New', 'Contacted', 'Quoted', 'Converted', 'Lost'] as const;
/** A number Workiz sends as a string in leads (`"4"`, `""` when unset). */
const numericString = z.string().regex(/^(\d+)?$/, 'must be digits or empty');
const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number as a string');

export const workizLeadSchema = z.strictObject({
  UUID: uuid,
  SerialId: z.number().int(),
  LeadDateTime: localTimeOrEmpty,
  CreatedDate: localTime,
  LastStatusUpdate: localTime,
  Timezone: zone,
  LeadType: z.string(),
  LeadSource: z.string(),
  Status: z.enum(WORKIZ_LEAD_STATUSES),
  ServiceArea: z.string(),
  ClientId: numericString,
  JobUUID: z.union([uuid, z.literal('')]),
  CallId: numericString,
  FirstName: z.string(),
  LastName: z.string(),
  Company: z.string(),
  Phone: z.string(),
  Email: z.string(),
  Address: z.string(),
  Unit: z.string(),
  City: z.string(),
  State: z.string(),
  PostalCode: z.string(),
  Country: z.string(),
  Latitude: decimalString,
  Longitude: decimalString,
  LeadNotes: z.string(),
});
export type WorkizLead = z.infer<typeof workizLeadSchema>;

/** A team member (`team/all/`): lower-case fields, as Workiz sends them. */
export const workizTeamMemberSchema = z.strictObject({
  id: numericString.pipe(z.string().min(1)),
  name: z.string().min(1),
  email: z.string(),
  role: z.string(),
  active: z.boolean(),
  phone: z.string(),
  created: localTime,
});
export type WorkizTeamMember = z.infer<typeof workizTeamMemberSchema>;

// ---------------------------------------------------------------- the web app's JSON (snake_case)

const webAddressShape = {
  address: z.string(),
  unit: z.string(),
  city: z.string(),
  state: z.string(),
  zip: z.string(),
  country: z.string(),
  lat: z.number(),
  lng: z.number(),
};

export const workizServiceLocationSchema = z.strictObject({
  location_id: numericId,
  name: z.string().nullable(),
  ...webAddressShape,
  service_area: z.string(),
});

export const workizClientSchema = z.strictObject({
  client_id: numericId,
  first_name: z.string(),
  last_name: z.string(),
  company: z.string(),
  client_type: z.enum(['residential', 'commercial']),
  phones: z.array(z.strictObject({ number: z.string(), kind: z.enum(['mobile', 'main']) })),
  emails: z.array(z.string()),
  billing_address: z.strictObject(webAddressShape),
  service_locations: z.array(workizServiceLocationSchema),
  balance: dollars,
  tags: z.array(z.string()),
  active: z.boolean(),
  created: localTime,
  updated: localTime,
  timezone: zone,
});
export type WorkizClient = z.infer<typeof workizClientSchema>;

/** A service location as the clients stream yields it: the client's location with the client's id and times. */
export const workizLocationRecordSchema = z.strictObject({
  ...workizServiceLocationSchema.shape,
  client_id: numericId,
  client_active: z.boolean(),
  client_created: localTime,
  client_updated: localTime,
  timezone: zone,
});
export type WorkizLocationRecord = z.infer<typeof workizLocationRecordSchema>;

export const workizWebLineSchema = z.strictObject({
  item_id: numericId,
  name: z.string(),
  type: z.string(),
  code: z.string().nullable(),
  qty: z.number(),
  price: dollars,
  total: dollars,
  taxable: z.boolean(),
});
export type WorkizWebLine = z.infer<typeof workizWebLineSchema>;

export const workizInvoiceSchema = z.strictObject({
  invoice_id: numericId,
  invoice_number: z.string(),
  job_uuid: uuid,
  client_id: numericId,
  status: z.enum(['unpaid', 'partial', 'paid']),
  items: z.array(workizWebLineSchema),
  subtotal: dollars,
  discount: dollars,
  tax: dollars,
  total: dollars,
  amount_due: dollars,
  issued: localDate,
  due: localDate,
  created: localTime,
  updated: localTime,
  timezone: zone,
});
export type WorkizInvoice = z.infer<typeof workizInvoiceSchema>;

export const workizEstimateSchema = z.strictObject({
  estimate_id: numericId,
  job_uuid: uuid,
  client_id: numericId,
  name: z.string(),
  status: z.enum(['pending', 'approved', 'declined']),
  options: z.array(
    z.strictObject({
      option_id: numericId,
      name: z.string(),
      items: z.array(workizWebLineSchema),
      subtotal: dollars,
    }),
  ),
  total: dollars,
  approved_option_id: numericId.nullable(),
  approved_at: localTime.nullable(),
  created: localTime,
  updated: localTime,
  timezone: zone,
});
export type WorkizEstimate = z.infer<typeof workizEstimateSchema>;

export const workizPaymentSchema = z.strictObject({
  payment_id: numericId,
  client_id: numericId,
  job_uuid: uuid.nullable(),
  invoice_ids: z.array(numericId),
  method: z.enum(['credit_card', 'bank_transfer', 'cash', 'check']),
  amount: dollars,
  tip: dollars,
  card_brand: z.string().nullable(),
  card_last4: z.string().nullable(),
  check_number: z.string().nullable(),
  note: z.string(),
  transaction_id: z.string().nullable(),
  voided: z.boolean(),
  paid_at: localTime,
  created: localTime,
  updated: localTime,
  timezone: zone,
});
export type WorkizPayment = z.infer<typeof workizPaymentSchema>;

export const workizPricebookItemSchema = z.strictObject({
  item_id: numericId,
  name: z.string(),
  code: z.string().nullable(),
  type: z.string(),
  price: dollars,
  cost: dollars,
  taxable: z.boolean(),
  active: z.boolean(),
  created: localTime,
  updated: localTime,
  timezone: zone,
});
export type WorkizPricebookItem = z.infer<typeof workizPricebookItemSchema>;

export const workizCallSchema = z.strictObject({
  call_id: numericId,
  date: localTime,
  direction: z.enum(['inbound', 'outbound']),
  status: z.enum(['answered', 'missed', 'voicemail']),
  from: z.string(),
  to: z.string(),
  duration: z.number().int().min(0),
  client_id: numericId.nullable(),
  user: z.string().nullable(),
  ad_source: z.string(),
  recording: z
    .strictObject({
      recording_id: numericId,
      duration: z.number().int(),
      size: z.number().int(),
      format: z.string(),
      url: z.string(),
    })
    .nullable(),
  timezone: zone,
});
export type WorkizCall = z.infer<typeof workizCallSchema>;

export const workizSmsMessageSchema = z.strictObject({
  message_id: numericId,
  date: localTime,
  direction: z.enum(['inbound', 'outbound']),
  text: z.string(),
  user: z.string().nullable(),
});

export const workizSmsThreadSchema = z.strictObject({
  thread_id: numericId,
  client_id: numericId.nullable(),
  phone: z.string(),
  created: localTime,
  last_message: localTime,
  messages: z.array(workizSmsMessageSchema),
  timezone: zone,
});
export type WorkizSmsThread = z.infer<typeof workizSmsThreadSchema>;

// ---------------------------------------------------------------- records as the readers yield them

/** A team member's id resolved from the full name Workiz shows (null: no team member has that name now). */
const resolvedMember = z.strictObject({
  name: z.string(),
  id: numericString.pipe(z.string().min(1)).nullable(),
});

/**
 * A job as the jobs streams yield it: the API's row, plus `TeamMembers`, each name of `Team` with the team
 * member it names (Workiz's jobs carry names only; readers/team-directory.util.ts resolves them).
 */
export const workizJobRecordSchema = z.strictObject({
  job: workizJobSchema,
  TeamMembers: z.array(resolvedMember),
});
export type WorkizJobRecord = z.infer<typeof workizJobRecordSchema>;

/** A call as the calls stream yields it: the web app's row and the team member its `user` names. */
export const workizCallRecordSchema = z.strictObject({
  call: workizCallSchema,
  user_id: numericString.pipe(z.string().min(1)).nullable(),
});
export type WorkizCallRecord = z.infer<typeof workizCallRecordSchema>;

/** One text of an SMS thread as the threads stream yields it, with its thread and the team member who sent it. */
export const workizSmsRecordSchema = z.strictObject({
  message: workizSmsMessageSchema,
  thread_id: numericId,
  client_id: numericId.nullable(),
  phone: z.string(),
  timezone: zone,
  user_id: numericString.pipe(z.string().min(1)).nullable(),
});
export type WorkizSmsRecord = z.infer<typeof workizSmsRecordSchema>;

/** A team member as the team stream yields it: the API's row and the account's zone (the row carries none). */
export const workizTeamMemberRecordSchema = z.strictObject({
  ...workizTeamMemberSchema.shape,
  timezone: zone,
});
export type WorkizTeamMemberRecord = z.infer<typeof workizTeamMemberRecordSchema>;

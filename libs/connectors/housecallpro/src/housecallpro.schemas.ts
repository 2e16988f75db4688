import { z } from 'zod';

/*
 * Housecall Pro's wire shapes: what its v1 API sends (shared/reference/openapi/housecall-pro/housecall-v1.yaml),
 * validated on the way in (CONVENTIONS "One source of truth for shapes"). Money is integer cents, ids are a
 * prefix and 32 hex digits, times ISO-8601. Objects are `.strict()` where an unknown field means drift; the
 * nested customer and employee copies a job carries are read for their ids only (`.passthrough()` would
 * hide nothing we map).
 */

const hcpId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-f]{32}$`), `a ${prefix}… id`);
const isoTime = z.iso.datetime({ offset: true });
const cents = z.number().int();

export const housecallproAddressSchema = z.strictObject({
  id: hcpId('adr_'),
  type: z.enum(['billing', 'service']),
  street: z.string().nullable(),
  street_line_2: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  zip: z.string().nullable(),
  country: z.string().nullable(),
});
export type HousecallProAddress = z.infer<typeof housecallproAddressSchema>;

export const housecallproCustomerSchema = z.strictObject({
  id: hcpId('cus_'),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  mobile_number: z.string().nullable(),
  home_number: z.string().nullable(),
  work_number: z.string().nullable(),
  company: z.string().nullable(),
  notifications_enabled: z.boolean(),
  lead_source: z.string().nullable(),
  notes: z.string().nullable(),
  created_at: isoTime,
  updated_at: isoTime,
  company_name: z.string(),
  company_id: z.string(),
  tags: z.array(z.string()),
  addresses: z.array(housecallproAddressSchema),
  do_not_service: z.boolean(),
});
export type HousecallProCustomer = z.infer<typeof housecallproCustomerSchema>;

export const housecallproEmployeeSchema = z.strictObject({
  id: hcpId('pro_'),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
  mobile_number: z.string(),
  color_hex: z.string(),
  avatar_url: z.string(),
  role: z.string().min(1),
  created_at: isoTime,
  tags: z.array(z.string()),
  permissions: z.record(z.string(), z.boolean()),
  company_name: z.string(),
  company_id: z.string(),
});
export type HousecallProEmployee = z.infer<typeof housecallproEmployeeSchema>;

/** The job `work_status` values of the responses (the filter takes other words). */
export const HOUSECALLPRO_WORK_STATUSES = [
  'needs scheduling',
  'scheduled',
  'in progress',
  'complete rated',
  'complete unrated',
  'user canceled',
  'pro canceled',
] as const;

/** One appointment of a job (`schedule.appointments` when the list is expanded with appointments). */
export const housecallproAppointmentSchema = z.strictObject({
  id: hcpId('appt_'),
  start_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  start_time: isoTime,
  end_time: isoTime,
  anytime: z.boolean(),
  arrival_window_minutes: z.number().int().nonnegative(),
  dispatched_employees_ids: z.array(hcpId('pro_')),
});

/** An appointment as the jobs stream yields it: with its job's id, status and creation time. */
export const housecallproAppointmentRecordSchema = z.strictObject({
  ...housecallproAppointmentSchema.shape,
  job_id: hcpId('job_'),
  job_work_status: z.string().min(1),
  job_created_at: isoTime,
});
export type HousecallProAppointmentRecord = z.infer<typeof housecallproAppointmentRecordSchema>;

export const housecallproJobSchema = z.strictObject({
  id: hcpId('job_'),
  invoice_number: z.string(),
  description: z.string(),
  customer: z.looseObject({ id: hcpId('cus_') }),
  address: housecallproAddressSchema.nullable(),
  notes: z.array(z.strictObject({ id: z.string(), content: z.string() })),
  work_status: z.enum(HOUSECALLPRO_WORK_STATUSES),
  work_timestamps: z.strictObject({
    on_my_way_at: isoTime.nullable(),
    started_at: isoTime.nullable(),
    completed_at: isoTime.nullable(),
  }),
  schedule: z.strictObject({
    scheduled_start: isoTime.optional(),
    scheduled_end: isoTime.optional(),
    arrival_window: z.number().int().nonnegative().optional(),
    appointments: z.array(housecallproAppointmentSchema).optional(),
  }),
  total_amount: cents,
  outstanding_balance: cents,
  subtotal: cents,
  assigned_employees: z.array(z.looseObject({ id: hcpId('pro_') })),
  tags: z.array(z.string()),
  original_estimate_id: z.string().nullable(),
  original_estimate_uuids: z.array(z.string()),
  lead_source: z.string().nullable(),
  job_fields: z.strictObject({
    job_type: z.strictObject({ id: z.string(), name: z.string() }).optional(),
    business_unit: z.strictObject({ id: z.string(), name: z.string() }).optional(),
  }),
  created_at: isoTime,
  updated_at: isoTime,
  canceled_at: isoTime.nullable(),
  deleted_at: isoTime.nullable(),
  company_name: z.string(),
  company_id: z.string(),
});
export type HousecallProJob = z.infer<typeof housecallproJobSchema>;

/** One list page: `{ page, page_size, total_pages, total_items, <key>[] }` (rows validated one by one). */
export const housecallproPageSchema = z.looseObject({
  page: z.number().int().positive(),
  page_size: z.number().int().positive(),
  total_pages: z.number().int().nonnegative(),
  total_items: z.number().int().nonnegative(),
});

/** `GET /api/whoami` of the pro web app (the signed-in user, the session's idle expiry). */
export const housecallproWhoamiSchema = z.object({
  user: z.object({ id: z.string().min(1), username: z.string(), displayName: z.string(), role: z.string() }),
  session: z.object({ createdAt: isoTime, idleExpiresAt: isoTime }).nullable(),
});
export const housecallproCsrfSchema = z.object({ csrfToken: z.string().min(1) });

/**
 * A service address as the customers stream yields it: the address of a customer row with the customer's
 * id and times (Housecall Pro's addresses have no timestamps of their own).
 */
export const housecallproServiceAddressSchema = z.strictObject({
  ...housecallproAddressSchema.shape,
  type: z.literal('service'),
  customer_id: hcpId('cus_'),
  customer_created_at: isoTime,
  customer_updated_at: isoTime,
});
export type HousecallProServiceAddress = z.infer<typeof housecallproServiceAddressSchema>;

export const housecallproInvoicePaymentSchema = z.strictObject({
  id: hcpId('pmt_'),
  status: z.string().min(1),
  payment_method: z.string().min(1),
  amount: cents,
  note: z.string(),
  paid_at: isoTime,
  category: z.string(),
});

/** One invoice of `GET /invoices` (`JobInvoice` + `job_id`; money in integer cents). */
export const housecallproInvoiceSchema = z.strictObject({
  id: hcpId('invoice_'),
  job_id: hcpId('job_'),
  status: z.enum(['open', 'pending_payment', 'paid', 'voided', 'uncollectible', 'canceled']),
  invoice_number: z.string(),
  amount: cents,
  subtotal: cents,
  due_amount: cents,
  due_at: isoTime,
  paid_at: isoTime.optional(),
  sent_at: isoTime.optional(),
  service_date: isoTime,
  invoice_date: isoTime,
  created_at: isoTime,
  updated_at: isoTime,
  items: z.array(
    z.strictObject({
      id: hcpId('li_'),
      name: z.string(),
      unit_cost: cents,
      unit_price: cents,
      qty_in_hundredths: z.number().int(),
      amount: cents,
      type: z.string(),
    }),
  ),
  taxes: z.array(z.strictObject({ id: z.string(), name: z.string(), rate: z.number().int(), amount: cents })),
  discounts: z.array(z.strictObject({ id: z.string(), name: z.string(), amount: cents })),
  payments: z.array(housecallproInvoicePaymentSchema),
});
export type HousecallProInvoice = z.infer<typeof housecallproInvoiceSchema>;

/**
 * An invoice as the invoices stream yields it: the invoice and, from its job (`GET /jobs/{job_id}`:
 * Housecall Pro's invoice names no customer), the job's customer and service address.
 */
export const housecallproInvoiceRecordSchema = z.strictObject({
  /** The invoice's id (the record's external id). */
  id: hcpId('invoice_'),
  invoice: housecallproInvoiceSchema,
  customer_id: hcpId('cus_'),
  address_id: hcpId('adr_').nullable(),
});
export type HousecallProInvoiceRecord = z.infer<typeof housecallproInvoiceRecordSchema>;

/** A payment as the invoices stream yields it: one listing of it on an invoice, with the invoice's ids. */
export const housecallproPaymentRecordSchema = z.strictObject({
  ...housecallproInvoicePaymentSchema.shape,
  invoice_id: hcpId('invoice_'),
  customer_id: hcpId('cus_'),
});
export type HousecallProPaymentRecord = z.infer<typeof housecallproPaymentRecordSchema>;

export const housecallproEstimateOptionSchema = z.strictObject({
  id: hcpId('opt_'),
  name: z.string(),
  option_number: z.string(),
  total_amount: cents,
  approval_status: z.string().min(1),
  message_from_pro: z.string(),
  tags: z.array(z.string()),
  status: z.string().min(1),
  notes: z.array(z.strictObject({ id: z.string(), content: z.string() })),
  created_at: isoTime,
  updated_at: isoTime,
  attachments: z.array(z.unknown()),
});

/** One estimate of `GET /estimates`, with its options (approval status and total in cents each). */
export const housecallproEstimateSchema = z.strictObject({
  id: hcpId('est_'),
  estimate_number: z.string(),
  work_status: z.string(),
  lead_source: z.string().nullable(),
  customer: z.looseObject({ id: hcpId('cus_') }),
  address: housecallproAddressSchema.nullable(),
  created_at: isoTime,
  updated_at: isoTime,
  company_name: z.string(),
  company_id: z.string(),
  work_timestamps: z.strictObject({
    on_my_way_at: isoTime.nullable(),
    started_at: isoTime.nullable(),
    completed_at: isoTime.nullable(),
  }),
  schedule: z.strictObject({
    scheduled_start: isoTime.optional(),
    scheduled_end: isoTime.optional(),
    arrival_window: z.number().int().nonnegative().optional(),
  }),
  assigned_employees: z.array(z.looseObject({ id: hcpId('pro_') })),
  estimate_fields: z.strictObject({
    job_type_id: z.string().optional(),
    business_unit_id: z.string().optional(),
  }),
  options: z.array(housecallproEstimateOptionSchema),
});
export type HousecallProEstimate = z.infer<typeof housecallproEstimateSchema>;

// ---------------------------------------------------------------- price book

/**
 * A price book uuid: the published examples use short ones (`pbmatcat_123`, `pbpff_1111111111111111`), so
 * any non-empty string is taken as the vendor's.
 */
const uuid = z.string().min(1);
const objectList = z.looseObject({ object: z.literal('list'), data: z.array(z.unknown()) });

/** `PricebookService` (`GET /api/price_book/services`): money in cents, duration in minutes, no timestamps. */
export const housecallproPricebookServiceSchema = z.strictObject({
  object: z.literal('service'),
  uuid,
  name: z.string().min(1),
  description: z.string().nullable().optional(),
  task_number: z.string().nullable().optional(),
  image: z.string().optional(),
  flat_rate_enabled: z.boolean(),
  service_materials: objectList,
  service_labor_rates: objectList,
  managed_by: z.string().nullable().optional(),
  price: cents,
  cost: cents,
  taxable: z.boolean(),
  unit_of_measure: z.string().optional(),
  category: z.strictObject({ id: z.number().int(), name: z.string() }).optional(),
  industry: z.strictObject({ id: z.number().int(), name: z.string() }).optional(),
  online_booking_enabled: z.boolean(),
  duration: z.number().int().nonnegative().optional(),
  bookable_as: z.string().optional(),
  assigned_pros: objectList,
  question_1: z.string().nullable().optional(),
  question_2: z.string().nullable().optional(),
});
export type HousecallProPricebookService = z.infer<typeof housecallproPricebookServiceSchema>;

/** `MaterialCategory` (`GET /api/price_book/material_categories`, from the root or under `parent_uuid`). */
export const housecallproMaterialCategorySchema = z.strictObject({
  object: z.literal('material_category').optional(),
  uuid,
  parent_uuid: uuid.nullable().optional(),
  name: z.string().min(1),
  image: z.string().optional(),
});
export type HousecallProMaterialCategory = z.infer<typeof housecallproMaterialCategorySchema>;

/** `Material` (`GET /api/price_book/materials` of one category): money in cents, no timestamps. */
export const housecallproMaterialSchema = z.strictObject({
  object: z.literal('material').optional(),
  uuid,
  material_category_uuid: uuid,
  material_category_name: z.string().optional(),
  name: z.string().min(1),
  description: z.string().nullable().optional(),
  image: z.string().optional(),
  cost: cents,
  price: cents,
  unit_of_measure: z.string().optional(),
  part_number: z.string().nullable().optional(),
  flat_rate_enabled: z.boolean().optional(),
  taxable: z.boolean().optional(),
});
export type HousecallProMaterial = z.infer<typeof housecallproMaterialSchema>;

/**
 * A material as the price book stream yields it: the row, and the names of the categories it is filed
 * under from the root down (`["Equipment", "Plumbing"]`), found by walking the category tree.
 */
export const housecallproMaterialRecordSchema = z.strictObject({
  material: housecallproMaterialSchema,
  category_path: z.array(z.string().min(1)).min(1),
});
export type HousecallProMaterialRecord = z.infer<typeof housecallproMaterialRecordSchema>;

// ---------------------------------------------------------------- service plans (web app)

/** The web app's words for a service plan agreement's state. */
export const HOUSECALLPRO_SERVICE_PLAN_STATUSES = ['active', 'paused', 'expired', 'canceled'] as const;

/**
 * A service plan agreement of the pro web app's list (`GET /app/api/service_plan_agreements`, not in the
 * v1 API): money in cents, term dates as `YYYY-MM-DD`.
 */
export const housecallproServicePlanSchema = z.strictObject({
  id: hcpId('svcplan_'),
  customer_id: hcpId('cus_'),
  address_id: hcpId('adr_').nullable(),
  name: z.string().min(1),
  status: z.enum(HOUSECALLPRO_SERVICE_PLAN_STATUSES),
  billing_frequency: z.string().min(1),
  price: cents.nonnegative(),
  start_date: z.iso.date().nullable(),
  end_date: z.iso.date().nullable(),
  canceled_at: isoTime.nullable(),
  created_at: isoTime,
  updated_at: isoTime,
});
export type HousecallProServicePlan = z.infer<typeof housecallproServicePlanSchema>;

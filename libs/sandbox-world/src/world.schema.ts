import { z } from 'zod';

/**
 * The vendor-neutral business every sandbox portal renders. Records are plain frozen objects; every
 * timestamp is epoch milliseconds UTC on the world clock (renderers format them per vendor); every
 * amount of money is an integer number of US cents. Ids are the vendor's own numeric ids, unique and
 * monotonic per entity type, never canonical fieldsync ids.
 */

const id = z.number().int().positive();
const ref = id;
const optionalRef = id.nullable();
const epochMs = z.number().int().nonnegative();
const cents = z.number().int();
const nonNegativeCents = cents.nonnegative();

/** Fields every record carries, maintained by the store (never by callers). */
export const worldRecordBaseShape = {
  id,
  createdOn: epochMs,
  modifiedOn: epochMs,
  active: z.boolean(),
  /** Soft delete: set once, never cleared. A deleted record is also inactive. */
  deletedOn: epochMs.nullable(),
  /** World-global change counter at this record's last write (export `continueFrom`, ordering). */
  rowVersion: z.number().int().positive(),
};
export const SYSTEM_FIELDS = ['id', 'createdOn', 'modifiedOn', 'active', 'deletedOn', 'rowVersion'] as const;
export type SystemField = (typeof SYSTEM_FIELDS)[number];

export const addressSchema = z
  .object({
    street: z.string().min(1),
    unit: z.string().nullable(),
    city: z.string().min(1),
    state: z.string().length(2),
    zip: z.string().regex(/^\d{5}$/),
    country: z.literal('USA'),
    latitude: z.number(),
    longitude: z.number(),
  })
  .strict();
export type WorldAddress = z.infer<typeof addressSchema>;

// ---- tenant settings ----
export const businessUnitSchema = z.object({ ...worldRecordBaseShape, name: z.string().min(1) }).strict();
export const jobTypeSchema = z
  .object({
    ...worldRecordBaseShape,
    name: z.string().min(1),
    businessUnitId: ref,
    /** Typical length of one appointment of this type, in minutes. */
    durationMinutes: z.number().int().positive(),
  })
  .strict();
export const campaignSchema = z
  .object({ ...worldRecordBaseShape, name: z.string().min(1), category: z.string() })
  .strict();
export const taxZoneSchema = z
  .object({
    ...worldRecordBaseShape,
    name: z.string().min(1),
    /** Parts per million: 8.25 % = 82 500. */
    ratePpm: z.number().int().nonnegative().max(1_000_000),
  })
  .strict();
export const PAYMENT_METHODS = ['card', 'ach', 'cash', 'check'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const paymentTypeSchema = z
  .object({ ...worldRecordBaseShape, name: z.string().min(1), method: z.enum(PAYMENT_METHODS) })
  .strict();

// ---- people ----
export const EMPLOYEE_ROLES = ['Technician', 'Dispatch', 'CSR', 'Accounting', 'Admin', 'Owner'] as const;
export type EmployeeRole = (typeof EMPLOYEE_ROLES)[number];
/** Technicians and office staff in one id space; technicians are `role: 'Technician'`. */
export const employeeSchema = z
  .object({
    ...worldRecordBaseShape,
    name: z.string().min(1),
    role: z.enum(EMPLOYEE_ROLES),
    businessUnitId: optionalRef,
    email: z.email(),
    phoneNumber: z.string(),
    loginName: z.string().min(1),
  })
  .strict();

export const CUSTOMER_TYPES = ['Residential', 'Commercial'] as const;
export const customerSchema = z
  .object({
    ...worldRecordBaseShape,
    name: z.string().min(1),
    type: z.enum(CUSTOMER_TYPES),
    address: addressSchema,
    /** Σ balance of the customer's non-deleted invoices; a change moves modifiedOn (as ServiceTitan). */
    balance: nonNegativeCents,
    doNotMail: z.boolean(),
    doNotService: z.boolean(),
    /** Set when merged into another customer; the merged record is then inactive. */
    mergedToId: optionalRef,
    /**
     * The office's labels on the customer (Jobber's client tags), each once. Present only when there are
     * some, so worlds without tags hash as before.
     */
    tags: z.array(z.string().trim().min(1).max(100)).min(1).optional(),
  })
  .strict();
export const locationSchema = z
  .object({
    ...worldRecordBaseShape,
    customerId: ref,
    name: z.string().min(1),
    address: addressSchema,
    taxZoneId: ref,
    mergedToId: optionalRef,
  })
  .strict();
export const CONTACT_TYPES = ['Phone', 'MobilePhone', 'Email', 'Fax'] as const;
export const contactSchema = z
  .object({
    ...worldRecordBaseShape,
    customerId: ref,
    type: z.enum(CONTACT_TYPES),
    value: z.string().min(1),
    memo: z.string().nullable(),
    doNotText: z.boolean(),
  })
  .strict();

// ---- pricebook ----
export const PRICEBOOK_TYPES = ['Service', 'Material', 'Equipment'] as const;
export type PricebookType = (typeof PRICEBOOK_TYPES)[number];
export const pricebookItemSchema = z
  .object({
    ...worldRecordBaseShape,
    type: z.enum(PRICEBOOK_TYPES),
    code: z.string().min(1),
    name: z.string().min(1),
    price: nonNegativeCents,
    memberPrice: nonNegativeCents,
    cost: nonNegativeCents,
    hours: z.number().nonnegative(),
    taxable: z.boolean(),
    businessUnitId: optionalRef,
  })
  .strict();

// ---- work ----
export const JOB_STATUSES = ['Scheduled', 'InProgress', 'Hold', 'Completed', 'Canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const PRIORITIES = ['Low', 'Normal', 'High', 'Urgent'] as const;
export const externalDataSchema = z.object({ key: z.string().min(1), value: z.string() }).strict();
export const jobSchema = z
  .object({
    ...worldRecordBaseShape,
    jobNumber: z.string().regex(/^\d+$/),
    customerId: ref,
    locationId: ref,
    businessUnitId: ref,
    jobTypeId: ref,
    campaignId: ref,
    priority: z.enum(PRIORITIES),
    status: z.enum(JOB_STATUSES),
    summary: z.string(),
    completedOn: epochMs.nullable(),
    canceledOn: epochMs.nullable(),
    soldById: optionalRef,
    externalData: z.array(externalDataSchema),
  })
  .strict();
export const APPOINTMENT_STATUSES = [
  'Scheduled',
  'Dispatched',
  'Working',
  'Hold',
  'Done',
  'Canceled',
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
export const appointmentSchema = z
  .object({
    ...worldRecordBaseShape,
    jobId: ref,
    customerId: ref,
    appointmentNumber: z.string().min(1),
    start: epochMs,
    end: epochMs,
    arrivalWindowStart: epochMs,
    arrivalWindowEnd: epochMs,
    status: z.enum(APPOINTMENT_STATUSES),
    specialInstructions: z.string().nullable(),
  })
  .strict();
export const ASSIGNMENT_STATUSES = ['Scheduled', 'Dispatched', 'Working', 'Done'] as const;
/**
 * A technician on an appointment; unassigning soft-deletes the row. `overlapAllowed` marks a booking
 * the office made knowingly over another one in the same window (Jobber lets a calendar hold
 * overlapping visits); it is present only when true, so worlds without such bookings hash as before.
 */
export const assignmentSchema = z
  .object({
    ...worldRecordBaseShape,
    appointmentId: ref,
    jobId: ref,
    technicianId: ref,
    assignedOn: epochMs,
    assignedById: optionalRef,
    status: z.enum(ASSIGNMENT_STATUSES),
    overlapAllowed: z.literal(true).optional(),
  })
  .strict();

// ---- money ----
export const LINE_TYPES = ['Service', 'Material', 'Equipment', 'Discount'] as const;
export type LineType = (typeof LINE_TYPES)[number];
/**
 * One line. `quantity` is in thousandths (1.5 h = 1500) so `total` is exact:
 * total = round-half-up(quantityMilli × unitPrice / 1000). Discount lines have a negative total.
 */
export const lineItemSchema = z
  .object({
    id,
    type: z.enum(LINE_TYPES),
    pricebookItemId: optionalRef,
    code: z.string(),
    description: z.string().min(1),
    quantityMilli: z.number().int().positive(),
    unitPrice: cents,
    total: cents,
    taxable: z.boolean(),
  })
  .strict();
export type WorldLineItem = z.infer<typeof lineItemSchema>;

export const ESTIMATE_STATUSES = ['Open', 'Sold', 'Dismissed'] as const;
export type EstimateStatus = (typeof ESTIMATE_STATUSES)[number];
export const estimateOptionSchema = z
  .object({ id, name: z.string().min(1), items: z.array(lineItemSchema).min(1), subTotal: cents })
  .strict();
export const estimateSchema = z
  .object({
    ...worldRecordBaseShape,
    jobId: ref,
    customerId: ref,
    locationId: ref,
    name: z.string().min(1),
    status: z.enum(ESTIMATE_STATUSES),
    /** Good / Better / Best; selling one option sells the estimate. */
    options: z.array(estimateOptionSchema).min(1),
    soldOptionId: z.number().int().positive().nullable(),
    soldOn: epochMs.nullable(),
    soldById: optionalRef,
  })
  .strict();

export const INVOICE_STATUSES = ['Pending', 'Posted', 'Exported'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
/**
 * subTotal = Σ non-discount line totals; discount = −Σ discount line totals (≥ 0);
 * salesTax = round-half-up(max(0, Σ taxable line totals incl. taxable discounts) × taxRatePpm / 10⁶);
 * total = subTotal − discount + salesTax; balance = total − Σ splits of non-deleted payments ≥ 0.
 * An invoice created with a given tax (ServiceTitan's adjustment-invoice API takes `tax` as sent) keeps
 * it as salesTax and says so with `salesTaxGiven`.
 */
export const invoiceSchema = z
  .object({
    ...worldRecordBaseShape,
    referenceNumber: z.string().min(1),
    jobId: ref,
    customerId: ref,
    locationId: ref,
    invoiceDate: epochMs,
    dueDate: epochMs,
    status: z.enum(INVOICE_STATUSES),
    taxZoneId: ref,
    taxRatePpm: z.number().int().nonnegative(),
    items: z.array(lineItemSchema).min(1),
    subTotal: nonNegativeCents,
    discount: nonNegativeCents,
    salesTax: nonNegativeCents,
    total: nonNegativeCents,
    balance: nonNegativeCents,
    /** Present (true) only when salesTax was given rather than computed from the taxable lines. */
    salesTaxGiven: z.literal(true).optional(),
  })
  .strict();

export const paymentSplitSchema = z.object({ invoiceId: ref, amount: z.number().int().positive() }).strict();
export const CARD_BRAND_VALUES = ['Visa', 'Mastercard', 'Amex', 'Discover'] as const;
/** A payment; voiding soft-deletes it and gives its splits back to the invoices' balances. */
export const paymentSchema = z
  .object({
    ...worldRecordBaseShape,
    customerId: ref,
    paymentTypeId: ref,
    method: z.enum(PAYMENT_METHODS),
    /** Card payments carry brand and last four digits only, never a card number. */
    cardBrand: z.enum(CARD_BRAND_VALUES).nullable(),
    cardLast4: z
      .string()
      .regex(/^\d{4}$/)
      .nullable(),
    checkNumber: z.string().nullable(),
    /** Applied to invoices (Σ splits) plus unapplied; excludes the tip. */
    amount: z.number().int().positive(),
    tip: nonNegativeCents,
    splits: z.array(paymentSplitSchema).min(1),
    unappliedAmount: nonNegativeCents,
    paidOn: epochMs,
    memo: z.string().nullable(),
    externalTransactionId: z.string().nullable(),
  })
  .strict();

export const MEMBERSHIP_STATUSES = ['Active', 'Suspended', 'Expired', 'Canceled'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];
export const membershipSchema = z
  .object({
    ...worldRecordBaseShape,
    customerId: ref,
    locationId: ref,
    name: z.string().min(1),
    status: z.enum(MEMBERSHIP_STATUSES),
    billingFrequency: z.enum(['Monthly', 'Annual']),
    price: nonNegativeCents,
    from: epochMs,
    to: epochMs,
  })
  .strict();
export const equipmentSchema = z
  .object({
    ...worldRecordBaseShape,
    customerId: ref,
    locationId: ref,
    name: z.string().min(1),
    type: z.string().min(1),
    manufacturer: z.string().min(1),
    model: z.string().min(1),
    serialNumber: z.string().min(1),
    installedOn: epochMs,
    warrantyEnd: epochMs.nullable(),
  })
  .strict();

/** Every entity of the world, in dependency order (parents before children). */
export const worldSchemas = {
  businessUnit: businessUnitSchema,
  jobType: jobTypeSchema,
  campaign: campaignSchema,
  taxZone: taxZoneSchema,
  paymentType: paymentTypeSchema,
  employee: employeeSchema,
  pricebookItem: pricebookItemSchema,
  customer: customerSchema,
  location: locationSchema,
  contact: contactSchema,
  job: jobSchema,
  appointment: appointmentSchema,
  assignment: assignmentSchema,
  estimate: estimateSchema,
  invoice: invoiceSchema,
  payment: paymentSchema,
  membership: membershipSchema,
  equipment: equipmentSchema,
} as const;

export type WorldEntity = keyof typeof worldSchemas;
export const WORLD_ENTITIES = Object.keys(worldSchemas) as WorldEntity[];
export type WorldRecordMap = { [E in WorldEntity]: z.infer<(typeof worldSchemas)[E]> };
export type WorldRecord<E extends WorldEntity> = WorldRecordMap[E];
/** What a caller supplies on create: everything but the store-maintained fields. */
export type NewWorldRecord<E extends WorldEntity> = Omit<WorldRecord<E>, SystemField>;
/** What a caller may change on update. */
export type WorldPatch<E extends WorldEntity> = Partial<NewWorldRecord<E>>;

export type BusinessUnit = WorldRecord<'businessUnit'>;
export type JobType = WorldRecord<'jobType'>;
export type Campaign = WorldRecord<'campaign'>;
export type TaxZone = WorldRecord<'taxZone'>;
export type PaymentType = WorldRecord<'paymentType'>;
export type Employee = WorldRecord<'employee'>;
export type PricebookItem = WorldRecord<'pricebookItem'>;
export type Customer = WorldRecord<'customer'>;
export type Location = WorldRecord<'location'>;
export type Contact = WorldRecord<'contact'>;
export type Job = WorldRecord<'job'>;
export type Appointment = WorldRecord<'appointment'>;
export type Assignment = WorldRecord<'assignment'>;
export type Estimate = WorldRecord<'estimate'>;
export type Invoice = WorldRecord<'invoice'>;
export type Payment = WorldRecord<'payment'>;
export type Membership = WorldRecord<'membership'>;
export type Equipment = WorldRecord<'equipment'>;

/**
 * First id of each entity: disjoint ranges (10 million wide), so an id used against the wrong entity
 * never resolves. Ids then grow by one per created record, in creation order.
 */
export const ID_BASE: Readonly<Record<WorldEntity, number>> = Object.fromEntries(
  WORLD_ENTITIES.map((entity, i) => [entity, (i + 1) * 10_000_000 + 1]),
) as Record<WorldEntity, number>;

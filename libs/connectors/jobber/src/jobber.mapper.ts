import {
  appointmentSchema,
  canonicalId,
  customerSchema,
  estimateSchema,
  invoiceSchema,
  jobSchema,
  leadSchema,
  locationSchema,
  Money,
  normalizePhoneNumber,
  normalizeTimestamp,
  paymentSchema,
  pricebookItemSchema,
  technicianSchema,
  type Address,
  type Appointment,
  type AppointmentStatus,
  type CanonicalEntity,
  type Customer,
  type Email,
  type EntityType,
  type Estimate,
  type EstimateStatus,
  type Invoice,
  type InvoiceStatus,
  type Job,
  type JobStatus,
  type Lead,
  type LeadStatus,
  type Line,
  type Location,
  type Payment,
  type PaymentMethod,
  type Phone,
  type PricebookItem,
  type Technician,
} from '@fieldsync/canonical-model';
import type { RecordMapper, VendorRecord } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import {
  jobberClientSchema,
  jobberInvoiceSchema,
  jobberJobSchema,
  jobberPaymentRecordSchema,
  jobberProductOrServiceSchema,
  jobberPropertySchema,
  jobberQuoteSchema,
  jobberRequestSchema,
  jobberUserSchema,
  jobberVisitSchema,
  type JobberClient,
  type JobberInvoice,
  type JobberJob,
  type JobberLineItem,
  type JobberPaymentRecord,
  type JobberProductOrService,
  type JobberProperty,
  type JobberQuote,
  type JobberRequest,
  type JobberUser,
  type JobberVisit,
  JOBBER_INVOICE_STATUSES,
  JOBBER_JOB_STATUSES,
  JOBBER_PAYMENT_TYPES,
  JOBBER_QUOTE_STATUSES,
  JOBBER_REQUEST_STATUSES,
  JOBBER_VISIT_STATUSES,
} from './jobber.schemas';

/**
 * Jobber records → canonical objects (vendors.md §2). Pure and deterministic: the same record always
 * maps to the same object, ids are `canonicalId(connectionId, entity, <base64 gid>)`.
 *
 * - Money: Jobber's Float dollars → `Money.parse` (half-up to cents) → canonical major units. The
 *   sandbox account bills in USD and Jobber's API does not name the account currency.
 * - Times: ISO-8601 with the account's offset → UTC (`normalizeTimestamp`). Date-only canonical fields
 *   (invoice issued/due) keep the calendar date as Jobber shows it (the local date before the offset).
 * - Statuses: canonical status plus Jobber's wording in `vendorStatus`.
 * - Jobber gives some objects no timestamps: properties take their client's createdAt, visits their
 *   createdAt (updatedAt = completedAt once complete), users their createdAt, payment records their
 *   entryDate, products/services the Unix epoch (a stable stand-in: a changing read time would make
 *   every read look like a change).
 * - Filled from what Jobber holds: a client's tags, a property's name, a quote's salesperson, a
 *   request's source, besides the obvious fields.
 * - Null, empty or false because Jobber has no such data: a client's number, default property,
 *   marketing opt-in (its `receives…` flags are service reminders and follow-ups, not marketing
 *   consent), do-not-service flag and merges; a property's notes and tags; a job's priority, business
 *   unit, membership, cancellation, tags, subtotal and tax (a job has only its total); a visit's number
 *   and en-route or arrival times; a line's sku, unit, cost and tax code; a quote's options and
 *   validity; a request's priority and tags; an invoice's sent and void times; a payment's card, check
 *   number, reference, fee and refunds (Jobber lists recorded payments only); a user's business unit;
 *   a product's code, unit, member price and stock.
 * - Null or empty although Jobber's API has them, because the sandbox this connector is proven against
 *   does not model them yet and a field its schema lacks would fail the whole page: a client's notes,
 *   custom fields and source attribution (leadSource); a property's custom fields; a job's line items,
 *   notes, custom fields, salesperson and balance; a visit's arrival window; a quote's sent time, notes
 *   and converted jobs (the job holds the link: its estimateId); a request's contact details and
 *   converted job; an invoice's tax breakdown; documents' client-hub links; a user's colour. Each is a
 *   selection, a wire-schema field and a line here once the sandbox serves it.
 */
export const JOBBER_CURRENCY = 'USD';
const EPOCH = '1970-01-01T00:00:00Z';

interface MapContext {
  readonly tenantId: string;
  readonly connectionId: string;
}

const utc = (value: string): string => normalizeTimestamp(value);
const utcOrNull = (value: string | null): string | null => (value === null ? null : utc(value));
const money = (dollars: number): number => Money.parse(dollars, JOBBER_CURRENCY).toAmount();
const textOrNull = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};
/** Jobber's tag labels as a canonical tag set: trimmed, empty ones left out, each once. */
const tagsOf = (tags: readonly { label: string }[]): string[] => [
  ...new Set(tags.map((t) => t.label.trim()).filter((label) => label !== '')),
];
/** The calendar date as Jobber shows it: the local date of an ISO date-time with offset. */
const localDate = (value: string | null): string | null => (value === null ? null : value.slice(0, 10));

/** Country names Jobber writes → ISO 3166-1 alpha-2; anything else is kept out (null) rather than guessed. */
const COUNTRY_CODES: Readonly<Record<string, string>> = {
  'united states': 'US',
  'united states of america': 'US',
  usa: 'US',
  us: 'US',
  canada: 'CA',
  ca: 'CA',
  'united kingdom': 'GB',
  uk: 'GB',
  gb: 'GB',
  australia: 'AU',
  au: 'AU',
};

interface JobberAddress {
  readonly street: string | null;
  readonly street1: string | null;
  readonly street2: string | null;
  readonly city: string | null;
  readonly province: string | null;
  readonly postalCode: string | null;
  readonly country: string | null;
}

function address(
  a: JobberAddress | null,
  coordinates: { latitude: number; longitude: number } | null = null,
): Address | null {
  const line1 = textOrNull(a?.street1) ?? textOrNull(a?.street);
  if (a === null || line1 === null) return null;
  return {
    line1,
    line2: textOrNull(a.street2),
    city: textOrNull(a.city),
    region: textOrNull(a.province),
    postalCode: textOrNull(a.postalCode),
    country: COUNTRY_CODES[(a.country ?? '').trim().toLowerCase()] ?? null,
    geo: coordinates ? { lat: coordinates.latitude, lon: coordinates.longitude } : null,
  };
}

function phoneType(description: string | null): Phone['type'] {
  const d = (description ?? '').toLowerCase();
  if (d.includes('mobile') || d.includes('cell')) return 'mobile';
  if (d.includes('home')) return 'home';
  if (d.includes('work') || d.includes('office')) return 'work';
  if (d.includes('fax')) return 'fax';
  return 'other';
}

function emailType(description: string | null): Email['type'] {
  const d = (description ?? '').toLowerCase();
  if (d.includes('work') || d.includes('office')) return 'work';
  if (d.includes('billing') || d.includes('invoice')) return 'billing';
  if (d.includes('personal') || d.includes('home')) return 'personal';
  return 'other';
}

type VisitStatus = (typeof JOBBER_VISIT_STATUSES)[number];
const VISIT_STATUS: Readonly<Record<VisitStatus, AppointmentStatus>> = {
  ACTIVE: 'in_progress',
  COMPLETED: 'completed',
  LATE: 'scheduled',
  TODAY: 'scheduled',
  UNSCHEDULED: 'unscheduled',
  UPCOMING: 'scheduled',
};

type QuoteStatus = (typeof JOBBER_QUOTE_STATUSES)[number];
/** `archived` is a quote the client turned down or the office closed. */
const QUOTE_STATUS: Readonly<Record<QuoteStatus, EstimateStatus>> = {
  draft: 'draft',
  awaiting_response: 'sent',
  changes_requested: 'sent',
  approved: 'approved',
  converted: 'converted',
  archived: 'declined',
};

type RequestStatus = (typeof JOBBER_REQUEST_STATUSES)[number];
const REQUEST_STATUS: Readonly<Record<RequestStatus, LeadStatus>> = {
  new: 'open',
  upcoming: 'open',
  overdue: 'open',
  unscheduled: 'open',
  today: 'open',
  assessment_completed: 'open',
  completed: 'open',
  converted: 'converted',
  archived: 'lost',
};

type PaymentType = (typeof JOBBER_PAYMENT_TYPES)[number];
const PAYMENT_METHOD: Readonly<Record<PaymentType, PaymentMethod>> = {
  CASH: 'cash',
  CHEQUE: 'check',
  CREDIT_CARD: 'card',
  JOBBER_PAYMENTS: 'card',
  BANK_TRANSFER: 'ach',
  MONEY_ORDER: 'other',
  OTHER: 'other',
};

type JobStatusValue = (typeof JOBBER_JOB_STATUSES)[number];
/** `archived`/`requires_invoicing` are done work when completedAt is set; an archived job without it was closed unfinished. */
function jobStatus(status: JobStatusValue, completedAt: string | null): JobStatus {
  switch (status) {
    case 'requires_invoicing':
      return completedAt === null ? 'in_progress' : 'completed';
    case 'archived':
      return completedAt === null ? 'canceled' : 'completed';
    case 'on_hold':
      return 'on_hold';
    case 'unscheduled':
      return 'unscheduled';
    case 'late':
    case 'today':
    case 'upcoming':
      return 'scheduled';
    case 'active':
    case 'action_required':
    case 'expiring_within_30_days':
      return 'in_progress';
  }
}

type InvoiceStatusValue = (typeof JOBBER_INVOICE_STATUSES)[number];
function invoiceStatus(status: InvoiceStatusValue, paid: number): InvoiceStatus {
  switch (status) {
    case 'draft':
      return 'draft';
    case 'paid':
      return 'paid';
    case 'bad_debt':
      return 'void';
    case 'awaiting_payment':
    case 'past_due':
    case 'sent_not_due':
      return paid > 0 ? 'partially_paid' : 'open';
  }
}

/** Parses `raw` with the wire schema; a record that does not fit is a reader bug (drift is caught there). */
function wire<T extends z.ZodType>(schema: T, raw: unknown, entity: EntityType): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Jobber ${entity} record does not fit its wire schema: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

export class JobberMapper implements RecordMapper {
  toCanonical(record: Extract<VendorRecord, { kind: 'record' }>, ctx: MapContext): CanonicalEntity {
    const { raw, entity } = record;
    switch (entity) {
      case 'customer':
        return this.customer(wire(jobberClientSchema, raw, entity), ctx);
      case 'location':
        return this.location(wire(jobberPropertySchema, raw, entity), ctx);
      case 'job':
        return this.job(wire(jobberJobSchema, raw, entity), ctx);
      case 'appointment':
        return this.appointment(wire(jobberVisitSchema, raw, entity), ctx);
      case 'estimate':
        return this.estimate(wire(jobberQuoteSchema, raw, entity), ctx);
      case 'lead':
        return this.lead(wire(jobberRequestSchema, raw, entity), ctx);
      case 'invoice':
        return this.invoice(wire(jobberInvoiceSchema, raw, entity), ctx);
      case 'payment':
        return this.payment(wire(jobberPaymentRecordSchema, raw, entity), ctx);
      case 'technician':
        return this.technician(wire(jobberUserSchema, raw, entity), ctx);
      case 'pricebook_item':
        return this.pricebookItem(wire(jobberProductOrServiceSchema, raw, entity), ctx);
      default:
        throw new Error(`the Jobber connector does not read ${entity} records`);
    }
  }

  private base<E extends EntityType>(
    entity: E,
    externalId: string,
    ctx: MapContext,
    createdAt: string,
    updatedAt: string,
  ) {
    return {
      id: canonicalId(ctx.connectionId, entity, externalId),
      vendor: 'jobber' as const,
      externalId,
      connectionId: ctx.connectionId,
      createdAt,
      updatedAt,
      deletedAt: null,
    };
  }

  private ref(entity: EntityType, externalId: string, ctx: MapContext): string {
    return canonicalId(ctx.connectionId, entity, externalId);
  }

  customer(c: JobberClient, ctx: MapContext): Customer {
    return customerSchema.parse({
      ...this.base('customer', c.id, ctx, utc(c.createdAt), utc(c.updatedAt)),
      number: null,
      displayName: c.name,
      firstName: textOrNull(c.firstName),
      lastName: textOrNull(c.lastName),
      companyName: textOrNull(c.companyName),
      type: c.isCompany ? 'commercial' : 'residential',
      active: !c.isArchived,
      emails: c.emails.map((e) => ({
        type: emailType(e.description),
        address: e.address.trim(),
        primary: e.primary,
      })),
      phones: c.phones.map((p) => ({
        type: phoneType(p.description),
        number: p.number,
        e164: normalizePhoneNumber(p.number),
        extension: null,
        primary: p.primary,
      })),
      billingAddress: address(c.billingAddress),
      defaultLocationId: null,
      currency: JOBBER_CURRENCY,
      balance: money(c.balance),
      marketingOptIn: null,
      doNotService: false,
      leadSource: null,
      notes: null,
      tags: tagsOf(c.tags.nodes),
      customFields: {},
      mergedIntoId: null,
    } satisfies Customer);
  }

  location(p: JobberProperty, ctx: MapContext): Location {
    if (p.client === null) throw new Error(`Jobber property ${p.id} has no client`);
    const at = utc(p.client.createdAt);
    const line = address(p.address, p.address.coordinates);
    if (line === null) throw new Error(`Jobber property ${p.id} has no street address`);
    return locationSchema.parse({
      ...this.base('location', p.id, ctx, at, at),
      customerId: this.ref('customer', p.client.id, ctx),
      name: textOrNull(p.name),
      address: line,
      active: true,
      taxCode: p.taxRate?.name ?? null,
      notes: null,
      tags: [],
      customFields: {},
      mergedIntoId: null,
    } satisfies Location);
  }

  job(j: JobberJob, ctx: MapContext): Job {
    const completedAt = utcOrNull(j.completedAt);
    const technicians = new Set<string>();
    for (const visit of j.visits?.nodes ?? []) {
      for (const user of visit.assignedUsers.nodes) technicians.add(this.ref('technician', user.id, ctx));
    }
    return jobSchema.parse({
      ...this.base('job', j.id, ctx, utc(j.createdAt), utc(j.updatedAt)),
      number: String(j.jobNumber),
      title: j.title ?? '',
      description: textOrNull(j.instructions),
      status: jobStatus(j.jobStatus, completedAt),
      vendorStatus: j.jobStatus,
      customerId: this.ref('customer', j.client.id, ctx),
      locationId: j.property ? this.ref('location', j.property.id, ctx) : null,
      serviceAddress: null,
      jobType: j.jobType,
      priority: null,
      source: null,
      businessUnit: null,
      scheduledStart: utcOrNull(j.startAt),
      scheduledEnd: utcOrNull(j.endAt),
      technicianIds: [...technicians].sort(),
      estimateId: j.quote ? this.ref('estimate', j.quote.id, ctx) : null,
      membershipId: null,
      completedAt,
      canceledAt: null,
      cancelReason: null,
      currency: JOBBER_CURRENCY,
      lineItems: [],
      subtotal: null,
      tax: null,
      total: money(j.total),
      amountPaid: null,
      balance: null,
      notes: null,
      tags: [],
      customFields: {},
    } satisfies Job);
  }

  appointment(v: JobberVisit, ctx: MapContext): Appointment {
    const start = utcOrNull(v.startAt);
    let status = VISIT_STATUS[v.visitStatus];
    // Jobber's status and its schedule can disagree for a moment (a visit unscheduled but still "upcoming").
    if (status === 'scheduled' && start === null) status = 'unscheduled';
    if (status === 'unscheduled' && start !== null) status = 'scheduled';
    const completedAt = utcOrNull(v.completedAt);
    const createdAt = utc(v.createdAt);
    return appointmentSchema.parse({
      ...this.base('appointment', v.id, ctx, createdAt, completedAt ?? createdAt),
      jobId: this.ref('job', v.job.id, ctx),
      number: null,
      status,
      vendorStatus: v.visitStatus,
      scheduledStart: start,
      scheduledEnd: utcOrNull(v.endAt),
      arrivalWindowStart: null,
      arrivalWindowEnd: null,
      technicianIds: [...new Set(v.assignedUsers.nodes.map((u) => this.ref('technician', u.id, ctx)))].sort(),
      enRouteAt: null,
      arrivedAt: null,
      completedAt,
      instructions: textOrNull(v.instructions),
    } satisfies Appointment);
  }

  private lines(items: readonly JobberLineItem[] | undefined, ctx: MapContext): Line[] {
    return (items ?? []).map((l, position) => ({
      id: this.ref('line_item', l.id, ctx),
      externalId: l.id,
      kind:
        l.linkedProductOrService === null
          ? 'other'
          : l.linkedProductOrService.category === 'SERVICE'
            ? 'service'
            : 'material',
      name: l.name,
      description: textOrNull(l.description),
      pricebookItemId: l.linkedProductOrService
        ? this.ref('pricebook_item', l.linkedProductOrService.id, ctx)
        : null,
      sku: null,
      quantity: l.quantity,
      unit: null,
      unitPrice: money(l.unitPrice),
      unitCost: null,
      total: money(l.totalPrice),
      taxable: l.taxable,
      taxCode: null,
      position,
    }));
  }

  estimate(q: JobberQuote, ctx: MapContext): Estimate {
    if (q.client === null) throw new Error(`Jobber quote ${q.id} has no client`);
    return estimateSchema.parse({
      ...this.base('estimate', q.id, ctx, utc(q.createdAt), utc(q.updatedAt)),
      number: q.quoteNumber,
      title: textOrNull(q.title),
      status: QUOTE_STATUS[q.quoteStatus],
      vendorStatus: q.quoteStatus,
      customerId: this.ref('customer', q.client.id, ctx),
      locationId: q.property ? this.ref('location', q.property.id, ctx) : null,
      jobId: null,
      soldByTechnicianId: q.salesperson ? this.ref('technician', q.salesperson.id, ctx) : null,
      currency: JOBBER_CURRENCY,
      lineItems: this.lines(q.lineItems?.nodes, ctx),
      options: [],
      subtotal: money(q.amounts.subtotal),
      discount: money(q.amounts.discountAmount),
      tax: money(q.amounts.taxAmount),
      total: money(q.amounts.total),
      validUntil: null,
      sentAt: null,
      approvedAt: null,
      declinedAt: null,
      documentUrl: null,
      notes: null,
    } satisfies Estimate);
  }

  lead(r: JobberRequest, ctx: MapContext): Lead {
    return leadSchema.parse({
      ...this.base('lead', r.id, ctx, utc(r.createdAt), utc(r.updatedAt)),
      status: REQUEST_STATUS[r.requestStatus],
      vendorStatus: r.requestStatus,
      customerId: r.client ? this.ref('customer', r.client.id, ctx) : null,
      locationId: r.property ? this.ref('location', r.property.id, ctx) : null,
      firstName: null,
      lastName: null,
      companyName: null,
      emails: [],
      phones: [],
      address: null,
      source: textOrNull(r.source),
      priority: null,
      summary: textOrNull(r.title),
      convertedJobId: null,
      convertedAt: null,
      tags: [],
    } satisfies Lead);
  }

  invoice(i: JobberInvoice, ctx: MapContext): Invoice {
    const paid = money(i.amounts.paymentsTotal);
    const status = invoiceStatus(i.invoiceStatus, paid);
    const job = i.jobs?.nodes[0];
    const property = i.properties?.nodes[0];
    return invoiceSchema.parse({
      ...this.base('invoice', i.id, ctx, utc(i.createdAt), utc(i.updatedAt)),
      number: i.invoiceNumber,
      status,
      vendorStatus: i.invoiceStatus,
      customerId: this.ref('customer', i.client.id, ctx),
      locationId: property ? this.ref('location', property.id, ctx) : null,
      jobId: job ? this.ref('job', job.id, ctx) : null,
      currency: JOBBER_CURRENCY,
      lineItems: this.lines(i.lineItems?.nodes, ctx),
      taxes: [],
      discounts: [],
      subtotal: money(i.amounts.subtotal),
      discount: money(i.amounts.discountAmount),
      tax: money(i.amounts.taxAmount),
      total: money(i.amounts.total),
      amountPaid: paid,
      balance: money(i.amounts.invoiceBalance),
      issuedDate: localDate(i.issuedDate),
      dueDate: localDate(i.dueDate),
      sentAt: null,
      paidAt: status === 'paid' ? utcOrNull(i.receivedDate) : null,
      voidedAt: null,
      documentUrl: null,
      memo: textOrNull(i.subject),
    } satisfies Invoice);
  }

  payment(p: JobberPaymentRecord, ctx: MapContext): Payment {
    const at = utc(p.entryDate);
    return paymentSchema.parse({
      ...this.base('payment', p.id, ctx, at, at),
      // Jobber lists recorded payments only (a voided one disappears): every listed record is captured.
      status: 'captured',
      vendorStatus: 'recorded',
      customerId: this.ref('customer', p.client.id, ctx),
      invoiceId: p.invoice ? this.ref('invoice', p.invoice.id, ctx) : null,
      appliedTo: [],
      method: PAYMENT_METHOD[p.paymentType],
      vendorMethod: p.paymentType,
      card: null,
      checkNumber: null,
      currency: JOBBER_CURRENCY,
      amount: money(p.amount),
      tipAmount: money(p.tipAmount),
      fee: null,
      refundedAmount: 0,
      collectedAt: at,
      processor: p.paymentType === 'JOBBER_PAYMENTS' ? 'Jobber Payments' : null,
      externalTransactionId: null,
      memo: textOrNull(p.details),
    } satisfies Payment);
  }

  technician(u: JobberUser, ctx: MapContext): Technician {
    const at = utc(u.createdAt);
    return technicianSchema.parse({
      ...this.base('technician', u.id, ctx, at, at),
      name: u.name.full,
      firstName: textOrNull(u.name.first),
      lastName: textOrNull(u.name.last),
      email: textOrNull(u.email.raw),
      phone: textOrNull(u.phone?.friendly),
      role: u.isAccountOwner ? 'owner' : 'technician',
      vendorRole: u.isAccountOwner ? 'Account owner' : null,
      active: u.status === 'ACTIVATED',
      businessUnit: null,
      color: null,
    } satisfies Technician);
  }

  pricebookItem(p: JobberProductOrService, ctx: MapContext): PricebookItem {
    return pricebookItemSchema.parse({
      ...this.base('pricebook_item', p.id, ctx, EPOCH, EPOCH),
      kind: p.category === 'SERVICE' ? 'service' : 'material',
      code: null,
      name: p.name,
      description: textOrNull(p.description),
      category: p.category,
      unit: null,
      currency: JOBBER_CURRENCY,
      price: money(p.defaultUnitCost),
      memberPrice: null,
      cost: p.internalUnitCost === null ? null : money(p.internalUnitCost),
      durationMinutes: p.durationMinutes,
      taxable: p.taxable,
      active: true,
      inventoryTracked: false,
    } satisfies PricebookItem);
  }
}

export const jobberMapper = new JobberMapper();

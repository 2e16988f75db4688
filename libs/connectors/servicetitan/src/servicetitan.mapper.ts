import {
  Money,
  canonicalId,
  entitySchemas,
  normalizePhoneNumber,
  normalizeTimestamp,
  type Address,
  type Appointment,
  type AppointmentStatus,
  type CanonicalEntity,
  type Contact,
  type CurrencyCode,
  type Customer,
  type EntityType,
  type Equipment,
  type Estimate,
  type EstimateStatus,
  type Invoice,
  type InvoiceStatus,
  type Job,
  type JobStatus,
  type Line,
  type Location,
  type Membership,
  type MembershipStatus,
  type Payment,
  type PaymentMethod,
  type PricebookItem,
  type Technician,
} from '@fieldsync/canonical-model';
import type { RecordMapper, VendorRecord } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import {
  servicetitanAppointmentRecordSchema,
  servicetitanContactSchema,
  servicetitanCustomerSchema,
  servicetitanEquipmentSchema,
  servicetitanEstimateRecordSchema,
  servicetitanInstalledEquipmentSchema,
  servicetitanInvoiceSchema,
  servicetitanJobRecordSchema,
  servicetitanLocationSchema,
  servicetitanMaterialSchema,
  servicetitanMembershipSchema,
  servicetitanPaymentSchema,
  servicetitanServiceSchema,
  servicetitanTechnicianSchema,
  type ServiceTitanAppointmentRecord,
  type ServiceTitanContact,
  type ServiceTitanCrmCustomField,
  type ServiceTitanCustomer,
  type ServiceTitanEstimateRecord,
  type ServiceTitanInstalledEquipment,
  type ServiceTitanInvoice,
  type ServiceTitanJobRecord,
  type ServiceTitanLocation,
  type ServiceTitanMembership,
  type ServiceTitanPayment,
  type ServiceTitanTechnician,
  type servicetitanAddressSchema,
} from './servicetitan.schemas';

/*
 * ServiceTitan wire records → canonical objects. Pure: the same record and connection always give the
 * same object. Money goes through `Money` (integer minor units; decimal strings and dollar numbers
 * alike), times through `normalizeTimestamp` (UTC `Z`), ids become strings and references become the
 * canonical ids of the same connection. Every object is parsed with its canonical schema on the way
 * out, so a mapping that cannot be represented fails here, loudly, naming the field.
 *
 * What the wire holds is mapped; what it does not hold is null/empty rather than guessed:
 *  - tags: a job's `tagTypeIds`, named through the tag types its record carries (the jobs reader looks
 *    them up). The published crm v2 customer and location rows carry no tags (CustomerResponse and
 *    LocationResponse have no `tagTypeIds`), so those stay empty, as the canonical schema's arrays must;
 *  - custom fields: customers', locations' and jobs' `customFields`, keyed by their label (`name`), or by
 *    the type id when ServiceTitan sends no label;
 *  - a customer's emails and phones are its Contact records (their own stream), not on its row;
 *  - a job's schedule and technicians live on its appointments; job type, business unit, campaign, a
 *    technician's business unit and a price book item's categories are ids without names;
 *  - ServiceTitan rows carry no tips, processor, card details, refunds or sent/paid times.
 * Rows without `createdOn` (contacts, estimates, pricebook items) use `modifiedOn`; rows without any
 * change time (payments, installed equipment) use their business date (`date`, `installedOn`).
 */

type MapContext = { readonly tenantId: string; readonly connectionId: string };

/** The currency of the connector's tenants: ServiceTitan amounts carry none (the sandbox's tenant bills in USD). */
export const SERVICETITAN_CURRENCY: CurrencyCode = 'USD';
type Row = Extract<VendorRecord, { kind: 'record' }>;

const JOB_STATUSES: Readonly<Record<ServiceTitanJobRecord['job']['jobStatus'], JobStatus>> = {
  Scheduled: 'scheduled',
  InProgress: 'in_progress',
  Hold: 'on_hold',
  Completed: 'completed',
  Canceled: 'canceled',
};

const APPOINTMENT_STATUSES: Readonly<
  Record<ServiceTitanAppointmentRecord['appointment']['status'], AppointmentStatus>
> = {
  Scheduled: 'scheduled',
  Dispatched: 'dispatched',
  Working: 'in_progress',
  Hold: 'on_hold',
  Done: 'completed',
  Canceled: 'canceled',
};

/** ServiceTitan's estimate states: Open is presented and awaiting the customer, Sold approved. */
const ESTIMATE_STATUSES: Readonly<
  Record<ServiceTitanEstimateRecord['estimate']['status']['name'], EstimateStatus>
> = {
  Open: 'sent',
  Sold: 'approved',
  Dismissed: 'declined',
};

const MEMBERSHIP_STATUSES: Readonly<Record<ServiceTitanMembership['status'], MembershipStatus>> = {
  Active: 'active',
  Suspended: 'suspended',
  Expired: 'expired',
  Canceled: 'canceled',
  Deleted: 'canceled',
};

const BILLING_FREQUENCIES: Readonly<Record<string, Membership['billingFrequency']>> = {
  monthly: 'monthly',
  quarterly: 'quarterly',
  semiannual: 'semiannual',
  semiannually: 'semiannual',
  annual: 'annual',
  annually: 'annual',
  onetime: 'one_time',
};

/** ISO 3166-1 alpha-3 codes ServiceTitan tenants use, to the canonical alpha-2. */
const COUNTRY_ALPHA2: Readonly<Record<string, string>> = { USA: 'US', US: 'US', CAN: 'CA', CA: 'CA' };

const LINE_KINDS: Readonly<Record<string, Line['kind']>> = {
  Service: 'service',
  Material: 'material',
  Equipment: 'equipment',
};

function utc(value: string): string {
  return normalizeTimestamp(value);
}

function utcOrNull(value: string | null): string | null {
  return value === null ? null : utc(value);
}

/** The UTC calendar date of an instant (`2024-03-02T17:50:00Z` → `2024-03-02`). */
function dateOf(value: string | null): string | null {
  return value === null ? null : utc(value).slice(0, 10);
}

function nullIfBlank(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function address(a: z.infer<typeof servicetitanAddressSchema>): Address | null {
  const line1 = nullIfBlank(a.street);
  if (line1 === null) return null;
  const country = nullIfBlank(a.country);
  return {
    line1,
    line2: nullIfBlank(a.unit),
    city: nullIfBlank(a.city),
    region: nullIfBlank(a.state),
    postalCode: nullIfBlank(a.zip),
    country: country === null ? null : (COUNTRY_ALPHA2[country.toUpperCase()] ?? null),
    geo: a.latitude !== null && a.longitude !== null ? { lat: a.latitude, lon: a.longitude } : null,
  };
}

/** ServiceTitan custom fields → canonical ones, keyed by label (type id when there is none). */
function customFields(fields: readonly ServiceTitanCrmCustomField[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const field of fields) out[nullIfBlank(field.name) ?? String(field.typeId)] = field.value ?? null;
  return out;
}

/** Canonical parse: the object as the schema outputs it, or a ZodError naming every bad field. */
function checked<E extends EntityType>(entity: E, value: unknown): CanonicalEntity {
  return entitySchemas[entity].parse(value);
}

/** The ServiceTitan read side's mapper; `currency` is the tenant's (ServiceTitan sends no currency). */
export class ServiceTitanMapper implements RecordMapper {
  constructor(private readonly currency: CurrencyCode = SERVICETITAN_CURRENCY) {}

  toCanonical(record: Row, ctx: MapContext): CanonicalEntity {
    switch (record.entity) {
      case 'customer':
        return checked('customer', this.customer(servicetitanCustomerSchema.parse(record.raw), record, ctx));
      case 'location':
        return checked('location', this.location(servicetitanLocationSchema.parse(record.raw), record, ctx));
      case 'contact':
        return checked('contact', this.contact(servicetitanContactSchema.parse(record.raw), record, ctx));
      case 'technician':
        return checked(
          'technician',
          this.technician(servicetitanTechnicianSchema.parse(record.raw), record, ctx),
        );
      case 'job':
        return checked('job', this.job(servicetitanJobRecordSchema.parse(record.raw), record, ctx));
      case 'appointment':
        return checked(
          'appointment',
          this.appointment(servicetitanAppointmentRecordSchema.parse(record.raw), record, ctx),
        );
      case 'estimate':
        return checked(
          'estimate',
          this.estimate(servicetitanEstimateRecordSchema.parse(record.raw), record, ctx),
        );
      case 'invoice':
        return checked('invoice', this.invoice(servicetitanInvoiceSchema.parse(record.raw), record, ctx));
      case 'payment':
        return checked('payment', this.payment(servicetitanPaymentSchema.parse(record.raw), record, ctx));
      case 'pricebook_item':
        return checked('pricebook_item', this.pricebookItem(record, ctx));
      case 'membership':
        return checked(
          'membership',
          this.membership(servicetitanMembershipSchema.parse(record.raw), record, ctx),
        );
      case 'equipment':
        return checked(
          'equipment',
          this.installedEquipment(servicetitanInstalledEquipmentSchema.parse(record.raw), record, ctx),
        );
      default:
        throw new RangeError(`ServiceTitan mapper: no mapping for entity ${record.entity}`);
    }
  }

  /** Vendor decimal (string or dollars) → canonical amount, exact to the currency's minor unit. */
  private money(value: string | number): number {
    return Money.parse(value, this.currency).toAmount();
  }

  private base<E extends EntityType>(
    entity: E,
    record: Row,
    ctx: MapContext,
    times: { createdAt: string; updatedAt: string },
  ) {
    return {
      id: canonicalId(ctx.connectionId, entity, record.externalId),
      vendor: 'servicetitan' as const,
      externalId: record.externalId,
      connectionId: ctx.connectionId,
      createdAt: times.createdAt,
      updatedAt: times.updatedAt,
      deletedAt: record.deleted ? times.updatedAt : null,
    };
  }

  private ref(ctx: MapContext, entity: EntityType, vendorId: number): string;
  private ref(ctx: MapContext, entity: EntityType, vendorId: number | null): string | null;
  private ref(ctx: MapContext, entity: EntityType, vendorId: number | null): string | null {
    return vendorId === null || vendorId === 0
      ? null
      : canonicalId(ctx.connectionId, entity, String(vendorId));
  }

  private customer(c: ServiceTitanCustomer, record: Row, ctx: MapContext): Customer {
    return {
      ...this.base('customer', record, ctx, { createdAt: utc(c.createdOn), updatedAt: utc(c.modifiedOn) }),
      number: String(c.id),
      displayName: c.name,
      firstName: null,
      lastName: null,
      companyName: c.type === 'Commercial' ? c.name : null,
      type: c.type === 'Commercial' ? 'commercial' : 'residential',
      active: c.active,
      emails: [],
      phones: [],
      billingAddress: address(c.address),
      defaultLocationId: null,
      currency: this.currency,
      balance: c.balance === null ? null : this.money(c.balance),
      marketingOptIn: !c.doNotMail,
      doNotService: c.doNotService,
      leadSource: null,
      notes: null,
      tags: [],
      customFields: customFields(c.customFields),
      mergedIntoId: this.ref(ctx, 'customer', c.mergedToId),
    };
  }

  private location(l: ServiceTitanLocation, record: Row, ctx: MapContext): Location {
    const mapped = address(l.address);
    if (mapped === null) throw new RangeError(`ServiceTitan location ${l.id}: address.street is empty`);
    return {
      ...this.base('location', record, ctx, { createdAt: utc(l.createdOn), updatedAt: utc(l.modifiedOn) }),
      customerId: this.ref(ctx, 'customer', l.customerId),
      name: nullIfBlank(l.name),
      address: mapped,
      active: l.active,
      taxCode: l.taxZoneId === null ? null : String(l.taxZoneId),
      notes: null,
      tags: [],
      customFields: customFields(l.customFields),
      mergedIntoId: this.ref(ctx, 'location', l.mergedToId),
    };
  }

  private contact(c: ServiceTitanContact, record: Row, ctx: MapContext): Contact {
    const modified = utc(c.modifiedOn);
    const value = c.value.trim();
    const isEmail = c.type === 'Email';
    const phoneType = c.type === 'MobilePhone' ? 'mobile' : c.type === 'Fax' ? 'fax' : 'other';
    return {
      ...this.base('contact', record, ctx, { createdAt: modified, updatedAt: modified }),
      customerId: this.ref(ctx, 'customer', c.customerId),
      locationId: null,
      name: null,
      firstName: null,
      lastName: null,
      role: null,
      emails: isEmail ? [{ type: 'other', address: value, primary: false }] : [],
      phones: isEmail
        ? []
        : [
            {
              type: phoneType,
              number: value,
              e164: normalizePhoneNumber(value),
              extension: null,
              primary: false,
            },
          ],
      isPrimary: false,
      doNotText: c.phoneSettings?.doNotText ?? isEmail,
      notes: nullIfBlank(c.memo),
    };
  }

  private technician(t: ServiceTitanTechnician, record: Row, ctx: MapContext): Technician {
    return {
      ...this.base('technician', record, ctx, { createdAt: utc(t.createdOn), updatedAt: utc(t.modifiedOn) }),
      name: t.name,
      firstName: null,
      lastName: null,
      email: nullIfBlank(t.email),
      phone: nullIfBlank(t.phoneNumber),
      role: 'technician',
      vendorRole: 'Technician',
      active: t.active,
      businessUnit: null,
      color: null,
    };
  }

  private job(r: ServiceTitanJobRecord, record: Row, ctx: MapContext): Job {
    const j = r.job;
    const tagNames = new Map(r.tagTypes.map((t) => [t.id, t.name.trim()]));
    const tags = [...new Set(j.tagTypeIds.map((id) => tagNames.get(id) ?? ''))].filter((t) => t !== '');
    return {
      ...this.base('job', record, ctx, { createdAt: utc(j.createdOn), updatedAt: utc(j.modifiedOn) }),
      number: j.jobNumber,
      title: j.summary ?? '',
      description: null,
      status: JOB_STATUSES[j.jobStatus],
      vendorStatus: j.jobStatus,
      customerId: this.ref(ctx, 'customer', j.customerId),
      locationId: this.ref(ctx, 'location', j.locationId),
      serviceAddress: null,
      jobType: null,
      priority: j.priority === null ? null : (j.priority.toLowerCase() as Job['priority']),
      source: null,
      businessUnit: null,
      scheduledStart: null,
      scheduledEnd: null,
      technicianIds: [],
      estimateId: null,
      membershipId: null,
      completedAt: utcOrNull(j.completedOn),
      canceledAt: null,
      cancelReason: null,
      currency: this.currency,
      lineItems: [],
      subtotal: null,
      tax: null,
      total: null,
      amountPaid: null,
      balance: null,
      notes: null,
      tags,
      customFields: customFields(j.customFields),
    };
  }

  private appointment(r: ServiceTitanAppointmentRecord, record: Row, ctx: MapContext): Appointment {
    const a = r.appointment;
    const technicians = [...new Set(r.assignments.map((x) => x.technicianId))].sort((x, y) => x - y);
    return {
      ...this.base('appointment', record, ctx, { createdAt: utc(a.createdOn), updatedAt: utc(a.modifiedOn) }),
      jobId: this.ref(ctx, 'job', a.jobId),
      number: a.appointmentNumber,
      status: APPOINTMENT_STATUSES[a.status],
      vendorStatus: a.status,
      scheduledStart: utc(a.start),
      scheduledEnd: utc(a.end),
      arrivalWindowStart: utcOrNull(a.arrivalWindowStart),
      arrivalWindowEnd: utcOrNull(a.arrivalWindowEnd),
      technicianIds: technicians.map((t) => this.ref(ctx, 'technician', t)),
      enRouteAt: null,
      arrivedAt: null,
      completedAt: null,
      instructions: nullIfBlank(a.specialInstructions),
    };
  }

  private lineKind(type: string, total: number): Line['kind'] {
    if (type === 'PriceModifier') return total < 0 ? 'discount' : 'fee';
    return LINE_KINDS[type] ?? 'other';
  }

  private estimate(r: ServiceTitanEstimateRecord, record: Row, ctx: MapContext): Estimate {
    const e = r.estimate;
    const modified = utc(e.modifiedOn);
    const lines: Line[] = e.items.map((item, position) => {
      const total = this.money(item.total);
      return {
        id: canonicalId(ctx.connectionId, 'line_item', String(item.id)),
        externalId: String(item.id),
        kind: this.lineKind(item.sku.type, total),
        name: item.sku.displayName ?? item.description ?? item.sku.name,
        description: nullIfBlank(item.description),
        pricebookItemId: this.ref(ctx, 'pricebook_item', item.sku.id),
        sku: nullIfBlank(item.sku.name),
        quantity: item.qty,
        unit: null,
        unitPrice: this.money(item.unitRate),
        unitCost: null,
        total,
        taxable: null,
        taxCode: null,
        position,
      };
    });
    // The estimate row has no totals: they are the lines' (discounts are negative PriceModifier lines).
    const sum = (pick: (line: Line) => boolean) =>
      Money.sum(
        lines.filter(pick).map((line) => Money.fromAmount(line.total, this.currency)),
        this.currency,
      );
    const subtotal = sum((line) => line.kind !== 'discount');
    const discount = sum((line) => line.kind === 'discount').negate();
    return {
      ...this.base('estimate', record, ctx, { createdAt: modified, updatedAt: modified }),
      number: null,
      title: nullIfBlank(e.name),
      status: ESTIMATE_STATUSES[e.status.name],
      vendorStatus: e.status.name,
      customerId: this.ref(ctx, 'customer', r.job.customerId),
      locationId: this.ref(ctx, 'location', r.job.locationId),
      jobId: this.ref(ctx, 'job', e.jobId),
      soldByTechnicianId: this.ref(ctx, 'technician', e.soldBy),
      currency: this.currency,
      lineItems: lines,
      options: [],
      subtotal: subtotal.toAmount(),
      discount: discount.toAmount(),
      tax: 0,
      total: subtotal.subtract(discount).toAmount(),
      validUntil: null,
      sentAt: null,
      approvedAt: utcOrNull(e.soldOn),
      declinedAt: null,
      documentUrl: null,
      // ServiceTitan's estimate summary: the text the estimate shows under its name.
      notes: nullIfBlank(e.summary),
    };
  }

  private invoice(i: ServiceTitanInvoice, record: Row, ctx: MapContext): Invoice {
    const modified = utc(i.modifiedOn);
    const total = Money.parse(i.total, this.currency);
    const balance = Money.parse(i.balance, this.currency);
    const tax = Money.parse(i.salesTax, this.currency);
    let status: InvoiceStatus;
    if (record.deleted) status = 'void';
    else if (balance.amountMinor <= 0) status = 'paid';
    else if (balance.compare(total) < 0) status = 'partially_paid';
    else status = 'open';
    const lines: Line[] = [...i.items]
      .sort((a, b) => a.order - b.order)
      .map((item, position) => {
        const lineTotal = this.money(item.total);
        return {
          id: canonicalId(ctx.connectionId, 'line_item', String(item.id)),
          externalId: String(item.id),
          kind: this.lineKind(item.type, lineTotal),
          name: item.displayName ?? item.description ?? item.skuName ?? '',
          description: nullIfBlank(item.description),
          pricebookItemId: this.ref(ctx, 'pricebook_item', item.skuId),
          sku: nullIfBlank(item.skuName),
          quantity: Number(item.quantity),
          unit: null,
          unitPrice: this.money(item.price),
          unitCost: this.money(item.cost),
          total: lineTotal,
          taxable: item.taxable,
          taxCode: null,
          position,
        };
      });
    const discountLines = lines.filter((line) => line.kind === 'discount');
    const discount = Money.sum(
      discountLines.map((line) => Money.fromAmount(-line.total, this.currency)),
      this.currency,
    );
    return {
      ...this.base('invoice', record, ctx, {
        createdAt: i.invoiceDate === null ? modified : utc(i.invoiceDate),
        updatedAt: modified,
      }),
      number: nullIfBlank(i.referenceNumber),
      status,
      vendorStatus: i.syncStatus,
      customerId: this.ref(ctx, 'customer', i.customer.id),
      locationId: null,
      jobId: i.job === null ? null : this.ref(ctx, 'job', i.job.id),
      currency: this.currency,
      lineItems: lines,
      taxes:
        i.salesTaxCode === null
          ? []
          : [
              {
                name: i.salesTaxCode.name ?? String(i.salesTaxCode.id),
                ratePercent: i.salesTaxCode.taxRate,
                amount: tax.toAmount(),
              },
            ],
      // Discounts are negative PriceModifier lines, already inside subTotal (total = subTotal + salesTax):
      // the canonical subtotal is before them, and each is itemised.
      discounts: discountLines.map((line) => ({
        name: nullIfBlank(line.name),
        percent: null,
        amount: -line.total,
      })),
      subtotal: Money.parse(i.subTotal, this.currency).add(discount).toAmount(),
      discount: discount.toAmount(),
      tax: tax.toAmount(),
      total: total.toAmount(),
      amountPaid: total.subtract(balance).toAmount(),
      balance: balance.toAmount(),
      issuedDate: dateOf(i.invoiceDate),
      dueDate: dateOf(i.dueDate),
      sentAt: null,
      paidAt: null,
      voidedAt: record.deleted ? modified : null,
      documentUrl: null,
      memo: nullIfBlank(i.summary),
    };
  }

  /** The canonical method from the payment type's name (ServiceTitan payment types are per tenant). */
  private paymentMethod(type: string | null): PaymentMethod {
    const name = (type ?? '').toLowerCase();
    if (/\bach\b|e-?check|bank|transfer/.test(name)) return 'ach';
    if (/card|visa|master|amex|discover/.test(name)) return 'card';
    if (/cash/.test(name)) return 'cash';
    if (/check|cheque/.test(name)) return 'check';
    return 'other';
  }

  private payment(p: ServiceTitanPayment, record: Row, ctx: MapContext): Payment {
    if (p.date === null) throw new RangeError(`ServiceTitan payment ${p.id}: date is null`);
    const paidOn = utc(p.date);
    const method = this.paymentMethod(p.type);
    const appliedTo = p.appliedTo.map((a) => ({
      invoiceId: this.ref(ctx, 'invoice', a.appliedTo),
      amount: this.money(a.appliedAmount),
    }));
    return {
      // A payment row has no modifiedOn: its payment date stands for both times.
      ...this.base('payment', record, ctx, { createdAt: paidOn, updatedAt: paidOn }),
      status: record.deleted ? 'voided' : 'captured',
      vendorStatus: record.deleted ? 'Voided' : p.syncStatus,
      customerId: p.customer === null ? null : this.ref(ctx, 'customer', p.customer.id),
      invoiceId: appliedTo.length === 1 ? (appliedTo[0]?.invoiceId ?? null) : null,
      appliedTo,
      method,
      vendorMethod: nullIfBlank(p.type),
      card: null,
      checkNumber: method === 'check' ? nullIfBlank(p.checkNumber) : null,
      currency: this.currency,
      amount: this.money(p.total),
      tipAmount: 0,
      fee: null,
      refundedAmount: 0,
      collectedAt: paidOn,
      processor: null,
      externalTransactionId: nullIfBlank(p.authCode),
      memo: nullIfBlank(p.memo),
    };
  }

  private pricebookItem(record: Row, ctx: MapContext): PricebookItem {
    // The three pricebook feeds map to one entity; the strict schemas tell them apart.
    const service = servicetitanServiceSchema.safeParse(record.raw);
    const material = service.success ? undefined : servicetitanMaterialSchema.safeParse(record.raw);
    const equipment =
      service.success || material?.success ? undefined : servicetitanEquipmentSchema.parse(record.raw);
    const item = service.success ? service.data : material?.success ? material.data : equipment;
    if (item === undefined) throw new RangeError('ServiceTitan pricebook item: unreachable');
    const kind: PricebookItem['kind'] = service.success
      ? 'service'
      : material?.success
        ? 'material'
        : 'equipment';
    const cost = 'cost' in item ? this.money(item.cost) : null;
    const unit = 'unitOfMeasure' in item ? nullIfBlank(item.unitOfMeasure) : null;
    const modified = utc(item.modifiedOn);
    return {
      ...this.base('pricebook_item', record, ctx, { createdAt: modified, updatedAt: modified }),
      kind,
      code: nullIfBlank(item.code),
      name: nullIfBlank(item.displayName) ?? item.code,
      description: nullIfBlank(item.description),
      category: null,
      unit,
      currency: this.currency,
      price: this.money(item.price),
      memberPrice: this.money(item.memberPrice),
      cost,
      durationMinutes: Math.round(item.hours * 60),
      taxable: item.taxable,
      active: item.active,
      inventoryTracked: 'isInventory' in item ? item.isInventory : false,
    };
  }

  private membership(m: ServiceTitanMembership, record: Row, ctx: MapContext): Membership {
    const frequency =
      m.billingFrequency === null ? null : m.billingFrequency.toLowerCase().replace(/[^a-z]/g, '');
    return {
      ...this.base('membership', record, ctx, { createdAt: utc(m.createdOn), updatedAt: utc(m.modifiedOn) }),
      customerId: this.ref(ctx, 'customer', m.customerId),
      locationId: this.ref(ctx, 'location', m.locationId),
      name: nullIfBlank(m.memo) ?? `Membership type ${String(m.membershipTypeId)}`,
      status: MEMBERSHIP_STATUSES[m.status],
      vendorStatus: m.status,
      startDate: dateOf(m.from),
      endDate: dateOf(m.to),
      nextVisitDate: null,
      autoRenew: null,
      billingFrequency: frequency === null ? null : (BILLING_FREQUENCIES[frequency] ?? 'other'),
      currency: this.currency,
      price: null,
      visitsIncluded: null,
      visitsUsed: null,
      canceledAt: utcOrNull(m.cancellationDate),
    };
  }

  private installedEquipment(e: ServiceTitanInstalledEquipment, record: Row, ctx: MapContext): Equipment {
    if (e.installedOn === null)
      throw new RangeError(`ServiceTitan installed equipment ${e.id}: installedOn is null`);
    // The row has no modifiedOn: the installation time stands for both times.
    const installed = utc(e.installedOn);
    return {
      ...this.base('equipment', record, ctx, { createdAt: installed, updatedAt: installed }),
      customerId: this.ref(ctx, 'customer', e.customerId),
      locationId: this.ref(ctx, 'location', e.locationId),
      name: e.name,
      type: nullIfBlank(e.memo),
      manufacturer: nullIfBlank(e.manufacturer),
      model: nullIfBlank(e.model),
      serialNumber: nullIfBlank(e.serialNumber),
      installedOn: dateOf(e.installedOn),
      warrantyExpiresOn: dateOf(e.manufacturerWarrantyEnd),
      active: !record.deleted,
      notes: null,
      customFields: {},
    };
  }
}

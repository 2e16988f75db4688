import {
  ID_BASE,
  type AppointmentStatus,
  type EstimateStatus,
  type JobStatus,
  type PaymentMethod,
  type StoredRecord,
  type World,
  type WorldAddress,
  type WorldLineItem,
} from '@fieldsync/sandbox-world';
import { connectionOf, ID_ORDER, MAX_PAGE_SIZE, type Keyed, type Order } from './jobber-connection.util';
import { formatDateTime, formatNullableDateTime } from './jobber-datetime.util';
import { encodeId } from './jobber-encoded-id.util';

/**
 * The world rendered as Jobber holds it (vendors.md §2). Every object is plain JSON: exactly what a
 * query selecting its scalar fields (and `{ id }` of its references, and a client's tags as
 * `tags(first: 100) { nodes { label } pageInfo { hasNextPage endCursor } }`) returns, which is also the
 * ground truth export. The world record behind an object is kept under a symbol for the resolvers.
 *
 * What Jobber holds: deleted and merged-away customers and locations, voided payments, canceled or
 * deleted appointments and deleted estimates are gone (Jobber deletes them; a connector only notices by
 * their absence or a DESTROY webhook). Inactive customers are archived clients.
 *
 * Statuses are derived from stored state only, never from the clock (see JOB_STATUS_NOTE), so that
 * `updatedAt` moves whenever a rendered field changes: an object's `updatedAt` is the latest
 * modification of every world record it is rendered from (a client's contacts, a job's visits and
 * invoices).
 */
export const SOURCE = Symbol('world record');
export type Rendered<T, R> = T & { readonly [SOURCE]: R };

const cents = (n: number): number => n / 100;

export const JOBBER_TYPES = {
  customer: 'Client',
  location: 'Property',
  job: 'Job',
  appointment: 'Visit',
  estimate: 'Quote',
  invoice: 'Invoice',
  payment: 'PaymentRecord',
  employee: 'User',
  pricebookItem: 'ProductOrService',
} as const;

/** The world's job status → Jobber's `jobStatus` (clock-free: late/today/action_required are not derived). */
export function jobStatusOf(status: JobStatus, hasInvoice: boolean, hasScheduledVisit: boolean): string {
  switch (status) {
    case 'Canceled':
      return 'archived';
    case 'Completed':
      return hasInvoice ? 'archived' : 'requires_invoicing';
    case 'Hold':
      return 'on_hold';
    case 'InProgress':
      return 'active';
    case 'Scheduled':
      return hasScheduledVisit ? 'upcoming' : 'unscheduled';
  }
}

/** Appointment → `visitStatus`; Canceled appointments are not visits at all (Jobber deletes them). */
export const VISIT_STATUS: Readonly<Record<Exclude<AppointmentStatus, 'Canceled'>, string>> = {
  Scheduled: 'UPCOMING',
  Dispatched: 'UPCOMING',
  Working: 'ACTIVE',
  Hold: 'UNSCHEDULED',
  Done: 'COMPLETED',
};

export const QUOTE_STATUS: Readonly<Record<EstimateStatus, string>> = {
  Open: 'awaiting_response',
  Sold: 'approved',
  Dismissed: 'archived',
};

/** Every world estimate is a quote made from a request: the request is converted (archived if dismissed). */
export const REQUEST_STATUS: Readonly<Record<EstimateStatus, string>> = {
  Open: 'converted',
  Sold: 'converted',
  Dismissed: 'archived',
};

export const PAYMENT_TYPE: Readonly<Record<PaymentMethod, string>> = {
  card: 'CREDIT_CARD',
  ach: 'BANK_TRANSFER',
  cash: 'CASH',
  check: 'CHEQUE',
};

export function invoiceStatusOf(invoice: StoredRecord<'invoice'>): string {
  if (invoice.balance === 0 && invoice.total > 0) return 'paid';
  return invoice.status === 'Pending' ? 'draft' : 'awaiting_payment';
}

const ref = (type: string, id: number) => ({ id: encodeId(type, id) });

/** The `externalData` key of a job converted from a quote (`jobCreate(input: {quoteId})`): the quote's id. */
export const JOBBER_QUOTE_LINK = 'jobber.quoteId';

const linkedQuoteId = (j: StoredRecord<'job'>): number | undefined => {
  const value = j.externalData.find((e) => e.key === JOBBER_QUOTE_LINK)?.value;
  return value === undefined ? undefined : Number(value);
};

/** A client's tag as a connection lists it: its place among the client's tags, and its label. */
export interface TagEntry extends Keyed {
  readonly label: string;
}

/** Jobber's tags are the account's labels: one Tag id per label, whichever client carries it. */
function tagId(label: string): number {
  let h = 2_166_136_261;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16_777_619) >>> 0;
  return 1 + (h % 999_999);
}

function splitName(name: string): { first: string; last: string } {
  const space = name.indexOf(' ');
  return space < 0 ? { first: name, last: '' } : { first: name.slice(0, space), last: name.slice(space + 1) };
}

function address(a: DeepAddress) {
  return {
    street: a.unit ? `${a.street} ${a.unit}` : a.street,
    street1: a.street,
    street2: a.unit,
    city: a.city,
    province: a.state,
    postalCode: a.zip,
    country: 'United States',
  };
}
type DeepAddress = Readonly<WorldAddress>;

/** Renders records of one world; everything is computed from the store on demand. */
export class JobberMapper {
  constructor(readonly world: World) {}

  private get store() {
    return this.world.store;
  }

  // ------------------------------------------------------------ visibility

  isClientVisible(c: StoredRecord<'customer'>): boolean {
    return c.deletedOn === null && c.mergedToId === null;
  }
  isPropertyVisible(l: StoredRecord<'location'>): boolean {
    return l.deletedOn === null && l.mergedToId === null;
  }
  isVisitVisible(a: StoredRecord<'appointment'>): boolean {
    return a.deletedOn === null && a.status !== 'Canceled';
  }
  isEstimateVisible(e: StoredRecord<'estimate'>): boolean {
    return e.deletedOn === null;
  }
  isPaymentVisible(p: StoredRecord<'payment'>): boolean {
    return p.deletedOn === null;
  }
  isRecordVisible(r: { deletedOn: number | null }): boolean {
    return r.deletedOn === null;
  }

  // ------------------------------------------------------------ updatedAt (epoch ms)

  clientUpdatedAt(c: StoredRecord<'customer'>): number {
    let u = c.modifiedOn;
    for (const contact of this.store.children('contact', 'customerId', c.id)) {
      if (contact.modifiedOn > u) u = contact.modifiedOn;
    }
    return u;
  }

  jobUpdatedAt(j: StoredRecord<'job'>): number {
    let u = j.modifiedOn;
    for (const a of this.store.children('appointment', 'jobId', j.id)) if (a.modifiedOn > u) u = a.modifiedOn;
    for (const i of this.store.children('invoice', 'jobId', j.id)) if (i.createdOn > u) u = i.createdOn;
    for (const e of this.store.children('estimate', 'jobId', j.id)) if (e.createdOn > u) u = e.createdOn;
    return u;
  }

  /** The job converted from quote `estimateId` (jobCreate with quoteId), if any. */
  convertedJobOf(estimateId: number): StoredRecord<'job'> | undefined {
    for (const j of this.store.all('job')) if (linkedQuoteId(j) === estimateId) return j;
    return undefined;
  }

  // ------------------------------------------------------------ objects

  client(c: StoredRecord<'customer'>) {
    const contacts = this.store.children('contact', 'customerId', c.id).filter((x) => x.deletedOn === null);
    const emails = contacts.filter((x) => x.type === 'Email');
    const phones = contacts.filter((x) => x.type === 'Phone' || x.type === 'MobilePhone');
    const isCompany = c.type === 'Commercial';
    const person = isCompany ? { first: '', last: '' } : splitName(c.name);
    return this.wrap(c, {
      id: encodeId('Client', c.id),
      firstName: person.first,
      lastName: person.last,
      companyName: isCompany ? c.name : null,
      isCompany,
      name: c.name,
      emails: emails.map((e, i) => ({ address: e.value, primary: i === 0, description: e.memo })),
      phones: phones.map((p, i) => ({
        number: p.value,
        primary: i === 0,
        description: p.type === 'MobilePhone' ? 'Mobile' : 'Main',
        smsAllowed: p.type === 'MobilePhone' && !p.doNotText,
      })),
      billingAddress: address(c.address),
      balance: cents(c.balance),
      isLead: false,
      isArchived: !c.active,
      createdAt: formatDateTime(c.createdOn),
      updatedAt: formatDateTime(this.clientUpdatedAt(c)),
      tags: this.tagsPage(c),
    });
  }

  /** The client's tags in the order they were added (the `tags` connection's order). */
  clientTags(c: StoredRecord<'customer'>): TagEntry[] {
    return (c.tags ?? []).map((label, i) => ({ id: i + 1, label }));
  }

  tag(t: TagEntry) {
    return { id: encodeId('Tag', tagId(t.label)), label: t.label };
  }

  /**
   * What `tags(first: 100) { nodes { label } pageInfo { hasNextPage endCursor } }` answers: the client's
   * tags as the export shows them (the GraphQL field itself is resolved with its own arguments).
   */
  private tagsPage(c: StoredRecord<'customer'>) {
    const page = connectionOf(
      this.clientTags(c),
      ID_ORDER as Order<TagEntry>,
      { first: MAX_PAGE_SIZE },
      () => true,
      (t) => ({ label: t.label }),
    );
    return {
      nodes: page.nodes,
      pageInfo: { hasNextPage: page.pageInfo.hasNextPage, endCursor: page.pageInfo.endCursor },
    };
  }

  property(l: StoredRecord<'location'>) {
    const zone = this.store.get('taxZone', l.taxZoneId);
    return this.wrap(l, {
      id: encodeId('Property', l.id),
      name: l.name,
      address: {
        ...address(l.address),
        coordinates: { latitude: l.address.latitude, longitude: l.address.longitude },
      },
      client: ref('Client', l.customerId),
      taxRate: zone
        ? { id: encodeId('TaxRate', zone.id), name: zone.name, tax: zone.ratePpm / 10_000 }
        : null,
    });
  }

  job(j: StoredRecord<'job'>) {
    const visits = this.store.children('appointment', 'jobId', j.id).filter((a) => this.isVisitVisible(a));
    const scheduled = visits.filter((a) => a.status !== 'Hold');
    const invoices = this.store.children('invoice', 'jobId', j.id);
    const linked = linkedQuoteId(j);
    const estimate =
      linked === undefined
        ? this.store.children('estimate', 'jobId', j.id).find((e) => this.isEstimateVisible(e))
        : this.store.get('estimate', linked);
    let startAt: number | null = null;
    let endAt: number | null = null;
    for (const v of scheduled) {
      if (startAt === null || v.start < startAt) startAt = v.start;
      if (endAt === null || v.end > endAt) endAt = v.end;
    }
    const open = scheduled.some((v) => v.status !== 'Done');
    return this.wrap(j, {
      id: encodeId('Job', j.id),
      jobNumber: Number(j.jobNumber),
      title: j.summary === '' ? null : j.summary,
      instructions: visits[0]?.specialInstructions ?? null,
      jobStatus: jobStatusOf(j.status, invoices.length > 0, open),
      jobType: 'ONE_OFF',
      total: cents(invoices.reduce((sum, i) => sum + i.total, 0)),
      startAt: formatNullableDateTime(startAt),
      endAt: formatNullableDateTime(endAt),
      completedAt: formatNullableDateTime(j.completedOn),
      client: ref('Client', j.customerId),
      property: ref('Property', j.locationId),
      quote: estimate ? ref('Quote', estimate.id) : null,
      createdAt: formatDateTime(j.createdOn),
      updatedAt: formatDateTime(this.jobUpdatedAt(j)),
    });
  }

  visit(a: StoredRecord<'appointment'>) {
    const job = this.store.get('job', a.jobId);
    const unscheduled = a.status === 'Hold';
    return this.wrap(a, {
      id: encodeId('Visit', a.id),
      title: job && job.summary !== '' ? job.summary : null,
      instructions: a.specialInstructions,
      visitStatus: VISIT_STATUS[a.status as Exclude<AppointmentStatus, 'Canceled'>],
      startAt: unscheduled ? null : formatDateTime(a.start),
      endAt: unscheduled ? null : formatDateTime(a.end),
      isComplete: a.status === 'Done',
      completedAt: a.status === 'Done' ? formatDateTime(a.end) : null,
      job: ref('Job', a.jobId),
      client: ref('Client', a.customerId),
      property: job ? ref('Property', job.locationId) : null,
      createdAt: formatDateTime(a.createdOn),
    });
  }

  quote(e: StoredRecord<'estimate'>) {
    const option = e.options.find((o) => o.id === e.soldOptionId) ?? e.options[0];
    const subtotal = option ? option.subTotal : 0;
    return this.wrap(e, {
      id: encodeId('Quote', e.id),
      quoteNumber: String(e.id - ID_BASE.estimate + 1),
      quoteStatus: QUOTE_STATUS[e.status],
      title: e.name,
      amounts: {
        subtotal: cents(subtotal),
        taxAmount: 0,
        discountAmount: 0,
        depositAmount: 0,
        total: cents(subtotal),
      },
      client: ref('Client', e.customerId),
      property: ref('Property', e.locationId),
      request: ref('Request', e.id),
      salesperson: e.soldById === null ? null : ref('User', e.soldById),
      createdAt: formatDateTime(e.createdOn),
      updatedAt: formatDateTime(e.modifiedOn),
    });
  }

  quoteLines(e: StoredRecord<'estimate'>) {
    const option = e.options.find((o) => o.id === e.soldOptionId) ?? e.options[0];
    return option?.items ?? [];
  }

  request(e: StoredRecord<'estimate'>) {
    return this.wrap(e, {
      id: encodeId('Request', e.id),
      title: e.name,
      requestStatus: REQUEST_STATUS[e.status],
      source: this.requestSource(e),
      client: ref('Client', e.customerId),
      property: ref('Property', e.locationId),
      createdAt: formatDateTime(e.createdOn),
      updatedAt: formatDateTime(e.modifiedOn),
    });
  }

  /** Where the request came from: the marketing campaign of the job it was made for (set once, at creation). */
  private requestSource(e: StoredRecord<'estimate'>): string {
    const job = this.store.get('job', e.jobId);
    const campaign = job ? this.store.get('campaign', job.campaignId) : undefined;
    return campaign?.name ?? '';
  }

  lineItem(line: Readonly<WorldLineItem>) {
    return {
      id: encodeId('LineItem', line.id),
      name: line.description,
      description: line.code === '' ? null : line.code,
      quantity: line.quantityMilli / 1000,
      unitPrice: cents(line.unitPrice),
      totalPrice: cents(line.total),
      taxable: line.taxable,
      linkedProductOrService:
        line.pricebookItemId === null ? null : ref('ProductOrService', line.pricebookItemId),
    };
  }

  invoice(i: StoredRecord<'invoice'>) {
    const payments = this.store
      .children('payment', 'invoiceId', i.id)
      .filter((p) => this.isPaymentVisible(p));
    const status = invoiceStatusOf(i);
    let received: number | null = null;
    let tips = 0;
    for (const p of payments) {
      tips += p.tip;
      if (received === null || p.paidOn > received) received = p.paidOn;
    }
    return this.wrap(i, {
      id: encodeId('Invoice', i.id),
      invoiceNumber: i.referenceNumber,
      invoiceStatus: status,
      subject: 'For Services Rendered',
      issuedDate: i.status === 'Pending' ? null : formatDateTime(i.invoiceDate),
      dueDate: formatDateTime(i.dueDate),
      receivedDate: status === 'paid' ? formatNullableDateTime(received) : null,
      amounts: {
        subtotal: cents(i.subTotal),
        taxAmount: cents(i.salesTax),
        discountAmount: cents(i.discount),
        depositAmount: 0,
        paymentsTotal: cents(i.total - i.balance),
        tipsTotal: cents(tips),
        invoiceBalance: cents(i.balance),
        total: cents(i.total),
      },
      client: ref('Client', i.customerId),
      createdAt: formatDateTime(i.createdOn),
      updatedAt: formatDateTime(i.modifiedOn),
    });
  }

  paymentRecord(p: StoredRecord<'payment'>) {
    const invoiceId = p.splits[0]?.invoiceId;
    return this.wrap(p, {
      id: encodeId('PaymentRecord', p.id),
      amount: cents(p.amount),
      tipAmount: cents(p.tip),
      entryDate: formatDateTime(p.paidOn),
      paymentType: PAYMENT_TYPE[p.method],
      details: p.memo,
      client: ref('Client', p.customerId),
      invoice: invoiceId === undefined ? null : ref('Invoice', invoiceId),
    });
  }

  user(e: StoredRecord<'employee'>) {
    const name = splitName(e.name);
    return this.wrap(e, {
      id: encodeId('User', e.id),
      name: { first: name.first, last: name.last, full: e.name },
      email: { raw: e.email },
      phone: { raw: e.phoneNumber.replace(/\D/g, ''), friendly: e.phoneNumber },
      status: e.active ? 'ACTIVATED' : 'DEACTIVATED',
      isAccountOwner: e.role === 'Owner',
      createdAt: formatDateTime(e.createdOn),
    });
  }

  productOrService(p: StoredRecord<'pricebookItem'>) {
    return this.wrap(p, {
      id: encodeId('ProductOrService', p.id),
      name: p.name,
      description: p.code,
      category: p.type === 'Service' ? 'SERVICE' : 'PRODUCT',
      defaultUnitCost: cents(p.price),
      internalUnitCost: cents(p.cost),
      taxable: p.taxable,
      durationMinutes: p.type === 'Service' ? Math.round(p.hours * 60) : null,
    });
  }

  private wrap<T extends object, R>(record: R, value: T): Rendered<T, R> {
    Object.defineProperty(value, SOURCE, { value: record, enumerable: false });
    return value as Rendered<T, R>;
  }
}

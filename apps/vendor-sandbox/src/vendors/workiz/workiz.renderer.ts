import type { StoredRecord, World, WorkizCall, WorkizLead, WorkizSmsThread } from '@fieldsync/sandbox-world';
import { workizLocalDate, workizLocalDateTime } from './workiz-datetime.util';

/**
 * The world as Workiz shows it. The public API (`/api/v1/<token>/…`): PascalCase, account-local
 * `YYYY-MM-DD HH:MM:SS` times plus `Timezone`, dollars as numbers, phones as digits, team members by
 * full name, and leads whose numbers arrive as strings. The web app's own JSON (`/ajaxc/…`), for what
 * the API lacks (clients, invoices, estimates, payments, calls, SMS): snake_case, times the same way.
 * One renderer for the API, the web app and the ground truth, so they cannot disagree.
 */

type Job = StoredRecord<'job'>;
type Customer = StoredRecord<'customer'>;

/** Workiz's short alphanumeric UUIDs: the record's id in base 36, upper case. */
export function workizUuid(id: number): string {
  return id.toString(36).toUpperCase();
}

/** The id behind a UUID, or null when it is not one. */
export function idOfUuid(uuid: string): number | null {
  if (!/^[0-9A-Z]{1,12}$/.test(uuid)) return null;
  const id = parseInt(uuid, 36);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Dollars, as Workiz answers money: cents / 100 (two places at most). */
export function dollars(cents: number): number {
  return Math.round(cents) / 100;
}

const digits = (phone: string): string => phone.replace(/\D/g, '').slice(-10);

/** First and last name of a residential customer; a company keeps its name in `Company`. */
function names(customer: Customer | undefined): { first: string; last: string; company: string } {
  if (!customer) return { first: '', last: '', company: '' };
  if (customer.type === 'Commercial') return { first: '', last: '', company: customer.name };
  const [first = '', ...rest] = customer.name.split(' ');
  return { first, last: rest.join(' '), company: '' };
}

function contactOf(world: World, customerId: number, kind: 'phone' | 'email'): string {
  for (const c of world.store.children('contact', 'customerId', customerId)) {
    if (c.deletedOn !== null) continue;
    if (kind === 'email' && c.type === 'Email') return c.value;
    if (kind === 'phone' && (c.type === 'Phone' || c.type === 'MobilePhone')) return digits(c.value);
  }
  return '';
}

/** The job's visit that Workiz shows as its schedule: the first of its live appointments. */
function scheduleOf(world: World, job: Job): { start: number; end: number } | null {
  let best: { start: number; end: number } | null = null;
  for (const a of world.store.children('appointment', 'jobId', job.id)) {
    if (a.deletedOn !== null) continue;
    if (!best || a.start < best.start) best = { start: a.start, end: a.end };
  }
  return best;
}

/** Full names of the job's assigned technicians as Workiz shows them (each once, in assignment order). */
export function teamOf(world: World, jobId: number): string[] {
  const out: string[] = [];
  for (const a of world.store.children('assignment', 'jobId', jobId)) {
    if (a.deletedOn !== null) continue;
    const name = world.workiz.assignmentName(a);
    if (name !== undefined && !out.includes(name)) out.push(name);
  }
  return out;
}

/** When the job is listed (JobDateTime): its schedule, else when it was created. */
export function jobDateTimeMs(world: World, job: Job): number {
  return scheduleOf(world, job)?.start ?? job.createdOn;
}

export function renderJob(world: World, job: Job): Record<string, unknown> {
  const zone = world.workiz.timezone;
  const at = (ms: number): string => workizLocalDateTime(ms, zone);
  const store = world.store;
  const customer = store.get('customer', job.customerId);
  const location = store.get('location', job.locationId);
  const address = location?.address ?? customer?.address;
  const schedule = scheduleOf(world, job);
  const invoices = store.children('invoice', 'jobId', job.id).filter((i) => i.deletedOn === null);
  const total = invoices.reduce((s, i) => s + i.total, 0);
  const due = invoices.reduce((s, i) => s + i.balance, 0);
  const sub = invoices.reduce((s, i) => s + i.subTotal - i.discount, 0);
  const tax = invoices.reduce((s, i) => s + i.salesTax, 0);
  const dueDate = invoices.reduce<number | null>(
    (d, i) => (d === null || i.dueDate < d ? i.dueDate : d),
    null,
  );
  const n = names(customer);
  const statusAt = Math.max(
    job.completedOn ?? job.canceledOn ?? job.modifiedOn,
    world.workiz.subStatusSetAt(job) ?? 0,
  );
  return {
    UUID: workizUuid(job.id),
    SerialId: Number(job.jobNumber),
    JobDateTime: at(schedule?.start ?? job.createdOn),
    JobEndDateTime: at(schedule?.end ?? job.createdOn),
    CreatedDate: at(job.createdOn),
    PaymentDueDate: dueDate === null ? '' : at(dueDate),
    LastStatusUpdate: at(statusAt),
    Timezone: zone,
    JobTotalPrice: dollars(total),
    JobAmountDue: dollars(due),
    SubTotal: dollars(sub),
    TaxAmount: dollars(tax),
    ClientId: job.customerId,
    LocationId: job.locationId,
    Status: world.workiz.jobStatus(job),
    SubStatus: world.workiz.subStatus(job),
    JobType: store.get('jobType', job.jobTypeId)?.name ?? '',
    JobSource: store.get('campaign', job.campaignId)?.name ?? '',
    ServiceArea: address ? world.workiz.serviceAreaOf(address.zip).name : '',
    FirstName: n.first,
    LastName: n.last,
    Company: n.company,
    Phone: contactOf(world, job.customerId, 'phone'),
    Email: contactOf(world, job.customerId, 'email'),
    Address: address?.street ?? '',
    Unit: address?.unit ?? '',
    City: address?.city ?? '',
    State: address?.state ?? '',
    PostalCode: address?.zip ?? '',
    Country: 'US',
    Latitude: address?.latitude ?? 0,
    Longitude: address?.longitude ?? 0,
    JobNotes: job.summary,
    Comments: '',
    Team: teamOf(world, job.id),
    LineItems: invoices.flatMap((i) =>
      i.items.map((item) => ({
        Id: item.id,
        Name: item.description,
        Type: item.type,
        Quantity: item.quantityMilli / 1000,
        Price: dollars(item.unitPrice),
        Total: dollars(item.total),
        Taxable: item.taxable,
      })),
    ),
  };
}

/** A lead: Lead* names for the times, and numbers as strings (as Workiz sends them). */
export function renderLead(world: World, lead: WorkizLead): Record<string, unknown> {
  const zone = world.workiz.timezone;
  const at = (ms: number): string => workizLocalDateTime(ms, zone);
  return {
    UUID: workizUuid(lead.id),
    SerialId: lead.id - 700_000_000,
    LeadDateTime: lead.requestedOn === null ? '' : at(lead.requestedOn),
    CreatedDate: at(lead.createdOn),
    LastStatusUpdate: at(lead.modifiedOn),
    Timezone: zone,
    LeadType: lead.leadType,
    LeadSource: lead.source,
    Status: lead.status,
    ServiceArea: world.workiz.serviceAreas().find((a) => a.id === lead.serviceAreaId)?.name ?? '',
    ClientId: lead.customerId === null ? '' : String(lead.customerId),
    JobUUID: lead.jobId === null ? '' : workizUuid(lead.jobId),
    CallId: lead.callId === null ? '' : String(lead.callId),
    FirstName: lead.firstName,
    LastName: lead.lastName,
    Company: lead.company,
    Phone: lead.phone,
    Email: lead.email,
    Address: lead.address.street,
    Unit: lead.address.unit ?? '',
    City: lead.address.city,
    State: lead.address.state,
    PostalCode: lead.address.zip,
    Country: 'US',
    Latitude: String(lead.address.latitude),
    Longitude: String(lead.address.longitude),
    LeadNotes: lead.notes,
  };
}

const ROLE_NAMES: Record<string, string> = {
  Owner: 'Owner',
  Admin: 'Admin',
  Dispatch: 'Dispatcher',
  CSR: 'Call center',
  Accounting: 'Accountant',
  Technician: 'Technician',
};

export function renderTeamMember(world: World, employee: StoredRecord<'employee'>): Record<string, unknown> {
  return {
    id: String(employee.id),
    name: world.workiz.teamName(employee),
    email: employee.email,
    role: ROLE_NAMES[employee.role] ?? employee.role,
    active: employee.active && employee.deletedOn === null,
    phone: digits(employee.phoneNumber),
    created: workizLocalDateTime(employee.createdOn, world.workiz.timezone),
  };
}

// ---- the web app's own JSON (snake_case) ----

export function renderClient(world: World, customer: Customer): Record<string, unknown> {
  const zone = world.workiz.timezone;
  const n = names(customer);
  const contacts = world.store
    .children('contact', 'customerId', customer.id)
    .filter((c) => c.deletedOn === null);
  const locations = world.store
    .children('location', 'customerId', customer.id)
    .filter((l) => l.deletedOn === null && l.mergedToId === null);
  return {
    client_id: customer.id,
    first_name: n.first,
    last_name: n.last,
    company: n.company,
    client_type: customer.type === 'Commercial' ? 'commercial' : 'residential',
    phones: contacts
      .filter((c) => c.type === 'Phone' || c.type === 'MobilePhone')
      .map((c) => ({ number: digits(c.value), kind: c.type === 'MobilePhone' ? 'mobile' : 'main' })),
    emails: contacts.filter((c) => c.type === 'Email').map((c) => c.value),
    billing_address: addressOf(customer.address),
    service_locations: locations.map((l) => ({
      location_id: l.id,
      name: l.name,
      ...addressOf(l.address),
      service_area: world.workiz.serviceAreaOf(l.address.zip).name,
    })),
    balance: dollars(customer.balance),
    tags: customer.tags ?? [],
    active: customer.active,
    created: workizLocalDateTime(customer.createdOn, zone),
    updated: workizLocalDateTime(customer.modifiedOn, zone),
    timezone: zone,
  };
}

function addressOf(a: StoredRecord<'customer'>['address']): Record<string, unknown> {
  return {
    address: a.street,
    unit: a.unit ?? '',
    city: a.city,
    state: a.state,
    zip: a.zip,
    country: 'US',
    lat: a.latitude,
    lng: a.longitude,
  };
}

const lineOf = (item: StoredRecord<'invoice'>['items'][number]): Record<string, unknown> => ({
  item_id: item.id,
  name: item.description,
  type: item.type.toLowerCase(),
  code: item.code,
  qty: item.quantityMilli / 1000,
  price: dollars(item.unitPrice),
  total: dollars(item.total),
  taxable: item.taxable,
});

export function renderInvoice(world: World, invoice: StoredRecord<'invoice'>): Record<string, unknown> {
  const zone = world.workiz.timezone;
  const status =
    invoice.total === 0 || invoice.balance === 0
      ? 'paid'
      : invoice.balance < invoice.total
        ? 'partial'
        : 'unpaid';
  return {
    invoice_id: invoice.id,
    invoice_number: invoice.referenceNumber,
    job_uuid: workizUuid(invoice.jobId),
    client_id: invoice.customerId,
    status,
    items: invoice.items.map(lineOf),
    subtotal: dollars(invoice.subTotal),
    discount: dollars(invoice.discount),
    tax: dollars(invoice.salesTax),
    total: dollars(invoice.total),
    amount_due: dollars(invoice.balance),
    issued: workizLocalDate(invoice.invoiceDate, zone),
    due: workizLocalDate(invoice.dueDate, zone),
    created: workizLocalDateTime(invoice.createdOn, zone),
    updated: workizLocalDateTime(invoice.modifiedOn, zone),
    timezone: zone,
  };
}

export function renderEstimate(world: World, estimate: StoredRecord<'estimate'>): Record<string, unknown> {
  const zone = world.workiz.timezone;
  const sold = estimate.options.find((o) => o.id === estimate.soldOptionId);
  const shown = sold ?? estimate.options[0];
  return {
    estimate_id: estimate.id,
    job_uuid: workizUuid(estimate.jobId),
    client_id: estimate.customerId,
    name: estimate.name,
    status: estimate.status === 'Open' ? 'pending' : estimate.status === 'Sold' ? 'approved' : 'declined',
    options: estimate.options.map((o) => ({
      option_id: o.id,
      name: o.name,
      items: o.items.map(lineOf),
      subtotal: dollars(o.subTotal),
    })),
    total: dollars(shown?.subTotal ?? 0),
    approved_option_id: estimate.soldOptionId,
    approved_at: estimate.soldOn === null ? null : workizLocalDateTime(estimate.soldOn, zone),
    created: workizLocalDateTime(estimate.createdOn, zone),
    updated: workizLocalDateTime(estimate.modifiedOn, zone),
    timezone: zone,
  };
}

const METHOD_NAMES = { card: 'credit_card', ach: 'bank_transfer', cash: 'cash', check: 'check' } as const;

export function renderPayment(world: World, payment: StoredRecord<'payment'>): Record<string, unknown> {
  const zone = world.workiz.timezone;
  const jobs = payment.splits.map((s) => world.store.get('invoice', s.invoiceId)?.jobId ?? null);
  return {
    payment_id: payment.id,
    client_id: payment.customerId,
    job_uuid: jobs[0] == null ? null : workizUuid(jobs[0]),
    invoice_ids: payment.splits.map((s) => s.invoiceId),
    method: METHOD_NAMES[payment.method],
    amount: dollars(payment.amount),
    tip: dollars(payment.tip),
    card_brand: payment.cardBrand,
    card_last4: payment.cardLast4,
    check_number: payment.checkNumber,
    note: payment.memo ?? '',
    transaction_id: payment.externalTransactionId,
    voided: payment.deletedOn !== null,
    paid_at: workizLocalDateTime(payment.paidOn, zone),
    created: workizLocalDateTime(payment.createdOn, zone),
    updated: workizLocalDateTime(payment.modifiedOn, zone),
    timezone: zone,
  };
}

export function renderCall(world: World, call: WorkizCall): Record<string, unknown> {
  const zone = world.workiz.timezone;
  const names = world.workiz.teamNames();
  return {
    call_id: call.id,
    date: workizLocalDateTime(call.startedOn, zone),
    direction: call.direction,
    status: call.outcome,
    from: call.fromNumber,
    to: call.toNumber,
    duration: call.durationSec,
    client_id: call.customerId,
    user: call.employeeId === null ? null : (names.get(call.employeeId) ?? null),
    ad_source: call.trackingSource,
    recording:
      call.recording === null
        ? null
        : {
            recording_id: call.recording.id,
            duration: call.recording.durationSec,
            size: call.recording.sizeBytes,
            format: call.recording.format,
            url: `/ajaxc/calls/recording/${call.recording.id}/`,
          },
    timezone: zone,
  };
}

export function renderSmsThread(world: World, thread: WorkizSmsThread): Record<string, unknown> {
  const zone = world.workiz.timezone;
  const names = world.workiz.teamNames();
  return {
    thread_id: thread.id,
    client_id: thread.customerId,
    phone: thread.phone,
    created: workizLocalDateTime(thread.createdOn, zone),
    last_message: workizLocalDateTime(thread.modifiedOn, zone),
    messages: thread.messages.map((m) => ({
      message_id: m.id,
      date: workizLocalDateTime(m.sentOn, zone),
      direction: m.direction,
      text: m.body,
      user: m.employeeId === null ? null : (names.get(m.employeeId) ?? null),
    })),
    timezone: zone,
  };
}

export function renderPricebookItem(
  world: World,
  item: StoredRecord<'pricebookItem'>,
): Record<string, unknown> {
  const zone = world.workiz.timezone;
  return {
    item_id: item.id,
    name: item.name,
    code: item.code,
    type: item.type.toLowerCase(),
    price: dollars(item.price),
    cost: dollars(item.cost),
    taxable: item.taxable,
    active: item.active && item.deletedOn === null,
    created: workizLocalDateTime(item.createdOn, zone),
    updated: workizLocalDateTime(item.modifiedOn, zone),
    timezone: zone,
  };
}

import type { StoredRecord, WorldAddress, WorldLineItem, WorldStore } from '@fieldsync/sandbox-world';
import { hcpId, hcpPaymentId, hcpTagId } from './housecallpro-ids.util';
import { estimateNotes, isApprovedEstimateJob, isEstimateJob, jobNotes } from './housecallpro-job-notes.util';

/** One JSON object of Housecall Pro's v1 API (snake_case; money in integer cents). */
export type HcpRow = Record<string, unknown>;

/** The job `work_status` values the API answers with (the filter takes other words: housecallpro-work-status.util.ts). */
export type HcpWorkStatus =
  | 'needs scheduling'
  | 'scheduled'
  | 'in progress'
  | 'complete rated'
  | 'complete unrated'
  | 'user canceled'
  | 'pro canceled';

const COMPANY_ID = '8c1b7a3e-2f40-4d6b-9a55-0f7e3c2d9b10';
const COMPANY_NAME = 'Brightside Plumbing & Air';
const iso = (ms: number): string => new Date(ms).toISOString();
const live = (r: { deletedOn: number | null }): boolean => r.deletedOn === null;

/** First word, then the rest (how the pro app splits a full name into its two fields). */
function splitName(name: string): { first_name: string; last_name: string } {
  const space = name.indexOf(' ');
  return space < 0
    ? { first_name: name, last_name: '' }
    : { first_name: name.slice(0, space), last_name: name.slice(space + 1) };
}

/** What each role of the pro app may do (Housecall Pro's permission names, per its Employee schema). */
const PERMISSIONS_BY_ROLE: Record<string, Record<string, boolean>> = {
  admin: {},
  'office staff': {
    can_edit_settings: false,
    can_see_reporting: false,
    is_admin: false,
  },
  'field tech': {
    can_delete_and_cancel_job: false,
    can_edit_message_on_invoice: false,
    can_see_full_schedule: false,
    can_see_marketing_campaigns: false,
    can_see_reporting: false,
    can_edit_settings: false,
    is_point_of_contact: false,
    is_admin: false,
  },
};
const PERMISSION_NAMES = [
  'can_add_and_edit_job',
  'can_be_booked_online',
  'can_call_and_text_with_customers',
  'can_chat_with_customers',
  'can_delete_and_cancel_job',
  'can_edit_message_on_invoice',
  'can_see_street_view_data',
  'can_share_job',
  'can_take_payment_see_prices',
  'can_see_customers',
  'can_see_full_schedule',
  'can_see_future_jobs',
  'can_see_marketing_campaigns',
  'can_see_reporting',
  'can_edit_settings',
  'is_point_of_contact',
  'is_admin',
] as const;

/** The pro app's role of a world employee. */
export function hcpRole(role: string): 'admin' | 'office staff' | 'field tech' {
  if (role === 'Technician') return 'field tech';
  if (role === 'Admin' || role === 'Owner') return 'admin';
  return 'office staff';
}

/**
 * Renders the world as Housecall Pro's v1 API answers it. Where the world has no field of its own the
 * rendering derives one, each rule named here: a customer's own address is its billing address and its
 * locations its service addresses; a customer's lead source is the campaign of its first job; a job's
 * amounts are those of its invoices; a job's schedule is its first live appointment; estimate options'
 * approval follows the estimate's status and sold option.
 */
export class HousecallProRenderer {
  constructor(private readonly store: WorldStore) {}

  // ------------------------------------------------------------------ people

  isCustomerVisible(c: StoredRecord<'customer'>): boolean {
    return live(c) && c.active && c.mergedToId === null;
  }

  private contactValue(customerId: number, types: readonly string[]): string | null {
    const found = this.store
      .children('contact', 'customerId', customerId)
      .find((k) => live(k) && types.includes(k.type));
    return found?.value ?? null;
  }

  /** The campaign of the customer's first job (the one that brought the customer in, deleted or not). */
  private leadSourceOf(customerId: number): string | null {
    const first = this.customerJobs(customerId)[0];
    return first ? (this.store.get('campaign', first.campaignId)?.name ?? null) : null;
  }

  /**
   * A customer's updated_at: the latest change to anything its rendering shows (the customer, its
   * contacts, its addresses, the first job its lead source comes from), as the vendor's own record moves when one of them is edited.
   */
  customerUpdatedAt(c: StoredRecord<'customer'>): number {
    let at = c.modifiedOn;
    for (const k of this.store.children('contact', 'customerId', c.id)) at = Math.max(at, k.modifiedOn);
    for (const l of this.store.children('location', 'customerId', c.id)) at = Math.max(at, l.modifiedOn);
    // Its lead source comes with its first job.
    const first = this.customerJobs(c.id)[0];
    return first ? Math.max(at, this.shownSince(first)) : at;
  }

  /**
   * A job's updated_at: the latest change to anything its rendering shows (the job, its address, its
   * appointments and their technicians, its invoices, the estimate sold on it), as the vendor's job moves
   * when it is rescheduled, dispatched, invoiced or copied from an approved estimate.
   */
  jobUpdatedAt(j: StoredRecord<'job'>): number {
    let at = Math.max(j.modifiedOn, this.store.get('location', j.locationId)?.modifiedOn ?? 0);
    for (const a of this.store.children('appointment', 'jobId', j.id)) at = Math.max(at, a.modifiedOn);
    for (const a of this.store.children('assignment', 'jobId', j.id)) at = Math.max(at, a.modifiedOn);
    for (const i of this.store.children('invoice', 'jobId', j.id)) at = Math.max(at, i.modifiedOn);
    // The estimate it was copied from (original_estimate_id) shows once sold.
    for (const e of this.store.children('estimate', 'jobId', j.id))
      if (e.status === 'Sold') at = Math.max(at, e.modifiedOn);
    return at;
  }

  address(kind: 'billingAddress' | 'serviceAddress', id: number, a: WorldAddress): HcpRow {
    return {
      id: hcpId(kind, id),
      type: kind === 'billingAddress' ? 'billing' : 'service',
      street: a.street,
      street_line_2: a.unit,
      city: a.city,
      state: a.state,
      zip: a.zip,
      country: 'US',
    };
  }

  addresses(c: StoredRecord<'customer'>): HcpRow[] {
    return [
      this.address('billingAddress', c.id, c.address),
      ...this.store
        .children('location', 'customerId', c.id)
        .filter((l) => live(l) && l.active && l.mergedToId === null)
        .map((l) => this.address('serviceAddress', l.id, l.address)),
    ];
  }

  private customerFields(c: StoredRecord<'customer'>): HcpRow {
    const person = c.type === 'Residential' ? splitName(c.name) : { first_name: null, last_name: null };
    return {
      id: hcpId('customer', c.id),
      ...person,
      email: this.contactValue(c.id, ['Email']),
      mobile_number: this.contactValue(c.id, ['MobilePhone']),
      home_number: c.type === 'Residential' ? this.contactValue(c.id, ['Phone']) : null,
      work_number: c.type === 'Commercial' ? this.contactValue(c.id, ['Phone']) : null,
      company: c.type === 'Commercial' ? c.name : null,
      notifications_enabled: !c.doNotMail,
      lead_source: this.leadSourceOf(c.id),
      created_at: iso(c.createdOn),
      updated_at: iso(this.customerUpdatedAt(c)),
      company_name: COMPANY_NAME,
      company_id: COMPANY_ID,
      tags: [...(c.tags ?? [])],
    };
  }

  customer(c: StoredRecord<'customer'>): HcpRow {
    return {
      ...this.customerFields(c),
      notes: null,
      addresses: this.addresses(c),
      do_not_service: c.doNotService,
    };
  }

  employee(e: StoredRecord<'employee'>): HcpRow {
    const role = hcpRole(e.role);
    const denied = PERMISSIONS_BY_ROLE[role] ?? {};
    return {
      id: hcpId('employee', e.id),
      ...splitName(e.name),
      email: e.email,
      mobile_number: e.phoneNumber,
      color_hex: `#${hcpId('employee', e.id).slice(4, 10)}`,
      avatar_url: `https://sandbox.housecallpro.example/avatars/${hcpId('employee', e.id)}.png`,
      role,
      created_at: iso(e.createdOn),
      tags: [],
      permissions: Object.fromEntries(PERMISSION_NAMES.map((p) => [p, denied[p] ?? true])),
      company_name: COMPANY_NAME,
      company_id: COMPANY_ID,
    };
  }

  // ------------------------------------------------------------------ work

  /** A job the API shows: not deleted, and not a world job that only holds an estimate (see isEstimateJob). */
  isJobVisible(j: StoredRecord<'job'>): boolean {
    return live(j) && !isEstimateJob(j);
  }

  /** When the API started showing the job: its creation, or the approval that copied an estimate to it. */
  private shownSince(j: StoredRecord<'job'>): number {
    if (!isApprovedEstimateJob(j)) return j.createdOn;
    const sold = this.store.children('estimate', 'jobId', j.id).find((e) => e.status === 'Sold');
    return sold?.soldOn ?? j.modifiedOn;
  }

  /** The customer's jobs as Housecall Pro has them (deleted ones included), oldest first. */
  private customerJobs(customerId: number): StoredRecord<'job'>[] {
    return this.store.children('job', 'customerId', customerId).filter((j) => !isEstimateJob(j));
  }

  liveAppointments(jobId: number): StoredRecord<'appointment'>[] {
    return this.store
      .children('appointment', 'jobId', jobId)
      .filter(live)
      .sort((a, b) => a.start - b.start || a.id - b.id);
  }

  private dispatchedIds(appointmentId: number): number[] {
    return this.store
      .children('assignment', 'appointmentId', appointmentId)
      .filter(live)
      .map((a) => a.technicianId);
  }

  workStatus(j: StoredRecord<'job'>): HcpWorkStatus {
    switch (j.status) {
      case 'Scheduled':
        return this.liveAppointments(j.id).length === 0 ? 'needs scheduling' : 'scheduled';
      case 'Hold':
        return 'needs scheduling';
      case 'InProgress':
        return 'in progress';
      case 'Completed':
        // Whether the customer left a rating: a fixed share of completed jobs (every third by id).
        return j.id % 3 === 0 ? 'complete rated' : 'complete unrated';
      case 'Canceled':
        return 'pro canceled';
    }
  }

  /** The job's schedule: its first live appointment (absent fields when it has none). */
  schedule(j: StoredRecord<'job'>): HcpRow {
    const first = this.liveAppointments(j.id)[0];
    if (!first) return {};
    return {
      scheduled_start: iso(first.start),
      scheduled_end: iso(first.end),
      arrival_window: Math.round((first.arrivalWindowEnd - first.arrivalWindowStart) / 60_000),
    };
  }

  scheduledStart(j: StoredRecord<'job'>): number | null {
    return this.liveAppointments(j.id)[0]?.start ?? null;
  }

  scheduledEnd(j: StoredRecord<'job'>): number | null {
    return this.liveAppointments(j.id)[0]?.end ?? null;
  }

  jobEmployeeIds(j: StoredRecord<'job'>): number[] {
    const ids = new Set<number>();
    for (const a of this.liveAppointments(j.id)) for (const t of this.dispatchedIds(a.id)) ids.add(t);
    return [...ids].sort((a, b) => a - b);
  }

  liveInvoices(jobId: number): StoredRecord<'invoice'>[] {
    return this.store.children('invoice', 'jobId', jobId).filter(live);
  }

  private customerSummary(customerId: number): HcpRow {
    const c = this.store.get('customer', customerId);
    return c ? { ...this.customerFields(c), notes: [] } : { id: hcpId('customer', customerId) };
  }

  private jobTags(j: StoredRecord<'job'>): string[] {
    return j.priority === 'High' || j.priority === 'Urgent' ? [`${j.priority} priority`] : [];
  }

  /** A job; with `expand` appointments, its schedule lists its appointments (as the v1 API's `expand`). */
  job(j: StoredRecord<'job'>, expand: { appointments?: boolean } = {}): HcpRow {
    const location = this.store.get('location', j.locationId);
    const invoices = this.liveInvoices(j.id);
    const sum = (f: (i: StoredRecord<'invoice'>) => number) => invoices.reduce((n, i) => n + f(i), 0);
    const first = this.liveAppointments(j.id)[0];
    const started = j.status === 'InProgress' || j.status === 'Completed';
    const jobType = this.store.get('jobType', j.jobTypeId);
    const unit = this.store.get('businessUnit', j.businessUnitId);
    const customer = this.customerSummary(j.customerId);
    // The estimate this job was copied from on approval: one sold on it.
    const sold = this.store.children('estimate', 'jobId', j.id).find((e) => live(e) && e.status === 'Sold');
    return {
      id: hcpId('job', j.id),
      invoice_number: j.jobNumber,
      description: j.summary,
      customer: { ...customer, notes: [] },
      address: location ? this.address('serviceAddress', location.id, location.address) : null,
      notes: jobNotes(j),
      work_status: this.workStatus(j),
      work_timestamps: {
        // A dispatched first appointment is the pro on the way (the job screen's "On my way").
        on_my_way_at:
          (started || first?.status === 'Dispatched') && first ? iso(first.arrivalWindowStart) : null,
        started_at: started && first ? iso(first.start) : null,
        completed_at: j.completedOn === null ? null : iso(j.completedOn),
      },
      schedule: expand.appointments
        ? { ...this.schedule(j), appointments: this.liveAppointments(j.id).map((a) => this.appointment(a)) }
        : this.schedule(j),
      total_amount: sum((i) => i.total),
      outstanding_balance: sum((i) => i.balance),
      subtotal: sum((i) => i.subTotal),
      assigned_employees: this.jobEmployeeIds(j).flatMap((id) => {
        const e = this.store.get('employee', id);
        return e ? [this.employee(e)] : [];
      }),
      tags: this.jobTags(j),
      original_estimate_id: sold ? hcpId('estimate', sold.id) : null,
      original_estimate_uuids: sold ? [hcpId('estimate', sold.id)] : [],
      lead_source: this.store.get('campaign', j.campaignId)?.name ?? null,
      job_fields: {
        job_type: jobType ? { id: `jbt_${String(jobType.id)}`, name: jobType.name } : undefined,
        business_unit: unit ? { id: `bu_${String(unit.id)}`, name: unit.name } : undefined,
      },
      created_at: iso(j.createdOn),
      updated_at: iso(this.jobUpdatedAt(j)),
      canceled_at: j.canceledOn === null ? null : iso(j.canceledOn),
      deleted_at: null,
      company_name: COMPANY_NAME,
      company_id: COMPANY_ID,
    };
  }

  appointment(a: StoredRecord<'appointment'>): HcpRow {
    const start = iso(a.start);
    return {
      id: hcpId('appointment', a.id),
      start_date: start.slice(0, 10),
      start_time: start,
      end_time: iso(a.end),
      anytime: false,
      arrival_window_minutes: Math.round((a.arrivalWindowEnd - a.arrivalWindowStart) / 60_000),
      dispatched_employees_ids: this.dispatchedIds(a.id).map((t) => hcpId('employee', t)),
    };
  }

  /** A job's line items: those of its live invoices, in order (`GET /jobs/{id}/line_items`). */
  jobLineItems(j: StoredRecord<'job'>): HcpRow[] {
    return this.liveInvoices(j.id).flatMap((inv) =>
      inv.items.map((item, index) => ({
        id: hcpId('lineItem', item.id),
        name: item.description,
        description: item.code,
        unit_price: item.unitPrice,
        unit_cost: this.unitCost(item),
        quantity: item.quantityMilli / 1000,
        amount: item.total,
        kind: this.kind(item),
        taxable: item.taxable,
        order_index: index,
        // A line from the price book names it; a free-typed line carries neither field.
        ...(item.pricebookItemId === null
          ? {}
          : { service_item_id: `pbi_${String(item.pricebookItemId)}`, service_item_type: 'organizational' }),
      })),
    );
  }

  private unitCost(item: WorldLineItem): number {
    return item.pricebookItemId === null
      ? 0
      : (this.store.get('pricebookItem', item.pricebookItemId)?.cost ?? 0);
  }

  private kind(item: WorldLineItem): string {
    if (item.type === 'Discount') return 'fixed discount';
    return item.type === 'Service' ? 'labor' : 'materials';
  }

  // ------------------------------------------------------------------ sales

  estimate(e: StoredRecord<'estimate'>): HcpRow {
    const location = this.store.get('location', e.locationId);
    return {
      id: hcpId('estimate', e.id),
      estimate_number: String(e.id % 10_000_000),
      work_status:
        e.status === 'Open' ? 'needs scheduling' : e.status === 'Sold' ? 'complete unrated' : 'pro canceled',
      lead_source: this.leadSourceOf(e.customerId),
      customer: this.customerFields(this.store.require('customer', e.customerId)),
      address: location ? this.address('serviceAddress', location.id, location.address) : null,
      created_at: iso(e.createdOn),
      updated_at: iso(e.modifiedOn),
      company_name: COMPANY_NAME,
      company_id: COMPANY_ID,
      work_timestamps: { on_my_way_at: null, started_at: null, completed_at: null },
      schedule: {},
      assigned_employees: [],
      estimate_fields: {},
      options: e.options.map((o, index) => ({
        id: hcpId('estimateOption', o.id),
        name: o.name,
        option_number: `${String(e.id % 10_000_000)}-${String(index + 1)}`,
        total_amount: o.subTotal,
        approval_status: this.approvalStatus(e, o.id),
        message_from_pro: '',
        tags: [],
        status:
          e.status === 'Sold' && e.soldOptionId === o.id
            ? 'created job from estimate'
            : e.status === 'Dismissed'
              ? 'canceled'
              : 'open',
        notes: estimateNotes(this.store.get('job', e.jobId), e.id),
        created_at: iso(e.createdOn),
        updated_at: iso(e.modifiedOn),
        attachments: [],
      })),
    };
  }

  private approvalStatus(e: StoredRecord<'estimate'>, optionId: number): string {
    if (e.status === 'Open') return 'awaiting response';
    if (e.status === 'Dismissed') return 'declined';
    return e.soldOptionId === optionId ? 'approved' : 'declined';
  }

  // ------------------------------------------------------------------ money

  private payments(i: StoredRecord<'invoice'>): { p: StoredRecord<'payment'>; amount: number }[] {
    return this.store
      .children('payment', 'invoiceId', i.id)
      .filter(live)
      .flatMap((p) => {
        const split = p.splits.find((s) => s.invoiceId === i.id);
        return split ? [{ p, amount: split.amount }] : [];
      })
      .sort((a, b) => a.p.paidOn - b.p.paidOn || a.p.id - b.p.id);
  }

  paidAt(i: StoredRecord<'invoice'>): number | null {
    if (i.balance !== 0) return null;
    const all = this.payments(i);
    return all.length === 0 ? i.invoiceDate : (all[all.length - 1]?.p.paidOn ?? null);
  }

  invoiceStatus(i: StoredRecord<'invoice'>): 'open' | 'paid' {
    return i.balance === 0 ? 'paid' : 'open';
  }

  invoice(i: StoredRecord<'invoice'>): HcpRow {
    const taxZone = this.store.get('taxZone', i.taxZoneId);
    const paidAt = this.paidAt(i);
    return {
      id: hcpId('invoice', i.id),
      job_id: hcpId('job', i.jobId),
      status: this.invoiceStatus(i),
      invoice_number: i.referenceNumber,
      amount: i.total,
      subtotal: i.subTotal,
      due_amount: i.balance,
      due_at: iso(i.dueDate),
      ...(paidAt === null ? {} : { paid_at: iso(paidAt) }),
      service_date: iso(i.invoiceDate),
      invoice_date: iso(i.invoiceDate),
      created_at: iso(i.createdOn),
      updated_at: iso(i.modifiedOn),
      items: i.items
        .filter((item) => item.type !== 'Discount')
        .map((item) => ({
          id: hcpId('lineItem', item.id),
          name: item.description,
          unit_cost: this.unitCost(item),
          unit_price: item.unitPrice,
          qty_in_hundredths: Math.round(item.quantityMilli / 10),
          amount: item.total,
          type: this.kind(item),
        })),
      taxes:
        i.salesTax === 0
          ? []
          : [
              {
                id: hcpId('tax', i.id),
                name: taxZone?.name ?? 'Sales tax',
                // Hundredths of a percent (8.25 % = 825): the schema's rate is an integer.
                rate: Math.round(i.taxRatePpm / 100),
                amount: i.salesTax,
              },
            ],
      discounts: i.items
        .filter((item) => item.type === 'Discount')
        .map((item) => ({ id: hcpId('lineItem', item.id), name: item.description, amount: -item.total })),
      payments: this.payments(i).map(({ p, amount }) => ({
        id: hcpPaymentId(p.id, i.id),
        status: 'succeeded',
        payment_method: PAYMENT_METHOD[p.method],
        amount,
        note: p.memo ?? '',
        paid_at: iso(p.paidOn),
        category: p.method,
      })),
    };
  }

  // ------------------------------------------------------------------ settings

  leadSource(c: StoredRecord<'campaign'>): HcpRow {
    return { id: hcpId('leadSource', c.id), name: c.name, editable: true };
  }

  /** Every tag in use (customers' and jobs'), by name. */
  tags(): HcpRow[] {
    const names = new Set<string>();
    for (const c of this.store.all('customer'))
      if (this.isCustomerVisible(c)) for (const t of c.tags ?? []) names.add(t);
    for (const j of this.store.all('job'))
      if (this.isJobVisible(j)) for (const t of this.jobTags(j)) names.add(t);
    return [...names].sort().map((name) => ({ id: hcpTagId(name), name }));
  }
}

const PAYMENT_METHOD = { card: 'credit_card', ach: 'ach', cash: 'cash', check: 'check' } as const;

import { invoiceTotals, lineTotal, sumLines } from './world-money.util';
import { WorldRuleCode, WorldRuleError } from './world-rule.error';
import {
  assertRequired,
  assertTransition,
  assertWindow,
  CLOSED_APPOINTMENT_STATUSES,
  WorldRules,
  type TimeWindow,
} from './world.rules';
import type {
  AppointmentStatus,
  Contact,
  Customer,
  EstimateStatus,
  InvoiceStatus,
  Job,
  JobStatus,
  LineType,
  MembershipStatus,
  WorldAddress,
  WorldLineItem,
} from './world.schema';
import type { StoredRecord, WorldStore } from './world.store';

export interface NewAppointmentInput {
  readonly start: number;
  readonly end: number;
  /** Defaults to [start, end]. */
  readonly arrivalWindowStart?: number;
  readonly arrivalWindowEnd?: number;
  readonly technicianIds?: readonly number[];
  readonly specialInstructions?: string | null;
  /**
   * Book the technicians even over their other appointments in that window (Jobber's calendar holds
   * overlapping visits; the office decides). The overlapping assignments say so with `overlapAllowed`.
   */
  readonly allowOverlap?: boolean;
}

/** How a booking treats the technician's other appointments in the same window. */
export interface OverlapOptions {
  /** Skip the double-booking refusal and stamp `overlapAllowed` on the assignments that overlap. */
  readonly allowOverlap?: boolean;
}

export interface NewJobInput {
  readonly customerId: number;
  readonly locationId: number;
  readonly businessUnitId: number;
  readonly jobTypeId: number;
  readonly campaignId: number;
  readonly priority: Job['priority'];
  readonly summary?: string;
  readonly soldById?: number | null;
  readonly externalData?: readonly { key: string; value: string }[];
  readonly appointments: readonly NewAppointmentInput[];
}

export interface NewCustomerInput {
  readonly name: string;
  readonly type: Customer['type'];
  readonly address: WorldAddress;
  readonly doNotMail?: boolean;
  readonly doNotService?: boolean;
  /** The customer's tags (see customerSchema.tags). */
  readonly tags?: readonly string[];
  readonly locations: readonly { name?: string; address: WorldAddress; taxZoneId: number }[];
  readonly contacts?: readonly {
    type: Contact['type'];
    value: string;
    memo?: string | null;
    doNotText?: boolean;
  }[];
}

export interface NewLineInput {
  /** A pricebook item: type, code, description, unit price (member price when `member`) and taxable come from it. */
  readonly pricebookItemId?: number;
  readonly type?: Exclude<LineType, 'Discount'>;
  readonly description?: string;
  readonly code?: string;
  readonly unitPrice?: number;
  readonly taxable?: boolean;
  /** Thousandths: 1.5 = 1500; default 1000. */
  readonly quantityMilli?: number;
}

export interface NewInvoiceInput {
  readonly jobId: number;
  readonly items: readonly NewLineInput[];
  /** Discounts in cents (positive numbers); a taxable discount lowers the taxable base. */
  readonly discounts?: readonly { description: string; amount: number; taxable: boolean }[];
  readonly member?: boolean;
  /** Days from the invoice date; default 30. */
  readonly dueDays?: number;
  /**
   * Sales tax in cents as the caller computed it: ServiceTitan's adjustment-invoice create takes `tax`
   * as given instead of applying the location's tax zone. Default: the zone's rate on the taxable lines.
   */
  readonly taxOverride?: number;
  /**
   * The caller's subtotal in cents, net of discounts (ServiceTitan's `subtotal`): refused when the lines
   * do not come to it, so the stored subtotal is always the lines' sum.
   */
  readonly expectedSubTotal?: number;
}

export interface NewPaymentInput {
  readonly customerId: number;
  readonly paymentTypeId: number;
  readonly splits: readonly { invoiceId: number; amount: number }[];
  readonly unappliedAmount?: number;
  readonly tip?: number;
  readonly paidOn?: number;
  readonly memo?: string | null;
  readonly card?: { brand: 'Visa' | 'Mastercard' | 'Amex' | 'Discover'; last4: string };
  readonly checkNumber?: string;
  readonly externalTransactionId?: string | null;
}

/** Longest tag a customer keeps (as Jobber's tag labels). */
const MAX_TAG_LENGTH = 100;

/**
 * `tags` as a customer keeps them: trimmed, each once. None → no field at all; with `clear` (an update),
 * the field set to undefined so the record drops the tags it had.
 */
function tagsField(tags: readonly string[] | undefined, clear = false): { tags?: string[] } {
  const unique = [...new Set((tags ?? []).map((t) => t.trim()).filter((t) => t !== ''))];
  const tooLong = unique.find((t) => t.length > MAX_TAG_LENGTH);
  if (tooLong !== undefined) {
    throw new WorldRuleError(
      WorldRuleCode.InvalidValue,
      `customer.tags: a tag is at most ${MAX_TAG_LENGTH} characters`,
      { entity: 'customer', field: 'tags', value: tooLong.slice(0, 40) },
    );
  }
  if (unique.length > 0) return { tags: unique };
  return clear ? { tags: undefined } : {};
}

const ASSIGNMENT_STATUS_FOR: Readonly<
  Record<AppointmentStatus, StoredRecord<'assignment'>['status'] | null>
> = {
  Scheduled: 'Scheduled',
  Dispatched: 'Dispatched',
  Working: 'Working',
  Hold: 'Scheduled',
  Done: 'Done',
  Canceled: null,
};

/**
 * The vendor's business operations over a world: each one checks the vendor's rules, then writes
 * through the store (so every touched record gets a new modifiedOn and rowVersion) and keeps money and
 * references consistent. A refused operation throws a `WorldRuleError` before writing anything.
 */
export class WorldWriter {
  readonly rules: WorldRules;

  constructor(readonly store: WorldStore) {
    this.rules = new WorldRules(store);
  }

  // ---------------------------------------------------------------- customers

  createCustomer(input: NewCustomerInput): {
    customer: StoredRecord<'customer'>;
    locations: StoredRecord<'location'>[];
    contacts: StoredRecord<'contact'>[];
  } {
    assertRequired('customer', input, ['name', 'type', 'address', 'locations']);
    for (const location of input.locations) {
      assertRequired('location', location, ['address', 'taxZoneId']);
      this.rules.assertUsable('taxZone', location.taxZoneId);
    }
    for (const contact of input.contacts ?? []) assertRequired('contact', contact, ['type', 'value']);
    const customer = this.store.create('customer', {
      name: input.name,
      type: input.type,
      address: input.address,
      balance: 0,
      doNotMail: input.doNotMail ?? false,
      doNotService: input.doNotService ?? false,
      mergedToId: null,
      ...tagsField(input.tags),
    });
    const locations = input.locations.map((l) =>
      this.store.create('location', {
        customerId: customer.id,
        name: l.name ?? input.name,
        address: l.address,
        taxZoneId: l.taxZoneId,
        mergedToId: null,
      }),
    );
    const contacts = (input.contacts ?? []).map((c) => this.addContact(customer.id, c));
    return { customer, locations, contacts };
  }

  updateCustomer(
    id: number,
    patch: Partial<Pick<Customer, 'name' | 'type' | 'address' | 'doNotMail' | 'doNotService' | 'tags'>>,
  ): StoredRecord<'customer'> {
    this.rules.assertUsable('customer', id, { allowInactive: true });
    if (patch.name !== undefined) assertRequired('customer', patch, ['name']);
    const { tags, ...rest } = patch;
    // `tags: []` clears them: the field goes away rather than holding an empty list.
    return this.store.update('customer', id, 'tags' in patch ? { ...rest, ...tagsField(tags, true) } : rest);
  }

  addContact(
    customerId: number,
    input: { type: Contact['type']; value: string; memo?: string | null; doNotText?: boolean },
  ): StoredRecord<'contact'> {
    this.rules.assertUsable('customer', customerId, { allowInactive: true });
    assertRequired('contact', input, ['type', 'value']);
    return this.store.create('contact', {
      customerId,
      type: input.type,
      value: input.value,
      memo: input.memo ?? null,
      doNotText: input.doNotText ?? false,
    });
  }

  updateContact(
    id: number,
    patch: Partial<Pick<Contact, 'value' | 'memo' | 'doNotText'>>,
  ): StoredRecord<'contact'> {
    this.rules.assertUsable('contact', id);
    if (patch.value !== undefined) assertRequired('contact', patch, ['value']);
    return this.store.update('contact', id, patch);
  }

  /** Merges customer `fromId` into `intoId` (children and balance move; `fromId` becomes inactive). */
  mergeCustomers(fromId: number, intoId: number): StoredRecord<'customer'> {
    this.rules.assertUsable('customer', fromId, { allowInactive: true });
    this.rules.assertUsable('customer', intoId);
    if (fromId === intoId) {
      throw new WorldRuleError(WorldRuleCode.InvalidMerge, 'a customer cannot merge into itself', {
        fromId,
        intoId,
      });
    }
    return this.store.merge('customer', fromId, intoId) as StoredRecord<'customer'>;
  }

  /** Soft-deletes a record the vendor lets users delete (payments are voided with `voidPayment`). */
  softDelete(
    entity: 'contact' | 'equipment' | 'location' | 'membership' | 'estimate' | 'customer',
    id: number,
  ): StoredRecord<typeof entity> {
    this.rules.assertUsable(entity, id, { allowInactive: true });
    if (entity === 'customer' || entity === 'location') {
      const field = entity === 'customer' ? 'customerId' : 'locationId';
      const open = this.store
        .children('job', field, id)
        .find((j) => j.status !== 'Completed' && j.status !== 'Canceled');
      if (open) {
        throw new WorldRuleError(WorldRuleCode.InvalidValue, `${entity} ${id} has open job ${open.id}`, {
          entity,
          id,
          jobId: open.id,
        });
      }
    }
    return this.store.softDelete(entity, id);
  }

  // ---------------------------------------------------------------- jobs and appointments

  createJob(input: NewJobInput): {
    job: StoredRecord<'job'>;
    appointments: StoredRecord<'appointment'>[];
  } {
    assertRequired('job', input, [
      'customerId',
      'locationId',
      'businessUnitId',
      'jobTypeId',
      'priority',
      'campaignId',
      'appointments',
    ]);
    const customer = this.rules.assertUsable('customer', input.customerId);
    if (customer.doNotService) {
      throw new WorldRuleError(
        WorldRuleCode.InvalidValue,
        `customer ${customer.id} is marked do-not-service`,
        {
          customerId: customer.id,
        },
      );
    }
    const location = this.rules.assertUsable('location', input.locationId);
    if (location.customerId !== customer.id) {
      throw new WorldRuleError(
        WorldRuleCode.ReferenceMismatch,
        `location ${location.id} is not the customer's`,
        {
          customerId: customer.id,
          locationId: location.id,
        },
      );
    }
    this.rules.assertUsable('businessUnit', input.businessUnitId);
    this.rules.assertUsable('jobType', input.jobTypeId);
    this.rules.assertUsable('campaign', input.campaignId);
    if (input.soldById != null) this.rules.assertUsable('employee', input.soldById);
    input.appointments.forEach((a, i) => {
      this.checkAppointment(a);
      // Two appointments of the new job may not double-book a technician either, unless one allows it.
      for (const other of input.appointments.slice(0, i)) {
        if (a.allowOverlap || other.allowOverlap) continue;
        const shared = (a.technicianIds ?? []).find((t) => (other.technicianIds ?? []).includes(t));
        if (shared !== undefined && a.start < other.end && other.start < a.end) {
          throw new WorldRuleError(
            WorldRuleCode.TechnicianDoubleBooked,
            `technician ${shared} booked twice`,
            {
              technicianId: shared,
            },
          );
        }
      }
    });
    const jobCount = this.store.count('job');
    const job = this.store.create('job', {
      jobNumber: String(JOB_NUMBER_BASE + jobCount),
      customerId: customer.id,
      locationId: location.id,
      businessUnitId: input.businessUnitId,
      jobTypeId: input.jobTypeId,
      campaignId: input.campaignId,
      priority: input.priority,
      status: 'Scheduled',
      summary: input.summary ?? '',
      completedOn: null,
      canceledOn: null,
      soldById: input.soldById ?? null,
      externalData: (input.externalData ?? []).map((e) => ({ key: e.key, value: e.value })),
    });
    const appointments = input.appointments.map((a) => this.insertAppointment(job, a));
    return { job, appointments };
  }

  addAppointment(jobId: number, input: NewAppointmentInput): StoredRecord<'appointment'> {
    const job = this.rules.assertUsable('job', jobId);
    this.rules.assertJobOpen(job);
    this.checkAppointment(input);
    return this.insertAppointment(job, input);
  }

  rescheduleAppointment(
    id: number,
    window: TimeWindow & { arrivalWindowStart?: number; arrivalWindowEnd?: number },
    options: OverlapOptions = {},
  ): StoredRecord<'appointment'> {
    const appointment = this.rules.assertUsable('appointment', id);
    this.rules.assertAppointmentOpen(appointment);
    assertWindow(window);
    const overlapping: StoredRecord<'assignment'>[] = [];
    for (const a of this.activeAssignments(id)) {
      if (!options.allowOverlap) {
        this.rules.assertTechnicianFree(a.technicianId, window, { ignoreAppointmentId: id });
      } else if (!a.overlapAllowed && !this.rules.isTechnicianFree(a.technicianId, window, id)) {
        overlapping.push(a);
      }
    }
    // The move itself makes these bookings overlap, so they carry the mark the invariants look for.
    for (const a of overlapping) this.store.update('assignment', a.id, { overlapAllowed: true });
    return this.store.update('appointment', id, {
      start: window.start,
      end: window.end,
      arrivalWindowStart: window.arrivalWindowStart ?? window.start,
      arrivalWindowEnd: window.arrivalWindowEnd ?? window.end,
    });
  }

  assignTechnicians(
    appointmentId: number,
    technicianIds: readonly number[],
    assignedById: number | null = null,
    options: OverlapOptions = {},
  ): StoredRecord<'assignment'>[] {
    const appointment = this.rules.assertUsable('appointment', appointmentId);
    this.rules.assertAppointmentOpen(appointment);
    const current = new Set(this.activeAssignments(appointmentId).map((a) => a.technicianId));
    for (const technicianId of technicianIds) {
      this.rules.assertTechnician(technicianId);
      if (current.has(technicianId)) {
        throw new WorldRuleError(
          WorldRuleCode.DuplicateAssignment,
          `technician ${technicianId} is already assigned`,
          {
            technicianId,
            appointmentId,
          },
        );
      }
      if (!options.allowOverlap) {
        this.rules.assertTechnicianFree(technicianId, appointment, { ignoreAppointmentId: appointmentId });
      }
    }
    if (new Set(technicianIds).size !== technicianIds.length) {
      throw new WorldRuleError(WorldRuleCode.DuplicateAssignment, 'a technician is listed twice', {
        appointmentId,
      });
    }
    const status = ASSIGNMENT_STATUS_FOR[appointment.status] ?? 'Scheduled';
    return technicianIds.map((technicianId) =>
      this.store.create('assignment', {
        appointmentId,
        jobId: appointment.jobId,
        technicianId,
        assignedOn: this.store.clock.now(),
        assignedById,
        status,
        ...this.overlapMark(technicianId, appointment, appointmentId, options),
      }),
    );
  }

  /** Unassigning soft-deletes the assignment rows. */
  unassignTechnicians(appointmentId: number, technicianIds: readonly number[]): StoredRecord<'assignment'>[] {
    const appointment = this.rules.assertUsable('appointment', appointmentId);
    this.rules.assertAppointmentOpen(appointment);
    const active = this.activeAssignments(appointmentId);
    return technicianIds.map((technicianId) => {
      const row = active.find((a) => a.technicianId === technicianId);
      if (!row) {
        throw new WorldRuleError(
          WorldRuleCode.NotFound,
          `technician ${technicianId} is not on appointment ${appointmentId}`,
          {
            technicianId,
            appointmentId,
          },
        );
      }
      return this.store.softDelete('assignment', row.id);
    });
  }

  /**
   * Moves an appointment along its legal transitions; its assignments follow. Working starts the job;
   * Done on the job's last open appointment completes it.
   */
  setAppointmentStatus(id: number, status: AppointmentStatus): StoredRecord<'appointment'> {
    const before = this.rules.assertUsable('appointment', id);
    assertTransition('appointment', before.status, status);
    const job = this.store.require('job', before.jobId);
    if (status !== 'Canceled') this.rules.assertJobOpen(job);
    const after = this.writeAppointmentStatus(before, status);
    if (status === 'Working' && (job.status === 'Scheduled' || job.status === 'Hold')) {
      this.store.update('job', job.id, { status: 'InProgress' });
    }
    if (status === 'Done' && !this.openAppointments(job.id).length && job.status === 'InProgress') {
      this.store.update('job', job.id, { status: 'Completed', completedOn: this.store.clock.now() });
    }
    return after;
  }

  /**
   * Moves a job along its legal transitions. Completing closes its open appointments as Done;
   * canceling cancels them. Completed and Canceled are final.
   */
  setJobStatus(id: number, status: JobStatus): StoredRecord<'job'> {
    const job = this.rules.assertUsable('job', id);
    assertTransition('job', job.status, status);
    const now = this.store.clock.now();
    if (status === 'Completed' || status === 'Canceled') {
      for (const appointment of this.openAppointments(id)) {
        this.writeAppointmentStatus(appointment, status === 'Completed' ? 'Done' : 'Canceled');
      }
    }
    return this.store.update('job', id, {
      status,
      ...(status === 'Completed' ? { completedOn: now } : {}),
      ...(status === 'Canceled' ? { canceledOn: now } : {}),
    });
  }

  // ---------------------------------------------------------------- money

  createInvoice(input: NewInvoiceInput): StoredRecord<'invoice'> {
    assertRequired('invoice', input, ['jobId', 'items']);
    const job = this.rules.assertUsable('job', input.jobId, { allowInactive: true });
    const location = this.store.require('location', job.locationId);
    const taxZone = this.store.require('taxZone', location.taxZoneId);
    const items: WorldLineItem[] = input.items.map((line) => this.line(line, input.member ?? false));
    for (const d of input.discounts ?? []) {
      if (!Number.isInteger(d.amount) || d.amount <= 0) {
        throw new WorldRuleError(WorldRuleCode.InvalidValue, 'a discount is a positive number of cents', {
          amount: d.amount,
        });
      }
      items.push({
        id: this.store.newLineItemId(),
        type: 'Discount',
        pricebookItemId: null,
        code: 'DISCOUNT',
        description: d.description,
        quantityMilli: 1000,
        unitPrice: -d.amount,
        total: -d.amount,
        taxable: d.taxable,
      });
    }
    const computed = invoiceTotals(items, taxZone.ratePpm);
    if (computed.discount > computed.subTotal) {
      throw new WorldRuleError(WorldRuleCode.InvalidValue, 'the discount exceeds the subtotal', {
        discount: computed.discount,
        subTotal: computed.subTotal,
      });
    }
    const net = computed.subTotal - computed.discount;
    if (input.expectedSubTotal !== undefined && input.expectedSubTotal !== net) {
      throw new WorldRuleError(
        WorldRuleCode.InvalidValue,
        `the subtotal ${input.expectedSubTotal} differs from the lines' ${net} (cents, net of discounts)`,
        { field: 'subTotal', subTotal: input.expectedSubTotal, lines: net },
      );
    }
    const tax = input.taxOverride;
    if (tax !== undefined && (!Number.isInteger(tax) || tax < 0)) {
      throw new WorldRuleError(WorldRuleCode.InvalidValue, 'the tax is a non-negative number of cents', {
        field: 'salesTax',
        salesTax: tax,
      });
    }
    const totals = tax === undefined ? computed : { ...computed, salesTax: tax, total: net + tax };
    const now = this.store.clock.now();
    const invoice = this.store.create('invoice', {
      referenceNumber: `${job.jobNumber}-${this.store.children('invoice', 'jobId', job.id).length + 1}`,
      jobId: job.id,
      customerId: job.customerId,
      locationId: job.locationId,
      invoiceDate: now,
      dueDate: now + (input.dueDays ?? 30) * 86_400_000,
      status: 'Pending',
      taxZoneId: taxZone.id,
      taxRatePpm: taxZone.ratePpm,
      items,
      ...totals,
      balance: totals.total,
      ...(tax === undefined ? {} : { salesTaxGiven: true as const }),
    });
    this.adjustCustomerBalance(job.customerId, totals.total);
    return invoice;
  }

  setInvoiceStatus(id: number, status: InvoiceStatus): StoredRecord<'invoice'> {
    const invoice = this.rules.assertUsable('invoice', id, { allowInactive: true });
    assertTransition('invoice', invoice.status, status);
    return this.store.update('invoice', id, { status });
  }

  recordPayment(input: NewPaymentInput): StoredRecord<'payment'> {
    assertRequired('payment', input, ['customerId', 'paymentTypeId', 'splits']);
    this.rules.assertUsable('customer', input.customerId, { allowInactive: true });
    const type = this.rules.assertUsable('paymentType', input.paymentTypeId);
    if (type.method === 'card') assertRequired('payment', input, ['card']);
    const seen = new Set<number>();
    for (const split of input.splits) {
      if (!Number.isInteger(split.amount) || split.amount <= 0 || seen.has(split.invoiceId)) {
        throw new WorldRuleError(
          WorldRuleCode.InvalidValue,
          'each split is a positive number of cents to a distinct invoice',
          {
            invoiceId: split.invoiceId,
            amount: split.amount,
          },
        );
      }
      seen.add(split.invoiceId);
      const invoice = this.rules.assertUsable('invoice', split.invoiceId, { allowInactive: true });
      if (invoice.customerId !== input.customerId) {
        throw new WorldRuleError(
          WorldRuleCode.ReferenceMismatch,
          `invoice ${invoice.id} belongs to another customer`,
          {
            invoiceId: invoice.id,
          },
        );
      }
      if (split.amount > invoice.balance) {
        throw new WorldRuleError(
          WorldRuleCode.AmountExceedsBalance,
          `payment exceeds invoice ${invoice.id}'s balance`,
          {
            invoiceId: invoice.id,
            amount: split.amount,
            balance: invoice.balance,
          },
        );
      }
    }
    const unapplied = input.unappliedAmount ?? 0;
    const tip = input.tip ?? 0;
    if (!Number.isInteger(unapplied) || unapplied < 0 || !Number.isInteger(tip) || tip < 0) {
      throw new WorldRuleError(WorldRuleCode.InvalidValue, 'tip and unapplied amount are cents ≥ 0', {
        tip,
        unapplied,
      });
    }
    const applied = input.splits.reduce((sum, s) => sum + s.amount, 0);
    const payment = this.store.create('payment', {
      customerId: input.customerId,
      paymentTypeId: type.id,
      method: type.method,
      cardBrand: type.method === 'card' ? (input.card?.brand ?? null) : null,
      cardLast4: type.method === 'card' ? (input.card?.last4 ?? null) : null,
      checkNumber: type.method === 'check' ? (input.checkNumber ?? null) : null,
      amount: applied + unapplied,
      tip,
      splits: input.splits.map((s) => ({ invoiceId: s.invoiceId, amount: s.amount })),
      unappliedAmount: unapplied,
      paidOn: input.paidOn ?? this.store.clock.now(),
      memo: input.memo ?? null,
      externalTransactionId: input.externalTransactionId ?? null,
    });
    for (const split of input.splits) {
      const invoice = this.store.require('invoice', split.invoiceId);
      this.store.update('invoice', invoice.id, { balance: invoice.balance - split.amount });
    }
    this.adjustCustomerBalance(input.customerId, -applied);
    return payment;
  }

  /** Voids a payment: soft-deleted, its splits go back onto the invoices' balances. */
  voidPayment(id: number): StoredRecord<'payment'> {
    const payment = this.rules.assertUsable('payment', id, { allowInactive: true });
    let applied = 0;
    for (const split of payment.splits) {
      const invoice = this.store.require('invoice', split.invoiceId);
      this.store.update('invoice', invoice.id, { balance: invoice.balance + split.amount });
      applied += split.amount;
    }
    const voided = this.store.softDelete('payment', id);
    this.adjustCustomerBalance(payment.customerId, applied);
    return voided;
  }

  // ---------------------------------------------------------------- estimates, memberships, equipment

  createEstimate(input: {
    jobId: number;
    name: string;
    options: readonly { name: string; items: readonly NewLineInput[] }[];
  }): StoredRecord<'estimate'> {
    assertRequired('estimate', input, ['jobId', 'name', 'options']);
    const job = this.rules.assertUsable('job', input.jobId, { allowInactive: true });
    const options = input.options.map((o) => {
      assertRequired('estimate', o, ['name', 'items']);
      const items = o.items.map((line) => this.line(line, false));
      return { id: this.store.newEstimateOptionId(), name: o.name, items, subTotal: sumLines(items) };
    });
    return this.store.create('estimate', {
      jobId: job.id,
      customerId: job.customerId,
      locationId: job.locationId,
      name: input.name,
      status: 'Open',
      options,
      soldOptionId: null,
      soldOn: null,
      soldById: null,
    });
  }

  sellEstimate(id: number, optionId: number, soldById: number): StoredRecord<'estimate'> {
    const estimate = this.rules.assertUsable('estimate', id);
    assertTransition('estimate', estimate.status, 'Sold' satisfies EstimateStatus);
    if (!estimate.options.some((o) => o.id === optionId)) {
      throw new WorldRuleError(WorldRuleCode.NotFound, `estimate ${id} has no option ${optionId}`, {
        id,
        optionId,
      });
    }
    this.rules.assertUsable('employee', soldById);
    return this.store.update('estimate', id, {
      status: 'Sold',
      soldOptionId: optionId,
      soldOn: this.store.clock.now(),
      soldById,
    });
  }

  dismissEstimate(id: number): StoredRecord<'estimate'> {
    const estimate = this.rules.assertUsable('estimate', id);
    assertTransition('estimate', estimate.status, 'Dismissed');
    return this.store.update('estimate', id, { status: 'Dismissed' });
  }

  setMembershipStatus(id: number, status: MembershipStatus): StoredRecord<'membership'> {
    const membership = this.rules.assertUsable('membership', id, { allowInactive: true });
    assertTransition('membership', membership.status, status);
    return this.store.update('membership', id, {
      status,
      ...(status === 'Expired' || status === 'Canceled'
        ? { to: Math.min(membership.to, this.store.clock.now()) }
        : {}),
    });
  }

  addEquipment(input: {
    locationId: number;
    name: string;
    type: string;
    manufacturer: string;
    model: string;
    serialNumber: string;
    installedOn: number;
    warrantyEnd?: number | null;
  }): StoredRecord<'equipment'> {
    assertRequired('equipment', input, [
      'locationId',
      'name',
      'type',
      'manufacturer',
      'model',
      'serialNumber',
      'installedOn',
    ]);
    const location = this.rules.assertUsable('location', input.locationId);
    return this.store.create('equipment', {
      customerId: location.customerId,
      locationId: location.id,
      name: input.name,
      type: input.type,
      manufacturer: input.manufacturer,
      model: input.model,
      serialNumber: input.serialNumber,
      installedOn: input.installedOn,
      warrantyEnd: input.warrantyEnd ?? null,
    });
  }

  // ---------------------------------------------------------------- helpers

  /** Appointments of the job that are not Done or Canceled (and not deleted). */
  openAppointments(jobId: number): StoredRecord<'appointment'>[] {
    return this.store
      .children('appointment', 'jobId', jobId)
      .filter((a) => a.deletedOn === null && !CLOSED_APPOINTMENT_STATUSES.includes(a.status));
  }

  activeAssignments(appointmentId: number): StoredRecord<'assignment'>[] {
    return this.store
      .children('assignment', 'appointmentId', appointmentId)
      .filter((a) => a.deletedOn === null);
  }

  private checkAppointment(input: NewAppointmentInput): void {
    assertRequired('appointment', input, ['start', 'end']);
    assertWindow(input);
    const arrivalStart = input.arrivalWindowStart ?? input.start;
    const arrivalEnd = input.arrivalWindowEnd ?? input.end;
    if (arrivalEnd < arrivalStart) {
      throw new WorldRuleError(WorldRuleCode.InvalidWindow, 'the arrival window ends before it starts', {
        arrivalStart,
        arrivalEnd,
      });
    }
    const ids = input.technicianIds ?? [];
    if (new Set(ids).size !== ids.length) {
      throw new WorldRuleError(WorldRuleCode.DuplicateAssignment, 'a technician is listed twice', {});
    }
    for (const technicianId of ids) {
      this.rules.assertTechnician(technicianId);
      if (!input.allowOverlap) this.rules.assertTechnicianFree(technicianId, input);
    }
  }

  /**
   * `{ overlapAllowed: true }` when overlap is allowed and the technician really is booked elsewhere in
   * the window; otherwise nothing, so bookings that overlap nothing stay exactly as they always were.
   */
  private overlapMark(
    technicianId: number,
    window: TimeWindow,
    appointmentId: number,
    options: OverlapOptions,
  ): { overlapAllowed?: true } {
    return options.allowOverlap && !this.rules.isTechnicianFree(technicianId, window, appointmentId)
      ? { overlapAllowed: true }
      : {};
  }

  private insertAppointment(
    job: StoredRecord<'job'>,
    input: NewAppointmentInput,
  ): StoredRecord<'appointment'> {
    const n = this.store.children('appointment', 'jobId', job.id).length + 1;
    const appointment = this.store.create('appointment', {
      jobId: job.id,
      customerId: job.customerId,
      appointmentNumber: `${job.jobNumber}-${n}`,
      start: input.start,
      end: input.end,
      arrivalWindowStart: input.arrivalWindowStart ?? input.start,
      arrivalWindowEnd: input.arrivalWindowEnd ?? input.end,
      status: 'Scheduled',
      specialInstructions: input.specialInstructions ?? null,
    });
    const now = this.store.clock.now();
    for (const technicianId of input.technicianIds ?? []) {
      this.store.create('assignment', {
        appointmentId: appointment.id,
        jobId: job.id,
        technicianId,
        assignedOn: now,
        assignedById: null,
        status: 'Scheduled',
        ...this.overlapMark(technicianId, input, appointment.id, input),
      });
    }
    return appointment;
  }

  private writeAppointmentStatus(
    before: StoredRecord<'appointment'>,
    status: AppointmentStatus,
  ): StoredRecord<'appointment'> {
    const after = this.store.update('appointment', before.id, { status });
    const assignmentStatus = ASSIGNMENT_STATUS_FOR[status];
    if (assignmentStatus) {
      for (const a of this.activeAssignments(before.id)) {
        if (a.status !== assignmentStatus)
          this.store.update('assignment', a.id, { status: assignmentStatus });
      }
    }
    return after;
  }

  private line(input: NewLineInput, member: boolean): WorldLineItem {
    const item =
      input.pricebookItemId != null ? this.rules.assertUsable('pricebookItem', input.pricebookItemId) : null;
    const type = input.type ?? item?.type;
    const description = input.description ?? item?.name;
    const unitPrice = input.unitPrice ?? (item ? (member ? item.memberPrice : item.price) : undefined);
    if (type === undefined || description === undefined || unitPrice === undefined) {
      throw new WorldRuleError(
        WorldRuleCode.RequiredField,
        'a line needs a pricebook item or type, description and price',
        {},
      );
    }
    const quantityMilli = input.quantityMilli ?? 1000;
    if (
      !Number.isInteger(quantityMilli) ||
      quantityMilli <= 0 ||
      !Number.isInteger(unitPrice) ||
      unitPrice < 0
    ) {
      throw new WorldRuleError(WorldRuleCode.InvalidValue, 'quantity and unit price are positive integers', {
        quantityMilli,
        unitPrice,
      });
    }
    return {
      id: this.store.newLineItemId(),
      type,
      pricebookItemId: item?.id ?? null,
      code: input.code ?? item?.code ?? '',
      description,
      quantityMilli,
      unitPrice,
      total: lineTotal(quantityMilli, unitPrice),
      taxable: input.taxable ?? item?.taxable ?? false,
    };
  }

  private adjustCustomerBalance(customerId: number, delta: number): void {
    if (delta === 0) return;
    const customer = this.store.require('customer', customerId);
    this.store.update('customer', customerId, { balance: customer.balance + delta });
  }
}

/** Job numbers are the job's ordinal plus this base: "10001", "10002", … */
export const JOB_NUMBER_BASE = 10_001;

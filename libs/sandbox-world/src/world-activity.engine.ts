import { attempt, WorldRuleError } from './world-rule.error';
import { WorldRng } from './world-rng.util';
import * as W from './world-words.constants';
import { APPOINTMENT_TRANSITIONS } from './world.rules';
import { ID_BASE, type AppointmentStatus, type WorldEntity } from './world.schema';
import type { StoredRecord, WorldStore } from './world.store';
import type { WorldWriter } from './world.writer';

/** Kinds of business activity and their default relative weights. */
export const DEFAULT_ACTIVITY_MIX = {
  createCustomer: 5,
  createJob: 10,
  advanceAppointment: 16,
  holdOrCancelJob: 3,
  reschedule: 6,
  reassign: 5,
  payment: 10,
  voidPayment: 1,
  invoiceStatus: 5,
  estimate: 4,
  updateCustomer: 5,
  updateContact: 3,
  softDelete: 2,
  mergeCustomers: 1,
  membership: 2,
  equipment: 2,
} as const;
export type ActivityKind = keyof typeof DEFAULT_ACTIVITY_MIX;
export type ActivityMix = Readonly<Record<ActivityKind, number>>;

export interface ActivityOptions {
  readonly seed: number | string;
  /** Mean events per simulated minute (default 2). */
  readonly ratePerMinute?: number;
  /** Weights per kind; missing kinds keep their default, 0 turns a kind off. */
  readonly mix?: Partial<ActivityMix>;
}

/** What one activity step did. A rule refusal is an outcome too (nothing was written then). */
export interface ActivityEvent {
  readonly kind: ActivityKind | 'bulkEdit';
  readonly at: number;
  readonly ok: boolean;
  readonly entity?: WorldEntity;
  readonly id?: number;
  /** The rule code when the vendor refused, or 'no_candidate' when nothing fitted. */
  readonly refused?: string;
}

/** Entities `burst` and `betweenPages` can edit in bulk, and how. */
export const BULK_EDITABLE = [
  'customer',
  'location',
  'contact',
  'job',
  'appointment',
  'pricebookItem',
  'employee',
  'equipment',
] as const;
export type BulkEditable = (typeof BULK_EDITABLE)[number];

const MINUTE = 60_000;
const DAY = 86_400_000;
const PROBES = 60;

/**
 * Makes a world live: creates, status moves along legal transitions, reschedules, reassignments,
 * payments, soft deletes and merges, through the WorldWriter (so every vendor rule holds), at a
 * configurable rate on the world clock. Deterministic given its seed and the sequence of calls.
 *
 * The hard cases on demand: `burst(n)` writes n records sharing ONE modifiedOn; `betweenPages(entity)`
 * is the hook renderers call between two page requests, so records change while a client pages.
 */
export class ActivityEngine {
  private readonly rng: WorldRng;
  private readonly mix: ActivityMix;
  private readonly meanGapMs: number;
  private readonly store: WorldStore;
  /** When runFor's next event is due (world time); undefined until runFor first schedules one. */
  private nextAt: number | undefined;

  constructor(
    private readonly writer: WorldWriter,
    options: ActivityOptions,
  ) {
    this.store = writer.store;
    this.rng = new WorldRng(`activity:${String(options.seed)}`);
    this.mix = { ...DEFAULT_ACTIVITY_MIX, ...options.mix };
    const rate = options.ratePerMinute ?? 2;
    if (!(rate > 0)) throw new RangeError('ratePerMinute must be > 0');
    this.meanGapMs = MINUTE / rate;
  }

  /** One event at the current time, then the clock moves on by a jittered 1/rate. */
  step(): ActivityEvent {
    const event = this.event(this.rng.weighted(this.mix));
    this.store.clock.advance(this.gap());
    this.nextAt = undefined;
    return event;
  }

  /** The world time to the next event: 1/rate, jittered ±50 %. */
  private gap(): number {
    return Math.max(1, Math.round(this.meanGapMs * (0.5 + this.rng.next())));
  }

  /** `count` steps. */
  run(count: number): ActivityEvent[] {
    const out: ActivityEvent[] = [];
    for (let i = 0; i < count; i++) out.push(this.step());
    return out;
  }

  /**
   * The activity of the next `ms` of world time: each event at its due instant (a jittered 1/rate after
   * the previous one), and the clock ends exactly `ms` later. A window shorter than the time to the next
   * event applies none; the engine remembers when it is due, so many short windows (the real-time
   * clock's ticks) add up to the configured rate, as one long one does.
   */
  runFor(ms: number): ActivityEvent[] {
    const clock = this.store.clock;
    const until = clock.now() + ms;
    this.nextAt ??= clock.now() + this.gap();
    const out: ActivityEvent[] = [];
    while (this.nextAt <= until) {
      clock.advance(Math.max(0, this.nextAt - clock.now()));
      out.push(this.event(this.rng.weighted(this.mix)));
      this.nextAt = Math.max(this.nextAt, clock.now()) + this.gap();
    }
    clock.advance(Math.max(0, until - clock.now()));
    return out;
  }

  /**
   * `n` writes at ONE instant (the clock does not move until they are done): with `entity`, a bulk
   * edit of n distinct records of it (as an office user's mass update or an import); without, n mixed
   * events. Returns the events; the clock then moves on by one millisecond.
   */
  burst(n: number, options: { entity?: BulkEditable } = {}): ActivityEvent[] {
    const out: ActivityEvent[] = [];
    if (options.entity) {
      const entity = options.entity;
      const ids = this.distinctIds(entity, n);
      for (const id of ids) out.push(this.bulkEdit(entity, id));
    } else {
      for (let i = 0; i < n; i++) out.push(this.event(this.rng.weighted(this.mix)));
    }
    this.store.clock.advance(1);
    return out;
  }

  /**
   * The hook renderers call between two page requests of `entity`: a few records of it change
   * (some already served, some not yet) and, for customers and jobs, one is created — so a client
   * paging by (modifiedOn, id) or by id meets moved and new rows. The clock moves on by `gapMs`.
   */
  betweenPages(entity: WorldEntity, options: { changes?: number; gapMs?: number } = {}): ActivityEvent[] {
    const out: ActivityEvent[] = [];
    if ((BULK_EDITABLE as readonly string[]).includes(entity)) {
      for (const id of this.distinctIds(entity, options.changes ?? 3)) {
        out.push(this.bulkEdit(entity as BulkEditable, id));
      }
    } else {
      for (let i = 0; i < (options.changes ?? 3); i++) out.push(this.event(this.rng.weighted(this.mix)));
    }
    if (entity === 'customer') out.push(this.event('createCustomer'));
    if (entity === 'job' || entity === 'appointment') out.push(this.event('createJob'));
    this.store.clock.advance(options.gapMs ?? 250);
    return out;
  }

  // ------------------------------------------------------------ events

  private event(kind: ActivityKind): ActivityEvent {
    const at = this.store.clock.now();
    try {
      const touched = this.perform(kind);
      if (!touched) return { kind, at, ok: false, refused: 'no_candidate' };
      return { kind, at, ok: true, entity: touched[0], id: touched[1] };
    } catch (err) {
      if (err instanceof WorldRuleError) return { kind, at, ok: false, refused: err.code };
      throw err;
    }
  }

  /** Does one thing of `kind`; returns what it wrote, or null when no record fitted. */
  private perform(kind: ActivityKind): [WorldEntity, number] | null {
    const rng = this.rng;
    const w = this.writer;
    const now = this.store.clock.now();
    switch (kind) {
      case 'createCustomer': {
        const commercial = rng.chance(0.15);
        const name = commercial
          ? `${rng.pick(W.COMPANY_WORDS)} ${rng.pick(W.COMPANY_KINDS)}`
          : `${rng.pick(W.FIRST_NAMES)} ${rng.pick(W.LAST_NAMES)}`;
        const address = this.address();
        const taxZone = this.pick('taxZone', (t) => t.active);
        if (!taxZone) return null;
        const { customer } = w.createCustomer({
          name,
          type: commercial ? 'Commercial' : 'Residential',
          address,
          locations: [{ address, taxZoneId: taxZone.id }],
          contacts: [{ type: 'Phone', value: `(512) 555-${rng.digits(4)}` }],
        });
        return ['customer', customer.id];
      }
      case 'createJob': {
        const location = this.pick('location', (l) => l.active && this.isServiceable(l.customerId));
        const jobType = this.pick('jobType', (t) => t.active);
        const campaign = this.pick('campaign', (c) => c.active);
        if (!location || !jobType || !campaign) return null;
        const window = this.futureWindow(now, jobType.durationMinutes);
        const tech = this.freeTechnician(window);
        const { job } = w.createJob({
          customerId: location.customerId,
          locationId: location.id,
          businessUnitId: jobType.businessUnitId,
          jobTypeId: jobType.id,
          campaignId: campaign.id,
          priority: rng.pick(['Normal', 'Normal', 'High', 'Urgent', 'Low'] as const),
          summary: rng.pick(W.JOB_SUMMARIES),
          externalData: rng.chance(0.1) ? [{ key: 'source', value: 'online-booking' }] : [],
          appointments: [
            {
              ...window,
              arrivalWindowStart: window.start,
              arrivalWindowEnd: window.start + 2 * 3_600_000,
              technicianIds: tech ? [tech] : [],
            },
          ],
        });
        return ['job', job.id];
      }
      case 'advanceAppointment': {
        const next: Partial<Record<AppointmentStatus, AppointmentStatus>> = {
          Scheduled: 'Dispatched',
          Dispatched: 'Working',
          Working: 'Done',
          Hold: 'Scheduled',
        };
        const a = this.pick('appointment', (x) => x.deletedOn === null && next[x.status] !== undefined);
        if (!a) return null;
        const to = next[a.status] as AppointmentStatus;
        if (!APPOINTMENT_TRANSITIONS[a.status].includes(to)) return null;
        w.setAppointmentStatus(a.id, to);
        const job = this.store.require('job', a.jobId);
        if (job.status === 'Completed' && !this.store.children('invoice', 'jobId', job.id).length) {
          this.invoice(job);
        }
        return ['appointment', a.id];
      }
      case 'holdOrCancelJob': {
        const job = this.pick(
          'job',
          (j) => j.deletedOn === null && j.status !== 'Completed' && j.status !== 'Canceled',
        );
        if (!job) return null;
        const to =
          job.status === 'Hold'
            ? rng.pick(['Scheduled', 'Canceled'] as const)
            : rng.pick(['Hold', 'Canceled'] as const);
        w.setJobStatus(job.id, to);
        return ['job', job.id];
      }
      case 'reschedule': {
        const a = this.pick(
          'appointment',
          (x) => x.deletedOn === null && ['Scheduled', 'Dispatched', 'Hold'].includes(x.status),
        );
        if (!a) return null;
        const window = this.futureWindow(now, Math.round((a.end - a.start) / MINUTE));
        w.rescheduleAppointment(a.id, {
          ...window,
          arrivalWindowStart: window.start,
          arrivalWindowEnd: window.start + 2 * 3_600_000,
        });
        return ['appointment', a.id];
      }
      case 'reassign': {
        const a = this.pick(
          'appointment',
          (x) => x.deletedOn === null && ['Scheduled', 'Dispatched'].includes(x.status),
        );
        if (!a) return null;
        const current = w.activeAssignments(a.id);
        const tech = this.freeTechnician(
          a,
          current.map((c) => c.technicianId),
        );
        if (current.length && rng.chance(0.7)) w.unassignTechnicians(a.id, [rng.pick(current).technicianId]);
        if (!tech) return current.length ? ['appointment', a.id] : null;
        const [row] = w.assignTechnicians(
          a.id,
          [tech],
          this.pick('employee', (e) => e.role === 'Dispatch')?.id ?? null,
        );
        return row ? ['assignment', row.id] : null;
      }
      case 'payment': {
        const invoice = this.pick(
          'invoice',
          (i) =>
            i.balance > 0 &&
            i.deletedOn === null &&
            this.store.get('customer', i.customerId)?.mergedToId === null,
        );
        if (!invoice) return null;
        const others = this.store
          .children('invoice', 'customerId', invoice.customerId)
          .filter((i) => i.id !== invoice.id && i.balance > 0);
        const splits = [
          {
            invoiceId: invoice.id,
            amount: rng.chance(0.7)
              ? invoice.balance
              : Math.max(1, Math.floor(invoice.balance * (0.2 + rng.next() * 0.6))),
          },
        ];
        const other = others[0];
        if (other && rng.chance(0.3)) splits.push({ invoiceId: other.id, amount: other.balance });
        const method = rng.weighted({ card: 55, check: 18, cash: 12, ach: 15 });
        const type = this.pick('paymentType', (t) => t.method === method);
        if (!type) return null;
        const payment = w.recordPayment({
          customerId: invoice.customerId,
          paymentTypeId: type.id,
          splits,
          tip: method === 'card' && rng.chance(0.1) ? 1000 : 0,
          card:
            method === 'card'
              ? { brand: rng.pick(['Visa', 'Mastercard', 'Amex', 'Discover'] as const), last4: rng.digits(4) }
              : undefined,
          checkNumber: method === 'check' ? String(rng.int(1001, 9999)) : undefined,
          externalTransactionId: method === 'card' ? `ch_${rng.alphanumeric(24)}` : null,
        });
        return ['payment', payment.id];
      }
      case 'voidPayment': {
        const p = this.pick(
          'payment',
          (x) => x.deletedOn === null && this.store.get('customer', x.customerId)?.mergedToId === null,
        );
        if (!p) return null;
        w.voidPayment(p.id);
        return ['payment', p.id];
      }
      case 'invoiceStatus': {
        const inv = this.pick('invoice', (i) => i.status !== 'Exported');
        if (!inv) return null;
        w.setInvoiceStatus(inv.id, inv.status === 'Pending' ? 'Posted' : 'Exported');
        return ['invoice', inv.id];
      }
      case 'estimate': {
        const open = this.pick('estimate', (e) => e.status === 'Open' && e.deletedOn === null, 10);
        if (open && rng.chance(0.6)) {
          const option = rng.pick(open.options);
          const tech = this.pick('employee', (e) => e.role === 'Technician' && e.active);
          if (rng.chance(0.6) && tech) w.sellEstimate(open.id, option.id, tech.id);
          else w.dismissEstimate(open.id);
          return ['estimate', open.id];
        }
        const job = this.pick('job', (j) => j.status !== 'Canceled' && j.deletedOn === null);
        const item = this.pick('pricebookItem', (p) => p.active);
        if (!job || !item) return null;
        const e = w.createEstimate({
          jobId: job.id,
          name: 'Repair options',
          options: [
            { name: 'Repair', items: [{ pricebookItemId: item.id }] },
            { name: 'Replace', items: [{ pricebookItemId: item.id, quantityMilli: 2000 }] },
          ],
        });
        return ['estimate', e.id];
      }
      case 'updateCustomer': {
        const c = this.pick('customer', (x) => x.mergedToId === null && x.deletedOn === null);
        if (!c) return null;
        const roll = rng.next();
        const patch =
          roll < 0.4
            ? { address: this.address() }
            : roll < 0.7
              ? { doNotMail: !c.doNotMail }
              : { name: `${c.name.split(' (')[0] ?? c.name} (${rng.pick(W.LAST_NAMES)})` };
        w.updateCustomer(c.id, patch);
        return ['customer', c.id];
      }
      case 'updateContact': {
        const c = this.pick(
          'contact',
          (x) =>
            x.deletedOn === null && x.active && this.store.get('customer', x.customerId)?.mergedToId === null,
        );
        if (!c) return null;
        w.updateContact(
          c.id,
          c.type === 'Email'
            ? { value: `updated${rng.int(1, 999)}@example.com` }
            : { doNotText: !c.doNotText },
        );
        return ['contact', c.id];
      }
      case 'softDelete': {
        const entity = rng.pick(['contact', 'equipment'] as const);
        const r = this.pick(entity, (x) => x.deletedOn === null);
        if (!r) return null;
        w.softDelete(entity, r.id);
        return [entity, r.id];
      }
      case 'mergeCustomers': {
        const a = this.pick('customer', (x) => x.mergedToId === null && x.deletedOn === null && x.active);
        const b = this.pick(
          'customer',
          (x) => x.mergedToId === null && x.deletedOn === null && x.active && x.id !== a?.id,
        );
        if (!a || !b) return null;
        const [into, from] = a.id < b.id ? [a, b] : [b, a];
        w.mergeCustomers(from.id, into.id);
        return ['customer', from.id];
      }
      case 'membership': {
        const m = this.pick('membership', (x) => x.status === 'Active' || x.status === 'Suspended');
        if (!m) return null;
        w.setMembershipStatus(
          m.id,
          m.status === 'Suspended' ? 'Active' : rng.pick(['Suspended', 'Canceled', 'Expired'] as const),
        );
        return ['membership', m.id];
      }
      case 'equipment': {
        const l = this.pick('location', (x) => x.active);
        if (!l) return null;
        const [type, makers, prefix] = rng.pick(W.INSTALLED_EQUIPMENT);
        const manufacturer = rng.pick(makers);
        const e = w.addEquipment({
          locationId: l.id,
          name: `${manufacturer} ${type}`,
          type,
          manufacturer,
          model: `${prefix}${rng.int(10, 99)}X`,
          serialNumber: rng.alphanumeric(10).toUpperCase(),
          installedOn: now,
          warrantyEnd: now + 10 * 365 * DAY,
        });
        return ['equipment', e.id];
      }
    }
  }

  private bulkEdit(entity: BulkEditable, id: number): ActivityEvent {
    const at = this.store.clock.now();
    const result = attempt(() => {
      const s = this.store;
      switch (entity) {
        case 'customer':
          return s.update('customer', id, { doNotMail: !s.require('customer', id).doNotMail });
        case 'location':
          return s.update('location', id, { name: s.require('location', id).name });
        case 'contact':
          return s.update('contact', id, { memo: `Verified ${new Date(at).toISOString().slice(0, 10)}` });
        case 'job':
          return s.update('job', id, { summary: s.require('job', id).summary });
        case 'appointment':
          return s.update('appointment', id, { specialInstructions: 'Gate code on file' });
        case 'pricebookItem': {
          const p = s.require('pricebookItem', id);
          return s.update('pricebookItem', id, {
            price: Math.round(p.price * 1.03),
            memberPrice: Math.round(p.memberPrice * 1.03),
          });
        }
        case 'employee':
          return s.update('employee', id, { phoneNumber: s.require('employee', id).phoneNumber });
        case 'equipment':
          return s.update('equipment', id, { name: s.require('equipment', id).name });
      }
    });
    return result.ok
      ? { kind: 'bulkEdit', at, ok: true, entity, id }
      : { kind: 'bulkEdit', at, ok: false, entity, id, refused: result.error.code };
  }

  // ------------------------------------------------------------ helpers

  /** A random record of `entity` that `accept`s, by probing (ids are contiguous per entity). */
  private pick<E extends WorldEntity>(
    entity: E,
    accept: (r: StoredRecord<E>) => boolean,
    probes = PROBES,
  ): StoredRecord<E> | null {
    const count = this.store.count(entity);
    if (!count) return null;
    for (let i = 0; i < probes; i++) {
      const r = this.store.get(entity, ID_BASE[entity] + this.rng.int(0, count - 1));
      if (r && accept(r)) return r;
    }
    return null;
  }

  private distinctIds(entity: WorldEntity, n: number): number[] {
    const count = this.store.count(entity);
    const ids = new Set<number>();
    for (let guard = 0; ids.size < Math.min(n, count) && guard < n * 20; guard++) {
      ids.add(ID_BASE[entity] + this.rng.int(0, count - 1));
    }
    return Array.from(ids);
  }

  private isServiceable(customerId: number): boolean {
    const c = this.store.get('customer', customerId);
    return !!c && c.active && c.deletedOn === null && c.mergedToId === null && !c.doNotService;
  }

  /** A business-hours window 1 hour to 14 days ahead, on a 15-minute grid. */
  private futureWindow(now: number, minutes: number): { start: number; end: number } {
    const day = Math.floor(now / DAY) + this.rng.int(0, 14);
    let start = day * DAY + (14 + this.rng.int(0, 8)) * 3_600_000 + this.rng.int(0, 3) * 15 * MINUTE;
    if (start < now + 3_600_000) start += DAY;
    return { start, end: start + Math.max(30, minutes) * MINUTE };
  }

  private freeTechnician(
    window: { start: number; end: number },
    exclude: readonly number[] = [],
  ): number | null {
    for (let i = 0; i < 6; i++) {
      const tech = this.pick(
        'employee',
        (e) => e.role === 'Technician' && e.active && e.deletedOn === null && !exclude.includes(e.id),
      );
      if (tech && this.writer.rules.isTechnicianFree(tech.id, window)) return tech.id;
    }
    return null;
  }

  private address(): StoredRecord<'customer'>['address'] {
    const [city, state, zip] = this.rng.pick(W.CITIES);
    return {
      street: `${this.rng.int(100, 19999)} ${this.rng.pick(W.STREET_NAMES)} ${this.rng.pick(W.STREET_KINDS)}`,
      unit: null,
      city,
      state,
      zip: `${zip}${String(this.rng.int(1, 99)).padStart(2, '0')}`,
      country: 'USA',
      latitude: Math.round((30.27 + (this.rng.next() - 0.5) * 0.6) * 1e6) / 1e6,
      longitude: Math.round((-97.74 + (this.rng.next() - 0.5) * 0.6) * 1e6) / 1e6,
    };
  }

  private invoice(job: StoredRecord<'job'>): void {
    const items = [];
    for (let k = this.rng.int(1, 3); k > 0; k--) {
      const p = this.pick('pricebookItem', (x) => x.active);
      if (p) items.push({ pricebookItemId: p.id, quantityMilli: this.rng.int(1, 3) * 1000 });
    }
    if (!items.length) return;
    this.writer.createInvoice({
      jobId: job.id,
      items,
      discounts: this.rng.chance(0.1)
        ? [{ description: '$25 Off Coupon', amount: 2500, taxable: false }]
        : [],
    });
  }
}

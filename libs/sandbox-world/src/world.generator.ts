import { invoiceTotals, lineTotal, sumLines } from './world-money.util';
import { WorldRng } from './world-rng.util';
import * as W from './world-words.constants';
import { WorldClock } from './world.clock';
import type {
  AppointmentStatus,
  Customer,
  Employee,
  Estimate,
  Invoice,
  Job,
  JobStatus,
  Location,
  Membership,
  Payment,
  PaymentMethod,
  PricebookItem,
  WorldAddress,
  WorldLineItem,
} from './world.schema';
import { WorldStore, type WorldLoader } from './world.store';
import { JOB_NUMBER_BASE, WorldWriter } from './world.writer';

export interface GenerateWorldOptions {
  /** Same seed and size → byte-identical ground truth. */
  readonly seed: number | string;
  /** Approximate total number of records (tens to hundreds of thousands). */
  readonly size: number;
  /** The world clock's start ("now"), epoch ms; default 2026-03-02T18:00:00.000Z. */
  readonly now?: number;
  /**
   * The clock follows the wall clock from `now` (default false: it moves only when advanced). For
   * clients that compare the vendor's timestamps with their own clock, as a real vendor allows.
   */
  readonly realtime?: boolean;
}

/** A generated business: its state, its clock, and the vendor operations over it. */
export interface World {
  readonly seed: number | string;
  readonly size: number;
  readonly clock: WorldClock;
  readonly store: WorldStore;
  readonly writer: WorldWriter;
}

export const DEFAULT_WORLD_NOW = Date.UTC(2026, 2, 2, 18, 0, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HISTORY_DAYS = 730;
const FUTURE_DAYS = 30;
/** Four 2-hour slots a day from 14:00 UTC (8 am in Austin). */
const SLOTS_PER_DAY = 4;
const FIRST_SLOT_HOUR = 14;
/** Records a customer brings along on average (locations, contacts, jobs, appointments, …), measured. */
const RECORDS_PER_CUSTOMER = 14.5;

type Plan<T> = { rec: T | null };
interface CustomerPlan extends Plan<Customer> {
  readonly createdOn: number;
  readonly type: Customer['type'];
  readonly name: string;
  readonly address: WorldAddress;
  readonly personal: { first: string; last: string } | null;
  modifiedOn: number;
  balance: number;
  active: boolean;
  doNotService: boolean;
  duplicateOf: CustomerPlan | null;
}
interface LocationPlan extends Plan<Location> {
  readonly customer: CustomerPlan;
  readonly createdOn: number;
  readonly name: string;
  readonly address: WorldAddress;
  readonly taxZone: number;
}
interface JobPlan extends Plan<Job> {
  readonly customer: CustomerPlan;
  readonly location: LocationPlan;
  readonly createdOn: number;
  readonly jobType: number;
  status: JobStatus;
  modifiedOn: number;
  completedOn: number | null;
  canceledOn: number | null;
  appointments: AppointmentPlan[];
  readonly summary: string;
  readonly priority: Job['priority'];
  readonly campaign: number;
}
interface AppointmentPlan extends Plan<{ id: number }> {
  readonly job: JobPlan;
  readonly createdOn: number;
  readonly start: number;
  readonly end: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  status: AppointmentStatus;
  modifiedOn: number;
  readonly technicians: number[];
}

/**
 * Generates a realistic trades business (an Austin-area HVAC / plumbing / electrical contractor) of
 * about `size` records, deterministic in (seed, size, now). The world clock starts at `now`; history
 * goes back two years (older customers came in one import, sharing one createdOn), appointments run a
 * month ahead. Ids grow with createdOn in every entity, as a vendor's would.
 */
export function generateWorld(options: GenerateWorldOptions): World {
  if (!Number.isInteger(options.size) || options.size < 1)
    throw new RangeError('size must be a positive integer');
  const now = options.now ?? DEFAULT_WORLD_NOW;
  const clock = options.realtime ? WorldClock.realtime(now) : WorldClock.virtual(now);
  const loader = WorldStore.loader(clock);
  new Generation(
    new WorldRng(`world:${String(options.seed)}:${options.size}`),
    options.size,
    now,
    loader,
  ).run();
  const store = loader.finish();
  return { seed: options.seed, size: options.size, clock, store, writer: new WorldWriter(store) };
}

class Generation {
  private readonly founding: number;
  private readonly importAt: number;
  private readonly historyStart: number;
  private readonly days: number;
  private readonly ids = {
    businessUnit: [] as number[],
    jobType: [] as number[],
    campaign: [] as number[],
    taxZone: [] as number[],
    paymentType: [] as number[],
  };
  private readonly taxRates: number[] = [];
  private readonly paymentTypes: { id: number; method: PaymentMethod }[] = [];
  private techs: Employee[] = [];
  private techsByUnit: number[][] = [];
  private office: Employee[] = [];
  private pricebook: PricebookItem[] = [];
  private pricebookByUnit: PricebookItem[][] = [];
  /** technician index × day × slot → taken */
  private occupancy = new Uint8Array(0);
  private readonly streetNumbers = new Set<string>();

  constructor(
    private readonly rng: WorldRng,
    private readonly size: number,
    private readonly now: number,
    private readonly loader: WorldLoader,
  ) {
    this.founding = now - 6 * 365 * DAY - 3 * DAY - 7 * HOUR;
    // The day the business moved onto this vendor: every older customer arrived in one import.
    this.importAt = now - (HISTORY_DAYS + 45) * DAY + 3 * HOUR + 12 * MINUTE + 31_417;
    this.historyStart = Math.floor((now - HISTORY_DAYS * DAY) / DAY) * DAY;
    this.days = HISTORY_DAYS + FUTURE_DAYS + 2;
  }

  run(): void {
    const small = this.size < 300;
    this.settings(small);
    this.pricebookItems(small);
    const fixed = this.loaderCount();
    const customerCount = Math.max(2, Math.round((this.size - fixed) / RECORDS_PER_CUSTOMER));
    this.employees(customerCount);
    this.occupancy = new Uint8Array(this.techs.length * this.days * SLOTS_PER_DAY);
    this.business(customerCount);
  }

  private count = 0;
  private add<E extends Parameters<WorldLoader['add']>[0]>(
    entity: E,
    record: Parameters<WorldLoader['add']>[1] & Record<string, unknown>,
  ): ReturnType<WorldLoader['add']> {
    this.count++;
    return this.loader.add(entity, record as never);
  }
  private loaderCount(): number {
    return this.count;
  }

  private base(createdOn: number, modifiedOn = createdOn, active = true, deletedOn: number | null = null) {
    return { createdOn, modifiedOn: Math.min(modifiedOn, this.now), active, deletedOn };
  }

  // ------------------------------------------------------------ settings and staff

  private settings(small: boolean): void {
    const at = this.founding;
    for (const name of W.BUSINESS_UNITS)
      this.ids.businessUnit.push(this.add('businessUnit', { ...this.base(at), name }).id);
    for (const [name, unit, slots] of W.JOB_TYPES) {
      if (small && this.ids.jobType.length >= 8) break;
      const jt = this.add('jobType', {
        ...this.base(at + DAY),
        name,
        businessUnitId: this.ids.businessUnit[unit],
        durationMinutes: slots * 120 - 30,
      });
      this.ids.jobType.push(jt.id);
    }
    W.CAMPAIGNS.forEach((name, i) => {
      const c = this.add('campaign', {
        ...this.base(at + (i + 2) * DAY, at + (i + 2) * DAY, i !== 8),
        name,
        category: i < 3 || i === 8 ? 'Online' : i === 3 || i === 6 ? 'Word of Mouth' : 'Offline',
      });
      this.ids.campaign.push(c.id);
    });
    for (const [name, ratePpm] of W.TAX_ZONES) {
      this.ids.taxZone.push(this.add('taxZone', { ...this.base(at), name, ratePpm }).id);
      this.taxRates.push(ratePpm);
    }
    for (const [name, method] of W.PAYMENT_TYPES) {
      const pt = this.add('paymentType', { ...this.base(at), name, method });
      this.paymentTypes.push({ id: pt.id, method });
    }
  }

  private pricebookItems(small: boolean): void {
    const rng = this.rng.fork('pricebook');
    const units = this.ids.businessUnit.length;
    this.pricebookByUnit = Array.from({ length: units }, () => []);
    const rows = small ? W.PRICEBOOK.filter((_, i) => i % 3 === 0) : W.PRICEBOOK;
    const variants = small ? 0 : Math.min(1500, Math.max(0, Math.floor(this.size / 150) - rows.length));
    const codes = new Map<string, number>();
    const make = (row: (typeof W.PRICEBOOK)[number], variant: string | null): void => {
      const [type, prefix, name, dollars, hours, taxable, unit] = row;
      const n = (codes.get(prefix) ?? 100) + 1;
      codes.set(prefix, n);
      const factor = variant === null ? 1 : 0.8 + rng.next() * 0.6;
      const price = Math.round(dollars * 100 * factor);
      const createdOn = this.founding + rng.int(0, 900) * DAY + rng.int(0, DAY - 1);
      const edited = rng.chance(0.4)
        ? createdOn + rng.int(1, Math.floor((this.now - createdOn) / DAY)) * DAY
        : createdOn;
      const item = this.add('pricebookItem', {
        ...this.base(createdOn, edited, !rng.chance(0.04)),
        type,
        code: `${prefix}-${n}`,
        name: variant === null ? name : `${name} (${variant})`,
        price,
        memberPrice: type === 'Service' ? Math.round(price * 0.85) : price,
        cost: Math.round(price * (type === 'Service' ? 0.25 : 0.55)),
        hours,
        taxable,
        businessUnitId: unit < 0 ? null : (this.ids.businessUnit[unit] as number),
      }) as PricebookItem;
      this.pricebook.push(item);
      if (!item.active) return;
      if (unit < 0) this.pricebookByUnit.forEach((list) => list.push(item));
      else this.pricebookByUnit[unit]?.push(item);
    };
    const ordered: [(typeof W.PRICEBOOK)[number], string | null][] = rows.map((r) => [r, null]);
    const materials = rows.filter((r) => r[0] !== 'Service');
    const brands = ['Generic', 'OEM', 'Pro Series', 'Contractor Pack', 'Premium'];
    for (let i = 0; i < variants && materials.length; i++) {
      ordered.push([rng.pick(materials), `${rng.pick(brands)} ${rng.int(1, 99)}`]);
    }
    for (const [row, variant] of ordered) make(row, variant);
  }

  private employees(customerCount: number): void {
    const rng = this.rng.fork('employees');
    const techCount = Math.min(300, Math.max(2, Math.round(customerCount / 550)));
    const roles: [Employee['role'], number][] = [
      ['Owner', 1],
      ['Admin', 1],
      ['Accounting', Math.max(1, Math.round(techCount / 15))],
      ['Dispatch', Math.max(1, Math.round(techCount / 6))],
      ['CSR', Math.max(1, Math.round(techCount / 5))],
      ['Technician', techCount],
    ];
    const units = this.ids.businessUnit.length;
    this.techsByUnit = Array.from({ length: units }, () => []);
    const logins = new Set<string>();
    const hires: { role: Employee['role']; at: number }[] = [];
    for (const [role, n] of roles) {
      for (let i = 0; i < n; i++) {
        hires.push({
          role,
          at:
            role === 'Owner'
              ? this.founding
              : this.founding + rng.int(1, 4 * 365) * DAY + rng.int(0, DAY - 1),
        });
      }
    }
    hires.sort((a, b) => a.at - b.at);
    for (const { role, at } of hires) {
      const first = rng.pick(W.FIRST_NAMES);
      const last = rng.pick(W.LAST_NAMES);
      let login = `${first[0] ?? 'x'}${last}`.toLowerCase();
      for (let k = 2; logins.has(login); k++) login = `${first[0] ?? 'x'}${last}${k}`.toLowerCase();
      logins.add(login);
      const unit = role === 'Technician' ? this.techs.length % units : -1;
      const e = this.add('employee', {
        ...this.base(at, at + rng.int(0, 30) * DAY),
        name: `${first} ${last}`,
        role,
        businessUnitId: unit < 0 ? null : (this.ids.businessUnit[unit] as number),
        email: `${login}@austincomfortpros.example.com`,
        phoneNumber: this.phone(rng),
        loginName: login,
      }) as Employee;
      if (role === 'Technician') {
        this.techsByUnit[unit]?.push(this.techs.length);
        this.techs.push(e);
      } else {
        this.office.push(e);
      }
    }
  }

  // ------------------------------------------------------------ customers and their history

  private business(customerCount: number): void {
    const rng = this.rng.fork('customers');
    const customers: CustomerPlan[] = [];
    const locations: LocationPlan[] = [];
    const contacts: { customer: CustomerPlan; createdOn: number; fields: Record<string, unknown> }[] = [];
    const jobs: JobPlan[] = [];
    const memberships: {
      customer: CustomerPlan;
      location: LocationPlan;
      fields: Omit<Membership, 'id' | 'rowVersion' | 'customerId' | 'locationId'>;
    }[] = [];
    const equipment: { location: LocationPlan; fields: Record<string, unknown> }[] = [];

    for (let c = 0; c < customerCount; c++) {
      const commercial = rng.chance(0.15);
      const imported = rng.chance(0.12);
      const createdOn = imported
        ? this.importAt
        : this.historyStart -
          40 * DAY +
          Math.floor(rng.next() * (this.now - HOUR - this.historyStart + 40 * DAY));
      const personal = commercial ? null : { first: rng.pick(W.FIRST_NAMES), last: rng.pick(W.LAST_NAMES) };
      const name = personal
        ? `${personal.first} ${personal.last}`
        : `${rng.pick(W.COMPANY_WORDS)} ${rng.pick(W.COMPANY_KINDS)} ${rng.pick(W.COMPANY_SUFFIXES)}`.trim();
      const home = this.address(rng, commercial);
      const customer: CustomerPlan = {
        rec: null,
        createdOn,
        type: commercial ? 'Commercial' : 'Residential',
        name,
        address: home.address,
        personal,
        modifiedOn: createdOn,
        balance: 0,
        active: true,
        doNotService: rng.chance(0.01),
        duplicateOf: null,
      };
      customers.push(customer);
      if (rng.chance(0.06)) customer.modifiedOn = this.later(rng, createdOn); // an edited profile

      // A duplicate entered by a CSR and merged into the original later: no children of its own.
      if (c > 10 && rng.chance(0.006)) {
        const original = customers[rng.int(0, customers.length - 2)] as CustomerPlan;
        if (original.duplicateOf === null && original.createdOn < this.now - 2 * DAY) {
          const dupAt = this.later(rng, original.createdOn);
          customers.pop();
          customers.push({
            ...customer,
            createdOn: dupAt,
            modifiedOn: this.later(rng, dupAt),
            active: false,
            duplicateOf: original,
            name: original.name,
            address: original.address,
          });
          continue;
        }
      }

      const siteCount = commercial ? rng.int(1, 4) : rng.chance(0.05) ? 2 : 1;
      const sites: LocationPlan[] = [];
      for (let s = 0; s < siteCount; s++) {
        const at = s === 0 ? createdOn : this.later(rng, createdOn);
        const a = s === 0 ? home : this.address(rng, commercial);
        sites.push({
          rec: null,
          customer,
          createdOn: at,
          name: commercial ? `${name} - ${a.address.street}` : name,
          address: a.address,
          taxZone: commercial && rng.chance(0.05) ? W.TAX_ZONES.length - 1 : a.taxZone,
        });
      }
      locations.push(...sites);

      // contacts
      const slug = personal
        ? `${personal.first}.${personal.last}`.toLowerCase()
        : name.toLowerCase().replace(/[^a-z]+/g, '');
      const contactRows: [string, string, boolean][] = [['Phone', this.phone(rng), false]];
      if (rng.chance(commercial ? 0.95 : 0.7)) {
        contactRows.push([
          'Email',
          `${commercial ? 'ap' : slug}${commercial ? '' : rng.int(1, 99)}@${commercial ? `${slug.slice(0, 18)}.example.com` : rng.pick(['example.com', 'example.net', 'example.org'])}`,
          false,
        ]);
      }
      if (rng.chance(0.45)) contactRows.push(['MobilePhone', this.phone(rng), rng.chance(0.12)]);
      for (const [type, value, doNotText] of contactRows) {
        const deleted = rng.chance(0.02) ? this.later(rng, createdOn) : null;
        contacts.push({
          customer,
          createdOn,
          fields: {
            ...this.base(createdOn, deleted ?? createdOn, deleted === null, deleted),
            type,
            value,
            memo: type === 'Email' && commercial ? 'Accounts payable' : null,
            doNotText,
          },
        });
      }

      // membership (first site), possibly renewed
      if (!commercial && rng.chance(0.14)) {
        const [mName, price, freq] = rng.pick(W.MEMBERSHIP_TYPES);
        let from = this.later(rng, createdOn);
        for (let term = 0; term < 3 && from < this.now; term++) {
          const to = from + 365 * DAY;
          let status: Membership['status'] = 'Active';
          let modifiedOn = from;
          let end = to;
          if (to <= this.now) {
            status = 'Expired';
            modifiedOn = to;
          } else if (rng.chance(0.06)) {
            status = 'Canceled';
            end = modifiedOn = this.later(rng, from);
          } else if (rng.chance(0.04)) {
            status = 'Suspended';
            modifiedOn = this.later(rng, from);
          }
          memberships.push({
            customer,
            location: sites[0] as LocationPlan,
            fields: {
              ...this.base(from, modifiedOn, status === 'Active' || status === 'Suspended'),
              name: mName,
              status,
              billingFrequency: freq,
              price,
              from,
              to: end,
            },
          });
          if (status !== 'Expired' || !rng.chance(0.6)) break;
          from = to;
        }
      }

      // installed equipment already there when the location was added
      for (const site of sites) {
        if (!rng.chance(0.22)) continue;
        for (let k = rng.int(1, 2); k > 0; k--) {
          const installedOn = site.createdOn - rng.int(200, 15 * 365) * DAY;
          equipment.push({
            location: site,
            fields: this.equipmentFields(rng, this.later(rng, site.createdOn), installedOn),
          });
        }
      }

      // jobs
      const firstDay = Math.max(this.dayOf(createdOn) + (imported ? 0 : rng.int(1, 3)), 0);
      const span = this.days - 3 - firstDay;
      if (span <= 0) continue;
      const life = span / this.days;
      const jobCount = (imported ? 0 : 1) + rng.int(0, Math.round(2.6 * life * (commercial ? 2 : 1)));
      for (let j = 0; j < jobCount; j++) {
        const day = j === 0 && !imported ? firstDay : firstDay + rng.int(0, span - 1);
        const plan = this.job(
          rng,
          customer,
          rng.pick(sites),
          day,
          Math.max(createdOn, this.historyStart - 20 * DAY),
        );
        if (plan) jobs.push(plan);
      }
    }

    this.insert(rng, customers, locations, contacts, jobs, memberships, equipment);
  }

  /** Plans one job at a site on `day` with its appointment(s); null when no technician slot is free. */
  private job(
    rng: WorldRng,
    customer: CustomerPlan,
    location: LocationPlan,
    day: number,
    notBefore: number,
  ): JobPlan | null {
    if (customer.doNotService) return null;
    const jobType = rng.int(0, this.ids.jobType.length - 1);
    const [, unit, slots, urgent] = W.JOB_TYPES[jobType] as (typeof W.JOB_TYPES)[number];
    const first = this.book(rng, unit, slots, day);
    if (!first) return null;
    const lead = rng.chance(urgent) ? rng.int(1, 20) * HOUR : rng.int(1, 12) * DAY + rng.int(0, 8 * HOUR);
    const createdOn = Math.min(
      Math.max(notBefore + rng.int(1, 30) * MINUTE, first.windowStart - lead),
      this.now - rng.int(2, 90) * MINUTE,
    );
    const plan: JobPlan = {
      rec: null,
      customer,
      location,
      createdOn,
      jobType,
      status: 'Scheduled',
      modifiedOn: createdOn,
      completedOn: null,
      canceledOn: null,
      appointments: [],
      summary: rng.pick(W.JOB_SUMMARIES),
      priority: rng.chance(urgent)
        ? 'Urgent'
        : rng.pick(['Normal', 'Normal', 'Normal', 'High', 'Low'] as const),
      campaign: rng.int(0, this.ids.campaign.length - 2),
    };
    const firstAppointment = this.appointment(plan, first, createdOn);
    plan.appointments.push(firstAppointment);
    const end = first.end;
    const ago = this.now - end;
    if (ago > 2 * HOUR) {
      // the past: mostly done; some canceled before the visit; a few waiting on parts
      const roll = rng.next();
      if (roll < 0.06) {
        const at = Math.min(first.windowStart - rng.int(1, 48) * HOUR, this.now);
        this.close(plan, 'Canceled', Math.max(at, createdOn + MINUTE));
      } else if (roll < 0.095) {
        plan.status = 'Hold';
        firstAppointment.status = 'Hold';
        plan.modifiedOn = firstAppointment.modifiedOn = Math.min(end, this.now);
      } else {
        let last = first;
        if (rng.chance(0.08)) {
          const follow = this.book(rng, unit, 1, this.dayOf(end) + rng.int(1, 10));
          if (follow && follow.end < this.now - HOUR) {
            plan.appointments.push(this.appointment(plan, follow, Math.min(end + 30 * MINUTE, this.now)));
            last = follow;
          } else if (follow) {
            this.release(follow);
          }
        }
        this.close(plan, 'Completed', Math.min(last.end + rng.int(2, 40) * MINUTE, this.now));
      }
    } else if (first.start <= this.now) {
      plan.status = 'InProgress';
      firstAppointment.status = 'Working';
      plan.modifiedOn = firstAppointment.modifiedOn = first.start + rng.int(0, 10) * MINUTE;
    } else {
      const roll = rng.next();
      if (roll < 0.03) {
        this.close(plan, 'Canceled', this.later(rng, createdOn));
      } else if (roll < 0.06) {
        plan.status = firstAppointment.status = 'Hold';
        plan.modifiedOn = firstAppointment.modifiedOn = this.later(rng, createdOn);
      } else if (first.start - this.now < DAY && first.technicians.length) {
        firstAppointment.status = 'Dispatched';
        firstAppointment.modifiedOn = this.now - rng.int(5, 600) * MINUTE;
        if (firstAppointment.modifiedOn < createdOn) firstAppointment.modifiedOn = createdOn;
      }
    }
    // a canceled appointment frees its technicians
    for (const a of plan.appointments) if (a.status === 'Canceled') this.release(a);
    return plan;
  }

  private close(plan: JobPlan, status: 'Completed' | 'Canceled', at: number): void {
    plan.status = status;
    plan.modifiedOn = at;
    if (status === 'Completed') plan.completedOn = at;
    else plan.canceledOn = at;
    for (const a of plan.appointments) {
      a.status = status === 'Completed' ? 'Done' : 'Canceled';
      a.modifiedOn =
        status === 'Completed' ? Math.min(Math.max(a.end, a.createdOn), this.now) : Math.max(at, a.createdOn);
    }
  }

  private appointment(
    job: JobPlan,
    slot: { start: number; end: number; windowStart: number; windowEnd: number; technicians: number[] },
    createdOn: number,
  ): AppointmentPlan {
    return { rec: null, job, createdOn, ...slot, status: 'Scheduled', modifiedOn: createdOn };
  }

  /** Finds technicians and consecutive free slots on or after `day`; marks them taken. */
  private book(
    rng: WorldRng,
    unit: number,
    slots: number,
    day: number,
  ): {
    start: number;
    end: number;
    windowStart: number;
    windowEnd: number;
    technicians: number[];
    day: number;
    slot: number;
    slots: number;
  } | null {
    const unitTechs = this.techsByUnit[unit] ?? [];
    for (let d = day; d < Math.min(day + 6, this.days); d++) {
      const weekday = new Date(this.historyStart + d * DAY).getUTCDay();
      if (weekday === 0) continue; // closed on Sundays
      for (let attempt = 0; attempt < 8; attempt++) {
        const tech =
          attempt < 5 && unitTechs.length ? rng.pick(unitTechs) : rng.int(0, this.techs.length - 1);
        const slot = rng.int(0, SLOTS_PER_DAY - slots);
        if (!this.free(tech, d, slot, slots)) continue;
        this.take(tech, d, slot, slots, 1);
        const technicians = [tech];
        if (slots > 1 && rng.chance(0.3)) {
          const helper = rng.int(0, this.techs.length - 1);
          if (helper !== tech && this.free(helper, d, slot, slots)) {
            this.take(helper, d, slot, slots, 1);
            technicians.push(helper);
          }
        }
        const windowStart = this.historyStart + d * DAY + (FIRST_SLOT_HOUR + slot * 2) * HOUR;
        const offset = rng.int(0, 6) * 5 * MINUTE;
        const length = Math.max(30 * MINUTE, slots * 2 * HOUR - offset - rng.int(0, 6) * 5 * MINUTE);
        return {
          start: windowStart + offset,
          end: windowStart + offset + length,
          windowStart,
          windowEnd: windowStart + 2 * HOUR,
          technicians,
          day: d,
          slot,
          slots,
        };
      }
    }
    return null;
  }

  private free(tech: number, day: number, slot: number, slots: number): boolean {
    const base = (tech * this.days + day) * SLOTS_PER_DAY + slot;
    for (let s = 0; s < slots; s++) if (this.occupancy[base + s]) return false;
    return true;
  }
  private take(tech: number, day: number, slot: number, slots: number, value: number): void {
    const base = (tech * this.days + day) * SLOTS_PER_DAY + slot;
    for (let s = 0; s < slots; s++) this.occupancy[base + s] = value;
  }
  private release(a: { start: number; end: number; technicians: number[] }): void {
    const day = Math.floor((a.start - this.historyStart) / DAY);
    const first = Math.floor((a.start - this.historyStart - day * DAY - FIRST_SLOT_HOUR * HOUR) / (2 * HOUR));
    const last = Math.floor(
      (a.end - 1 - this.historyStart - day * DAY - FIRST_SLOT_HOUR * HOUR) / (2 * HOUR),
    );
    for (const tech of a.technicians) this.take(tech, day, first, last - first + 1, 0);
    a.technicians.length = 0;
  }

  // ------------------------------------------------------------ insertion (ids in createdOn order)

  private insert(
    rng: WorldRng,
    customers: CustomerPlan[],
    locations: LocationPlan[],
    contacts: { customer: CustomerPlan; createdOn: number; fields: Record<string, unknown> }[],
    jobs: JobPlan[],
    memberships: {
      customer: CustomerPlan;
      location: LocationPlan;
      fields: Omit<Membership, 'id' | 'rowVersion' | 'customerId' | 'locationId'>;
    }[],
    equipment: { location: LocationPlan; fields: Record<string, unknown> }[],
  ): void {
    const byCreated = <T extends { createdOn: number }>(list: T[]): T[] =>
      list.sort((a, b) => a.createdOn - b.createdOn);

    // Money first (it sets customers' balances and modifiedOn), inserted after the jobs.
    const completed = jobs.filter((j) => j.status === 'Completed');
    const membershipsOf = new Map<CustomerPlan, typeof memberships>();
    for (const m of memberships) membershipsOf.set(m.customer, [...(membershipsOf.get(m.customer) ?? []), m]);
    this.servicesByUnit = this.pricebookByUnit.map((list) => list.filter((p) => p.type === 'Service'));
    this.goodsByUnit = this.pricebookByUnit.map((list) => list.filter((p) => p.type !== 'Service'));
    const invoices = completed
      .filter(() => rng.chance(0.97))
      .map((job) => this.invoicePlan(rng, job, membershipsOf));
    const payments = invoices.flatMap((inv) => this.paymentPlans(rng, inv));
    const estimates = jobs
      .filter((j) => rng.chance(j.jobType === 14 || j.jobType === 4 ? 0.9 : 0.12))
      .flatMap((job) => this.estimatePlan(rng, job));
    for (const job of completed) {
      const [, , slots] = W.JOB_TYPES[job.jobType] as (typeof W.JOB_TYPES)[number];
      if (slots > 1 && rng.chance(0.6) && job.completedOn !== null) {
        equipment.push({
          location: job.location,
          fields: this.equipmentFields(rng, job.completedOn, job.completedOn),
        });
      }
    }

    for (const c of byCreated(customers)) {
      c.rec = this.add('customer', {
        ...this.base(c.createdOn, Math.max(c.modifiedOn, c.createdOn), c.active),
        name: c.name,
        type: c.type,
        address: c.address,
        balance: c.balance,
        doNotMail: c.type === 'Residential' && c.address.zip.endsWith('7'),
        doNotService: c.doNotService,
        mergedToId: null,
      }) as Customer;
    }
    for (const c of customers) if (c.duplicateOf?.rec && c.rec) c.rec.mergedToId = c.duplicateOf.rec.id;
    for (const l of byCreated(locations)) {
      l.rec = this.add('location', {
        ...this.base(l.createdOn),
        customerId: (l.customer.rec as Customer).id,
        name: l.name,
        address: l.address,
        taxZoneId: this.ids.taxZone[l.taxZone],
        mergedToId: null,
      }) as Location;
    }
    for (const c of byCreated(contacts))
      this.add('contact', { ...c.fields, customerId: (c.customer.rec as Customer).id } as never);

    for (const j of byCreated(jobs)) {
      const [, unit] = W.JOB_TYPES[j.jobType] as (typeof W.JOB_TYPES)[number];
      j.rec = this.add('job', {
        ...this.base(j.createdOn, j.modifiedOn),
        jobNumber: String(JOB_NUMBER_BASE + this.jobNumber++),
        customerId: (j.customer.rec as Customer).id,
        locationId: (j.location.rec as Location).id,
        businessUnitId: this.ids.businessUnit[unit],
        jobTypeId: this.ids.jobType[j.jobType],
        campaignId: this.ids.campaign[j.campaign],
        priority: j.priority,
        status: j.status,
        summary: j.summary,
        completedOn: j.completedOn,
        canceledOn: j.canceledOn,
        soldById: null,
        externalData: [],
      }) as Job;
    }
    const appointments = byCreated(jobs.flatMap((j) => j.appointments));
    for (const a of appointments) {
      const job = a.job.rec as Job;
      a.rec = this.add('appointment', {
        ...this.base(a.createdOn, Math.max(a.modifiedOn, a.createdOn)),
        jobId: job.id,
        customerId: job.customerId,
        appointmentNumber: `${job.jobNumber}-${a.job.appointments.indexOf(a) + 1}`,
        start: a.start,
        end: a.end,
        arrivalWindowStart: a.windowStart,
        arrivalWindowEnd: a.windowEnd,
        status: a.status,
        specialInstructions: a.job.summary.includes('membership')
          ? 'Member: check filter size on file'
          : null,
      });
    }
    const dispatcher = this.office.find((e) => e.role === 'Dispatch') ?? null;
    for (const a of appointments) {
      for (const tech of a.technicians) {
        const status = a.status === 'Hold' ? 'Scheduled' : a.status === 'Canceled' ? 'Scheduled' : a.status;
        this.add('assignment', {
          ...this.base(a.createdOn, Math.max(a.modifiedOn, a.createdOn)),
          appointmentId: (a.rec as { id: number }).id,
          jobId: (a.job.rec as Job).id,
          technicianId: (this.techs[tech] as Employee).id,
          assignedOn: a.createdOn,
          assignedById: dispatcher?.id ?? null,
          status,
        });
      }
    }
    for (const e of byCreated(estimates)) {
      const job = e.job.rec as Job;
      this.add('estimate', {
        ...e.fields,
        jobId: job.id,
        customerId: job.customerId,
        locationId: job.locationId,
      });
    }
    for (const inv of byCreated(invoices)) {
      const job = inv.job.rec as Job;
      inv.rec = this.add('invoice', {
        ...inv.fields,
        referenceNumber: `${job.jobNumber}-1`,
        jobId: job.id,
        customerId: job.customerId,
        locationId: job.locationId,
      }) as Invoice;
    }
    for (const p of byCreated(payments)) {
      this.add('payment', {
        ...p.fields,
        customerId: (p.invoice.job.customer.rec as Customer).id,
        splits: [{ invoiceId: (p.invoice.rec as Invoice).id, amount: p.fields.amount }],
      });
    }
    for (const m of memberships.sort((a, b) => a.fields.createdOn - b.fields.createdOn)) {
      this.add('membership', {
        ...m.fields,
        customerId: (m.customer.rec as Customer).id,
        locationId: (m.location.rec as Location).id,
      });
    }
    for (const e of equipment.sort(
      (a, b) => (a.fields['createdOn'] as number) - (b.fields['createdOn'] as number),
    )) {
      const location = e.location.rec as Location;
      this.add('equipment', {
        ...e.fields,
        customerId: location.customerId,
        locationId: location.id,
      } as never);
    }
  }
  private jobNumber = 0;
  private servicesByUnit: PricebookItem[][] = [];
  private goodsByUnit: PricebookItem[][] = [];

  private invoicePlan(
    rng: WorldRng,
    job: JobPlan,
    memberships: Map<CustomerPlan, { fields: { from: number; to: number } }[]>,
  ): {
    job: JobPlan;
    createdOn: number;
    rec: Invoice | null;
    fields: Omit<Invoice, 'id' | 'rowVersion' | 'referenceNumber' | 'jobId' | 'customerId' | 'locationId'>;
  } {
    const at = job.completedOn as number;
    const [, unit] = W.JOB_TYPES[job.jobType] as (typeof W.JOB_TYPES)[number];
    const member = (memberships.get(job.customer) ?? []).some((m) => m.fields.from <= at && at < m.fields.to);
    const services = this.servicesByUnit[unit] ?? [];
    const goods = this.goodsByUnit[unit] ?? [];
    const items: WorldLineItem[] = [];
    const line = (p: PricebookItem, quantityMilli: number): void => {
      const unitPrice = member ? p.memberPrice : p.price;
      items.push({
        id: this.loader.lineItemId(),
        type: p.type,
        pricebookItemId: p.id,
        code: p.code,
        description: p.name,
        quantityMilli,
        unitPrice,
        total: lineTotal(quantityMilli, unitPrice),
        taxable: p.taxable,
      });
    };
    if (services.length) line(rng.pick(services), rng.chance(0.15) ? rng.pick([1500, 2000, 2500]) : 1000);
    for (let k = rng.int(0, 3); k > 0 && goods.length; k--) line(rng.pick(goods), rng.int(1, 4) * 1000);
    if (!items.length) line(rng.pick(this.pricebook.filter((p) => p.active)), 1000);
    const taxRatePpm = this.taxRates[job.location.taxZone] as number;
    if (rng.chance(0.12) || member) {
      const sub = sumLines(items);
      const taxableSum = items.filter((i) => i.taxable).reduce((s, i) => s + i.total, 0);
      const amount = member
        ? Math.max(1, Math.round(sub * 0.1))
        : Math.min(rng.pick([2500, 5000, 7500]), Math.floor(sub / 2));
      if (amount > 0 && amount <= sub) {
        items.push({
          id: this.loader.lineItemId(),
          type: 'Discount',
          pricebookItemId: null,
          code: 'DISCOUNT',
          description: member ? 'Member Discount 10%' : `$${amount / 100} Off Coupon`,
          quantityMilli: 1000,
          unitPrice: -amount,
          total: -amount,
          taxable: taxableSum >= amount && rng.chance(0.5),
        });
      }
    }
    const totals = invoiceTotals(items, taxRatePpm);
    const age = this.now - at;
    const status: Invoice['status'] =
      age > 45 * DAY && rng.chance(0.8)
        ? 'Exported'
        : age > 3 * DAY && rng.chance(0.85)
          ? 'Posted'
          : 'Pending';
    const statusAt =
      status === 'Pending' ? at : Math.min(at + rng.int(1, status === 'Exported' ? 40 : 3) * DAY, this.now);
    return {
      job,
      createdOn: at,
      rec: null,
      fields: {
        ...this.base(at, statusAt),
        invoiceDate: at,
        dueDate: at + (job.customer.type === 'Commercial' ? 30 : 0) * DAY,
        status,
        taxZoneId: this.ids.taxZone[job.location.taxZone] as number,
        taxRatePpm,
        items,
        ...totals,
        balance: totals.total,
      },
    };
  }

  private paymentPlans(
    rng: WorldRng,
    invoice: ReturnType<Generation['invoicePlan']>,
  ): {
    invoice: typeof invoice;
    createdOn: number;
    fields: Omit<Payment, 'id' | 'rowVersion' | 'customerId' | 'splits'>;
  }[] {
    const customer = invoice.job.customer;
    const total = invoice.fields.total;
    const at = invoice.fields.invoiceDate;
    customer.balance += total;
    customer.modifiedOn = Math.max(customer.modifiedOn, at);
    const roll = rng.next();
    if (total === 0 || roll < 0.1) return [];
    const amounts =
      roll < 0.22
        ? [Math.max(1, Math.round(total * (0.3 + rng.next() * 0.4)))]
        : rng.chance(0.15) && total > 1
          ? [Math.floor(total / 2), total - Math.floor(total / 2)]
          : [total];
    const out: ReturnType<Generation['paymentPlans']> = [];
    let paidOn =
      at + (rng.chance(0.5) ? rng.int(1, 90) * MINUTE : rng.int(1, 30) * DAY + rng.int(0, 8 * HOUR));
    for (const amount of amounts) {
      if (paidOn > this.now) break;
      const commercial = customer.type === 'Commercial';
      const method: PaymentMethod = commercial
        ? rng.pick(['check', 'check', 'ach', 'card'] as const)
        : rng.weighted({ card: 55, check: 18, cash: 12, ach: 15 });
      const type = this.paymentTypes.find((t) => t.method === method) as {
        id: number;
        method: PaymentMethod;
      };
      const voided = rng.chance(0.01) ? Math.min(paidOn + rng.int(1, 72) * HOUR, this.now) : null;
      if (voided === null) {
        invoice.fields.balance -= amount;
        invoice.fields.modifiedOn = Math.max(invoice.fields.modifiedOn, paidOn);
        customer.balance -= amount;
        customer.modifiedOn = Math.max(customer.modifiedOn, paidOn);
      }
      out.push({
        invoice,
        createdOn: paidOn,
        fields: {
          ...this.base(paidOn, voided ?? paidOn, voided === null, voided),
          paymentTypeId: type.id,
          method,
          cardBrand: method === 'card' ? rng.pick(W.CARD_BRANDS) : null,
          cardLast4: method === 'card' ? rng.digits(4) : null,
          checkNumber: method === 'check' ? String(rng.int(1001, 9999)) : null,
          amount,
          tip: method === 'card' && rng.chance(0.08) ? rng.pick([500, 1000, 2000]) : 0,
          unappliedAmount: 0,
          paidOn,
          memo: voided ? 'Voided: entered twice' : null,
          externalTransactionId:
            method === 'card'
              ? `ch_${rng.alphanumeric(24)}`
              : method === 'ach'
                ? `py_${rng.alphanumeric(24)}`
                : null,
        },
      });
      paidOn += rng.int(7, 30) * DAY;
    }
    return out;
  }

  private estimatePlan(
    rng: WorldRng,
    job: JobPlan,
  ): {
    job: JobPlan;
    createdOn: number;
    fields: Omit<Estimate, 'id' | 'rowVersion' | 'jobId' | 'customerId' | 'locationId'>;
  }[] {
    const first = job.appointments[0];
    if (!first || first.start + 30 * MINUTE > this.now || job.status === 'Canceled') return [];
    const createdOn = first.start + 30 * MINUTE;
    const [typeName, unit] = W.JOB_TYPES[job.jobType] as (typeof W.JOB_TYPES)[number];
    const catalog = this.pricebookByUnit[unit === 0 ? 1 : unit === 2 ? 3 : unit] ?? this.pricebook;
    const optionCount = rng.int(1, 3);
    const options = W.ESTIMATE_OPTION_NAMES.slice(3 - optionCount).map((name, i) => {
      const items: WorldLineItem[] = [];
      for (let k = 0; k < 1 + i && catalog.length; k++) {
        const p = rng.pick(catalog);
        const quantityMilli = p.type === 'Service' ? 1000 : rng.int(1, 2) * 1000;
        items.push({
          id: this.loader.lineItemId(),
          type: p.type,
          pricebookItemId: p.id,
          code: p.code,
          description: p.name,
          quantityMilli,
          unitPrice: p.price,
          total: lineTotal(quantityMilli, p.price),
          taxable: p.taxable,
        });
      }
      if (!items.length) {
        items.push({
          id: this.loader.lineItemId(),
          type: 'Service',
          pricebookItemId: null,
          code: '',
          description: typeName,
          quantityMilli: 1000,
          unitPrice: 10_000,
          total: 10_000,
          taxable: false,
        });
      }
      return { id: this.loader.optionId(), name, items, subTotal: sumLines(items) };
    });
    let status: Estimate['status'] = 'Open';
    let soldOn: number | null = null;
    let modifiedOn = createdOn;
    if (job.status === 'Completed' || createdOn < this.now - 14 * DAY) {
      const roll = rng.next();
      if (roll < 0.5) status = 'Sold';
      else if (roll < 0.75) status = 'Dismissed';
      if (status !== 'Open')
        modifiedOn = Math.min(createdOn + rng.int(0, 5) * DAY + rng.int(1, 60) * MINUTE, this.now);
      if (status === 'Sold') soldOn = modifiedOn;
    }
    const soldOption = status === 'Sold' ? rng.pick(options) : null;
    const tech = first.technicians[0];
    return [
      {
        job,
        createdOn,
        fields: {
          ...this.base(createdOn, modifiedOn),
          name: `${typeName} options`,
          status,
          options,
          soldOptionId: soldOption?.id ?? null,
          soldOn,
          soldById:
            status === 'Sold' ? ((tech === undefined ? this.office[0] : this.techs[tech])?.id ?? null) : null,
        },
      },
    ];
  }

  // ------------------------------------------------------------ small things

  private equipmentFields(rng: WorldRng, createdOn: number, installedOn: number): Record<string, unknown> {
    const [type, makers, prefix] = rng.pick(W.INSTALLED_EQUIPMENT);
    const manufacturer = rng.pick(makers);
    const year = new Date(installedOn).getUTCFullYear();
    return {
      ...this.base(createdOn),
      name: `${manufacturer} ${type}`,
      type,
      manufacturer,
      model: `${prefix}${rng.int(10, 99)}${rng.alphanumeric(3).toUpperCase()}`,
      serialNumber: `${String(year % 100).padStart(2, '0')}${String(rng.int(1, 52)).padStart(2, '0')}${rng.alphanumeric(8).toUpperCase()}`,
      installedOn,
      warrantyEnd: rng.chance(0.7) ? installedOn + rng.pick([5, 10]) * 365 * DAY : null,
    };
  }

  private address(rng: WorldRng, commercial: boolean): { address: WorldAddress; taxZone: number } {
    const [city, state, zipPrefix, taxZone] = rng.pick(W.CITIES);
    let street = '';
    for (let k = 0; k < 5; k++) {
      street = `${rng.int(100, 19999)} ${rng.pick(W.STREET_NAMES)} ${rng.pick(W.STREET_KINDS)}`;
      if (!this.streetNumbers.has(`${street}|${city}`)) break;
    }
    this.streetNumbers.add(`${street}|${city}`);
    return {
      address: {
        street,
        unit: commercial
          ? rng.chance(0.4)
            ? `Suite ${rng.int(100, 450)}`
            : null
          : rng.chance(0.08)
            ? `Apt ${rng.int(1, 30)}${rng.pick(['A', 'B', 'C'])}`
            : null,
        city,
        state,
        zip: `${zipPrefix}${String(rng.int(1, 99)).padStart(2, '0')}`,
        country: 'USA',
        latitude: Math.round((30.27 + (rng.next() - 0.5) * 0.6) * 1e6) / 1e6,
        longitude: Math.round((-97.74 + (rng.next() - 0.5) * 0.6) * 1e6) / 1e6,
      },
      taxZone,
    };
  }

  private phone(rng: WorldRng): string {
    return `(${rng.pick(['512', '737'])}) 555-${rng.digits(4)}`;
  }

  /** A moment after `t` and before now (or `t` itself when there is no room). */
  private later(rng: WorldRng, t: number): number {
    if (t >= this.now - MINUTE) return Math.min(t, this.now);
    return t + 1 + Math.floor(rng.next() * (this.now - t - 1));
  }

  private dayOf(t: number): number {
    return Math.floor((t - this.historyStart) / DAY);
  }
}

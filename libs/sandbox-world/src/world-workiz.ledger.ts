import { WorldRng, hashSeed } from './world-rng.util';
import { DAY, MINUTE } from './world-time.constants';
import * as W from './world-words.constants';
import type { WorldClock } from './world.clock';
import type { Job, WorldAddress } from './world.schema';
import type { StoredRecord } from './world-store.types';

type Customer = StoredRecord<'customer'>;
/** What the ledger needs of a job: its id and its world status. */
type JobRef = Pick<Job, 'id' | 'status'>;
type Employee = StoredRecord<'employee'>;
import type { WorldStore } from './world.store';
import {
  WORKIZ_SUB_STATUSES,
  WORKIZ_TIMEZONE,
  workizLeadSchema,
  type WorkizCall,
  type WorkizJobStatus,
  type WorkizLead,
  type WorkizLeadStatus,
  type WorkizServiceArea,
  type WorkizSmsThread,
} from './world-workiz.schema';

/** How far back the generated call log, SMS threads and leads go. */
const HISTORY_DAYS = 120;
/** Mean simulated time between two arrivals of the Workiz activity (calls, texts, web leads). */
const MEAN_ARRIVAL_MS = 20 * MINUTE;

const LEAD_BASE = 700_000_001;
const CALL_BASE = 710_000_001;
const SMS_BASE = 720_000_001;
const SMS_MESSAGE_BASE = 730_000_001;
const RECORDING_BASE = 740_000_001;

const INBOUND_TEXTS = [
  'Hi, is the technician still coming today?',
  'Can we move the appointment to tomorrow morning?',
  'Thanks, the system works great now.',
  'What time will you arrive?',
  'Do you have any openings this week?',
] as const;
const OUTBOUND_TEXTS = [
  'Your technician is on the way and should arrive within 30 minutes.',
  'Reminder: your appointment is tomorrow between 8 and 10 AM.',
  'Thanks for choosing us! Reply STOP to opt out.',
  'Your invoice is ready. You can pay online from the link we emailed.',
] as const;
const LEAD_NOTES = [
  'AC not cooling, upstairs unit',
  'Water heater leaking',
  'Breaker keeps tripping',
  'Wants a quote for a new furnace',
  'Drain clogged in kitchen',
  'Annual maintenance request',
] as const;

/** What a new lead carries (the API's `lead/create`, a missed call, a web form). */
export interface NewWorkizLead {
  leadType: string;
  source: string;
  firstName: string;
  lastName: string;
  company?: string;
  phone: string;
  email: string;
  address: WorldAddress;
  requestedOn?: number | null;
  notes?: string;
  referenceId?: string | null;
  customerId?: number | null;
  callId?: number | null;
}

/** Digits of a phone number as Workiz Phone stores it: `(512) 555-0134` → `5125550134`. */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '').slice(-10);
}

/**
 * Workiz's part of the sandbox business, beside the world's store (world-workiz.schema.ts says why):
 * generated once with the world from a random stream of its own (`workiz:<seed>:<size>`), then made
 * live by its own activity (calls, texts and leads arriving at times drawn from that stream, applied
 * up to the world clock's now before every read), so it is a pure function of the seed, the size and
 * the clock. Team members are addressed by full name; two with one name are told apart by a number.
 */
export class WorkizLedger {
  readonly timezone = WORKIZ_TIMEZONE;
  private readonly leadsById = new Map<number, WorkizLead>();
  private readonly callsById = new Map<number, WorkizCall>();
  private readonly threadsById = new Map<number, WorkizSmsThread>();
  private readonly threadByPhone = new Map<string, number>();
  private readonly areas: WorkizServiceArea[] = [];
  private readonly areaByZip = new Map<string, WorkizServiceArea>();
  private readonly subStatusOverride = new Map<
    number,
    { status: WorkizJobStatus; subStatus: string; at: number }
  >();
  /** Assignment id → the name the job shows: Workiz keeps a technician's old name on jobs after a rename. */
  private readonly assignedNames = new Map<number, string>();
  private readonly customerIds: number[];
  private readonly activity: WorldRng;
  private nextArrival: number;
  private nextLead = LEAD_BASE;
  private nextCall = CALL_BASE;
  private nextThread = SMS_BASE;
  private nextMessage = SMS_MESSAGE_BASE;
  private nextRecording = RECORDING_BASE;

  private constructor(
    private readonly store: WorldStore,
    private readonly clock: WorldClock,
    private readonly seedText: string,
  ) {
    this.customerIds = store.ids('customer');
    this.activity = new WorldRng(`${seedText}:activity`);
    this.nextArrival = clock.now() + this.gap();
  }

  /** Generates Workiz's records for a freshly generated world (call it before any activity). */
  static generate(store: WorldStore, clock: WorldClock, seed: number | string, size: number): WorkizLedger {
    const ledger = new WorkizLedger(store, clock, `workiz:${String(seed)}:${size}`);
    ledger.generateHistory(new WorldRng(ledger.seedText));
    return ledger;
  }

  // ---- reads (each applies the activity due up to now first) ----

  serviceAreas(): readonly WorkizServiceArea[] {
    return this.areas;
  }

  serviceAreaOf(zip: string): WorkizServiceArea {
    const area = this.areaByZip.get(zip) ?? this.areas[0];
    if (!area) throw new Error('the Workiz ledger has no service area');
    return area;
  }

  leads(): readonly WorkizLead[] {
    this.catchUp();
    return [...this.leadsById.values()];
  }

  lead(id: number): WorkizLead | undefined {
    this.catchUp();
    return this.leadsById.get(id);
  }

  calls(): readonly WorkizCall[] {
    this.catchUp();
    return [...this.callsById.values()];
  }

  smsThreads(): readonly WorkizSmsThread[] {
    this.catchUp();
    return [...this.threadsById.values()];
  }

  /** Workiz's name for the world job's status. */
  jobStatus(job: JobRef): WorkizJobStatus {
    return baseStatus(job);
  }

  /** The job's custom sub-status: the one the office set for its current status, else the account's pick. */
  subStatus(job: JobRef): string {
    const status = baseStatus(job);
    const override = this.subStatusOverride.get(job.id);
    if (override && override.status === status) return override.subStatus;
    const options = WORKIZ_SUB_STATUSES[status];
    return options[hashSeed(`${this.seedText}:${job.id}:${status}`) % options.length] ?? '';
  }

  /** Sets the sub-status for the job's current status (kept until the status changes). */
  setSubStatus(job: JobRef, subStatus: string): void {
    this.subStatusOverride.set(job.id, { status: baseStatus(job), subStatus, at: this.clock.now() });
  }

  /** When the office last set the job's sub-status for its current status (null: never). */
  subStatusSetAt(job: JobRef): number | null {
    const override = this.subStatusOverride.get(job.id);
    return override && override.status === baseStatus(job) ? override.at : null;
  }

  /** Every team member's full name as Workiz shows it, unique in the account. */
  teamNames(): ReadonlyMap<number, string> {
    const names = new Map<number, string>();
    const seen = new Map<string, number>();
    for (const e of this.store.all('employee')) {
      const n = (seen.get(e.name) ?? 0) + 1;
      seen.set(e.name, n);
      names.set(e.id, n === 1 ? e.name : `${e.name} ${n}`);
    }
    return names;
  }

  teamName(employee: Employee): string {
    return this.teamNames().get(employee.id) ?? employee.name;
  }

  /** The team member of that full name (case-insensitive), if any. */
  employeeByName(name: string): Employee | undefined {
    const wanted = name.trim().toLowerCase();
    for (const [id, full] of this.teamNames()) {
      if (full.toLowerCase() === wanted) return this.store.get('employee', id);
    }
    return undefined;
  }

  /** The name a job shows for one of its assignments: the technician's name when assigned. */
  assignmentName(assignment: { id: number; technicianId: number }): string | undefined {
    return this.assignedNames.get(assignment.id) ?? this.teamNames().get(assignment.technicianId);
  }

  // ---- writes ----

  createLead(fields: NewWorkizLead): WorkizLead {
    this.catchUp();
    return this.addLead(this.clock.now(), fields);
  }

  updateLead(id: number, patch: Partial<Omit<WorkizLead, 'id' | 'createdOn' | 'modifiedOn'>>): WorkizLead {
    this.catchUp();
    const lead = this.leadsById.get(id);
    if (!lead) throw new RangeError(`no lead ${id}`);
    const next = workizLeadSchema.parse({ ...lead, ...patch, modifiedOn: this.clock.now() });
    this.leadsById.set(id, Object.freeze(next));
    return next;
  }

  /**
   * Renames a team member as Workiz's Settings → Team does: the jobs already assigned keep showing the
   * old name (vendors.md §6.6); new assignments show the new one.
   */
  renameTeamMember(employeeId: number, name: string): Employee {
    const trimmed = name.trim();
    if (trimmed === '') throw new RangeError('a team member needs a name');
    const employee = this.store.get('employee', employeeId);
    if (!employee) throw new RangeError(`no team member ${employeeId}`);
    const current = this.teamName(employee);
    for (const a of this.store.children('assignment', 'technicianId', employeeId)) {
      if (!this.assignedNames.has(a.id)) this.assignedNames.set(a.id, current);
    }
    return this.store.update('employee', employeeId, { name: trimmed });
  }

  // ---- generation and activity ----

  private generateHistory(rng: WorldRng): void {
    this.generateServiceAreas();
    const now = this.clock.now();
    const customers = this.customerIds.length;
    const callCount = Math.max(6, Math.round(customers * 0.6));
    const threadCount = Math.max(3, Math.round(customers * 0.25));
    const webLeads = Math.max(3, Math.round(customers * 0.08));
    const from = now - HISTORY_DAYS * DAY;
    const times = (n: number): number[] =>
      Array.from({ length: n }, () => from + Math.floor(rng.next() * (now - from - MINUTE))).sort(
        (a, b) => a - b,
      );
    type Arrival = { at: number; kind: 'call' | 'sms' | 'web' };
    const arrivals: Arrival[] = [
      ...times(callCount).map((at) => ({ at, kind: 'call' as const })),
      ...times(threadCount).map((at) => ({ at, kind: 'sms' as const })),
      ...times(webLeads).map((at) => ({ at, kind: 'web' as const })),
    ].sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind));
    for (const arrival of arrivals) this.arrive(rng, arrival.at, arrival.kind, now);
  }

  private generateServiceAreas(): void {
    const zipsByCity = new Map<string, Set<string>>();
    for (const c of this.store.all('customer')) {
      const set = zipsByCity.get(c.address.city) ?? new Set<string>();
      set.add(c.address.zip);
      zipsByCity.set(c.address.city, set);
    }
    let id = 1;
    for (const [city] of W.CITIES) {
      const zips = zipsByCity.get(city);
      if (!zips) continue;
      const area: WorkizServiceArea = Object.freeze({ id: id++, name: city, zipCodes: [...zips].sort() });
      this.areas.push(area);
      for (const zip of area.zipCodes) this.areaByZip.set(zip, area);
    }
  }

  /** Applies the activity due up to the world clock's now, arrival by arrival. */
  private catchUp(): void {
    const now = this.clock.now();
    while (this.nextArrival <= now) {
      const at = this.nextArrival;
      const kind = this.activity.weighted({ call: 6, sms: 3, web: 1, progress: 2 });
      if (kind === 'progress') this.progressLead(at);
      else this.arrive(this.activity, at, kind, at);
      this.nextArrival = at + this.gap();
    }
  }

  private gap(): number {
    return Math.max(MINUTE, Math.round(-Math.log(1 - this.activity.next()) * MEAN_ARRIVAL_MS));
  }

  private arrive(rng: WorldRng, at: number, kind: 'call' | 'sms' | 'web', now: number): void {
    const customer = rng.chance(0.7) ? this.pickCustomer(rng) : null;
    if (kind === 'call') {
      const call = this.addCall(rng, at, customer);
      if (call.outcome !== 'answered' && call.direction === 'inbound' && rng.chance(0.6)) {
        const lead = this.addLead(at + MINUTE, this.leadFields(rng, customer, 'Phone call'), call.id);
        this.ageLead(rng, lead, now);
      }
    } else if (kind === 'sms') {
      this.addOrExtendThread(rng, at, customer);
    } else {
      const lead = this.addLead(
        at,
        this.leadFields(
          rng,
          customer,
          rng.pick(['Website form', 'Google Local Services', 'Yelp', 'Facebook', 'Referral']),
        ),
      );
      this.ageLead(rng, lead, now);
    }
  }

  /** A generated lead moves on between its creation and now (contacted, quoted, converted, lost). */
  private ageLead(rng: WorldRng, lead: WorkizLead, now: number): void {
    if (now - lead.createdOn < 2 * DAY) return;
    const status = rng.weighted<WorkizLeadStatus>({ New: 2, Contacted: 3, Quoted: 2, Converted: 3, Lost: 2 });
    if (status === 'New') return;
    const at = lead.createdOn + Math.floor(rng.next() * (now - lead.createdOn));
    const jobId = status === 'Converted' && lead.customerId !== null ? this.jobOf(lead.customerId) : null;
    const next = { ...lead, status, modifiedOn: at, jobId };
    this.leadsById.set(lead.id, Object.freeze(workizLeadSchema.parse(next)));
  }

  private progressLead(at: number): void {
    const open = [...this.leadsById.values()].filter((l) => l.status === 'New' || l.status === 'Contacted');
    if (open.length === 0) return;
    const lead = this.activity.pick(open);
    const status: WorkizLeadStatus = lead.status === 'New' ? 'Contacted' : 'Quoted';
    this.leadsById.set(lead.id, Object.freeze({ ...lead, status, modifiedOn: at }));
  }

  private jobOf(customerId: number): number | null {
    const jobs = this.store.children('job', 'customerId', customerId);
    return jobs[jobs.length - 1]?.id ?? null;
  }

  private pickCustomer(rng: WorldRng): Customer | null {
    if (this.customerIds.length === 0) return null;
    return this.store.get('customer', rng.pick(this.customerIds)) ?? null;
  }

  private phoneOf(customer: Customer | null, rng: WorldRng): string {
    if (customer) {
      const phone = this.store
        .children('contact', 'customerId', customer.id)
        .find((c) => c.type === 'Phone' || c.type === 'MobilePhone');
      if (phone) return phoneDigits(phone.value);
    }
    return `${rng.pick(['512', '737'])}555${rng.digits(4)}`;
  }

  private addCall(rng: WorldRng, at: number, customer: Customer | null): WorkizCall {
    const direction = rng.chance(0.8) ? 'inbound' : 'outbound';
    const outcome =
      direction === 'outbound'
        ? rng.chance(0.85)
          ? 'answered'
          : 'voicemail'
        : rng.weighted({ answered: 6, missed: 3, voicemail: 1 });
    const durationSec = outcome === 'missed' ? 0 : rng.int(outcome === 'voicemail' ? 8 : 20, 900);
    const office = [...this.store.all('employee')].filter((e) => e.role !== 'Technician');
    const employee = outcome === 'answered' && office.length > 0 ? rng.pick(office) : null;
    const external = this.phoneOf(customer, rng);
    const business = '5125550100';
    const call: WorkizCall = Object.freeze({
      id: this.nextCall++,
      startedOn: at,
      direction,
      outcome,
      fromNumber: direction === 'inbound' ? external : business,
      toNumber: direction === 'inbound' ? business : external,
      durationSec,
      customerId: customer?.id ?? null,
      employeeId: employee?.id ?? null,
      trackingSource: rng.pick(W.CAMPAIGNS),
      recording:
        outcome === 'missed'
          ? null
          : Object.freeze({
              id: this.nextRecording++,
              durationSec: Math.max(1, durationSec - 2),
              sizeBytes: Math.max(1, durationSec - 2) * 16_000,
              format: 'mp3' as const,
            }),
    });
    this.callsById.set(call.id, call);
    return call;
  }

  private addOrExtendThread(rng: WorldRng, at: number, customer: Customer | null): void {
    const phone = this.phoneOf(customer, rng);
    const existingId = this.threadByPhone.get(phone);
    const existing = existingId === undefined ? undefined : this.threadsById.get(existingId);
    const inbound = rng.chance(0.5);
    const office = [...this.store.all('employee')].filter((e) => e.role !== 'Technician');
    const message = Object.freeze({
      id: this.nextMessage++,
      sentOn: at,
      direction: inbound ? ('inbound' as const) : ('outbound' as const),
      body: inbound ? rng.pick(INBOUND_TEXTS) : rng.pick(OUTBOUND_TEXTS),
      employeeId: inbound || office.length === 0 ? null : rng.pick(office).id,
    });
    if (existing) {
      this.threadsById.set(
        existing.id,
        Object.freeze({ ...existing, modifiedOn: at, messages: [...existing.messages, message] }),
      );
      return;
    }
    const thread: WorkizSmsThread = Object.freeze({
      id: this.nextThread++,
      createdOn: at,
      modifiedOn: at,
      customerId: customer?.id ?? null,
      phone,
      messages: [message],
    });
    this.threadsById.set(thread.id, thread);
    this.threadByPhone.set(phone, thread.id);
  }

  private leadFields(rng: WorldRng, customer: Customer | null, source: string): NewWorkizLead {
    const jobTypes = [...this.store.all('jobType')].map((t) => t.name);
    const personal = customer && customer.type === 'Residential' ? customer.name.split(' ') : null;
    const first = personal ? (personal[0] ?? '') : rng.pick(W.FIRST_NAMES);
    const last = personal ? personal.slice(1).join(' ') : rng.pick(W.LAST_NAMES);
    const email = customer
      ? (this.store.children('contact', 'customerId', customer.id).find((c) => c.type === 'Email')?.value ??
        '')
      : rng.chance(0.6)
        ? `${first}.${last}@example.com`.toLowerCase()
        : '';
    const address = customer ? { ...customer.address } : this.randomAddress(rng);
    return {
      leadType: jobTypes.length > 0 ? rng.pick(jobTypes) : 'Service Call',
      source,
      firstName: first,
      lastName: last,
      company: customer && customer.type === 'Commercial' ? customer.name : '',
      phone: this.phoneOf(customer, rng),
      email,
      address,
      notes: rng.pick(LEAD_NOTES),
      customerId: customer?.id ?? null,
    };
  }

  private randomAddress(rng: WorldRng): WorldAddress {
    const area = rng.pick(this.areas);
    return {
      street: `${rng.int(100, 9999)} ${rng.pick(W.STREET_NAMES)} ${rng.pick(W.STREET_KINDS)}`,
      unit: null,
      city: area?.name ?? 'Austin',
      state: 'TX',
      zip: area?.zipCodes[0] ?? '78701',
      country: 'USA',
      latitude: 30.27 + rng.int(-2000, 2000) / 10_000,
      longitude: -97.74 + rng.int(-2000, 2000) / 10_000,
    };
  }

  private addLead(at: number, fields: NewWorkizLead, callId: number | null = null): WorkizLead {
    const lead = workizLeadSchema.parse({
      id: this.nextLead++,
      createdOn: at,
      modifiedOn: at,
      status: 'New',
      source: fields.source,
      leadType: fields.leadType,
      firstName: fields.firstName,
      lastName: fields.lastName,
      company: fields.company ?? '',
      phone: fields.phone,
      email: fields.email,
      address: fields.address,
      serviceAreaId: this.serviceAreaOf(fields.address.zip).id,
      customerId: fields.customerId ?? null,
      callId: fields.callId ?? callId,
      jobId: null,
      requestedOn: fields.requestedOn ?? null,
      notes: fields.notes ?? '',
      referenceId: fields.referenceId ?? null,
    });
    this.leadsById.set(lead.id, Object.freeze(lead));
    return lead;
  }
}

/** The world job's status in Workiz's words. */
function baseStatus(job: JobRef): WorkizJobStatus {
  switch (job.status) {
    case 'Scheduled':
      return 'Submitted';
    case 'InProgress':
      return 'In progress';
    case 'Hold':
      return 'Pending';
    case 'Completed':
      return 'Done';
    case 'Canceled':
      return 'Canceled';
  }
}

import { invoiceTotals, lineTotal, sumLines } from './world-money.util';
import { CLOSED_JOB_STATUSES, occupiesTime } from './world.rules';
import { WORLD_ENTITIES, worldSchemas, type WorldEntity } from './world.schema';
import type { StoredRecord, WorldStore } from './world.store';

/** Reference fields per entity and the entity they point at. */
const REFERENCES: Readonly<Partial<Record<WorldEntity, readonly (readonly [string, WorldEntity])[]>>> = {
  jobType: [['businessUnitId', 'businessUnit']],
  employee: [['businessUnitId', 'businessUnit']],
  pricebookItem: [['businessUnitId', 'businessUnit']],
  customer: [['mergedToId', 'customer']],
  location: [
    ['customerId', 'customer'],
    ['taxZoneId', 'taxZone'],
    ['mergedToId', 'location'],
  ],
  contact: [['customerId', 'customer']],
  job: [
    ['customerId', 'customer'],
    ['locationId', 'location'],
    ['businessUnitId', 'businessUnit'],
    ['jobTypeId', 'jobType'],
    ['campaignId', 'campaign'],
    ['soldById', 'employee'],
  ],
  appointment: [
    ['jobId', 'job'],
    ['customerId', 'customer'],
  ],
  assignment: [
    ['appointmentId', 'appointment'],
    ['jobId', 'job'],
    ['technicianId', 'employee'],
    ['assignedById', 'employee'],
  ],
  estimate: [
    ['jobId', 'job'],
    ['customerId', 'customer'],
    ['locationId', 'location'],
    ['soldById', 'employee'],
  ],
  invoice: [
    ['jobId', 'job'],
    ['customerId', 'customer'],
    ['locationId', 'location'],
    ['taxZoneId', 'taxZone'],
  ],
  payment: [
    ['customerId', 'customer'],
    ['paymentTypeId', 'paymentType'],
  ],
  membership: [
    ['customerId', 'customer'],
    ['locationId', 'location'],
  ],
  equipment: [
    ['customerId', 'customer'],
    ['locationId', 'location'],
  ],
};

export interface InvariantOptions {
  /** Also parse every record with its strict zod schema (slower; default true). */
  readonly schemas?: boolean;
  /** Stop after this many violations (default 50). */
  readonly limit?: number;
}

/**
 * Every consistency rule of the world, checked over the whole store; returns the violations (empty
 * when the world is consistent). Used by the specs, the bench and the sandbox's self-check.
 */
export function checkWorldInvariants(store: WorldStore, options: InvariantOptions = {}): string[] {
  const out: string[] = [];
  const limit = options.limit ?? 50;
  const fail = (message: string): void => {
    if (out.length < limit) out.push(message);
  };
  const now = store.clock.now();
  const rowVersions = new Set<number>();

  for (const entity of WORLD_ENTITIES) {
    let lastId = 0;
    for (const record of store.all(entity)) {
      const r = record as unknown as Record<string, unknown> & StoredRecord<WorldEntity>;
      const where = `${entity} ${record.id}`;
      if (options.schemas ?? true) {
        const parsed = worldSchemas[entity].safeParse(record);
        if (!parsed.success)
          fail(
            `${where}: schema: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
          );
      }
      if (record.id <= lastId) fail(`${where}: ids not ascending`);
      lastId = record.id;
      if (!Object.isFrozen(record)) fail(`${where}: not frozen`);
      if (record.modifiedOn < record.createdOn) fail(`${where}: modifiedOn before createdOn`);
      if (record.modifiedOn > now) fail(`${where}: modifiedOn after now`);
      if (record.deletedOn !== null && record.active) fail(`${where}: deleted but active`);
      if (record.rowVersion > store.rowVersion || rowVersions.has(record.rowVersion))
        fail(`${where}: rowVersion ${record.rowVersion} not unique`);
      rowVersions.add(record.rowVersion);
      for (const [field, target] of REFERENCES[entity] ?? []) {
        const value = r[field];
        if (value === null) continue;
        if (typeof value !== 'number' || !store.get(target, value))
          fail(`${where}: ${field} ${JSON.stringify(value)} does not resolve to a ${target}`);
      }
    }
  }

  // merges
  for (const c of store.all('customer')) {
    if (c.mergedToId === null) continue;
    if (c.active || c.mergedToId === c.id) fail(`customer ${c.id}: merged but active or merged into itself`);
    if (c.balance !== 0) fail(`customer ${c.id}: merged with a balance`);
    for (const child of ['location', 'contact', 'job', 'invoice', 'payment'] as const) {
      if (store.children(child, 'customerId', c.id).length)
        fail(`customer ${c.id}: merged but still has ${child} rows`);
    }
  }
  for (const l of store.all('location')) {
    const customer = store.get('customer', l.customerId);
    if (customer && customer.mergedToId !== null)
      fail(`location ${l.id}: belongs to merged customer ${customer.id}`);
  }

  // employees on assignments are technicians
  for (const a of store.all('assignment')) {
    const tech = store.get('employee', a.technicianId);
    if (tech && tech.role !== 'Technician') fail(`assignment ${a.id}: employee ${tech.id} is a ${tech.role}`);
    const appointment = store.get('appointment', a.appointmentId);
    if (appointment && appointment.jobId !== a.jobId)
      fail(`assignment ${a.id}: jobId differs from its appointment's`);
  }

  // jobs and appointments
  for (const job of store.all('job')) {
    const location = store.get('location', job.locationId);
    if (location && location.customerId !== job.customerId)
      fail(`job ${job.id}: location of another customer`);
    if (job.status === 'Completed' && job.completedOn === null)
      fail(`job ${job.id}: Completed without completedOn`);
    if (job.status === 'Canceled' && job.canceledOn === null)
      fail(`job ${job.id}: Canceled without canceledOn`);
    const closedAt = job.completedOn ?? job.canceledOn;
    for (const a of store.children('appointment', 'jobId', job.id)) {
      if (a.customerId !== job.customerId) fail(`appointment ${a.id}: customer differs from its job's`);
      if (CLOSED_JOB_STATUSES.includes(job.status)) {
        if (['Scheduled', 'Dispatched', 'Working'].includes(a.status))
          fail(`appointment ${a.id}: ${a.status} on ${job.status} job ${job.id}`);
        if (closedAt !== null && a.createdOn > closedAt)
          fail(`appointment ${a.id}: created after job ${job.id} closed`);
      }
    }
  }
  interface Booking {
    start: number;
    end: number;
    id: number;
    overlapAllowed: boolean;
  }
  const busy = new Map<number, Booking[]>();
  for (const a of store.all('appointment')) {
    if (a.end <= a.start) fail(`appointment ${a.id}: end ${a.end} not after start ${a.start}`);
    if (a.arrivalWindowEnd < a.arrivalWindowStart) fail(`appointment ${a.id}: arrival window reversed`);
    if (!occupiesTime(a)) continue;
    for (const assignment of store.children('assignment', 'appointmentId', a.id)) {
      if (assignment.deletedOn !== null) continue;
      let list = busy.get(assignment.technicianId);
      if (!list) busy.set(assignment.technicianId, (list = []));
      list.push({ start: a.start, end: a.end, id: a.id, overlapAllowed: assignment.overlapAllowed === true });
    }
  }
  for (const [tech, list] of busy) {
    list.sort((x, y) => x.start - y.start || x.end - y.end);
    // Every overlapping pair, not only neighbours: an allowed overlap may sit inside a longer booking,
    // so the booking after it must still be compared with the long one.
    list.forEach((cur, i) => {
      for (let j = i + 1; j < list.length; j++) {
        const next = list[j] as Booking;
        if (next.start >= cur.end) break;
        // A booking made knowingly over another one (overlapAllowed) is the office's decision.
        if (!cur.overlapAllowed && !next.overlapAllowed)
          fail(`technician ${tech}: double-booked on appointments ${cur.id} and ${next.id}`);
      }
    });
  }

  // estimates
  for (const e of store.all('estimate')) {
    for (const o of e.options) {
      if (o.subTotal !== sumLines(o.items)) fail(`estimate ${e.id}: option ${o.id} subTotal ≠ Σ items`);
    }
    if (
      e.status === 'Sold' &&
      (e.soldOn === null || e.soldById === null || !e.options.some((o) => o.id === e.soldOptionId))
    ) {
      fail(`estimate ${e.id}: Sold without soldOn, soldById or a sold option`);
    }
    if (e.status !== 'Sold' && (e.soldOn !== null || e.soldOptionId !== null))
      fail(`estimate ${e.id}: ${e.status} with sale data`);
  }

  // money
  const applied = new Map<number, number>();
  for (const p of store.all('payment')) {
    let sum = 0;
    for (const s of p.splits) {
      sum += s.amount;
      const invoice = store.get('invoice', s.invoiceId);
      if (!invoice) fail(`payment ${p.id}: split to missing invoice ${s.invoiceId}`);
      else if (invoice.customerId !== p.customerId)
        fail(`payment ${p.id}: split to invoice ${invoice.id} of another customer`);
      if (p.deletedOn === null) applied.set(s.invoiceId, (applied.get(s.invoiceId) ?? 0) + s.amount);
    }
    if (sum + p.unappliedAmount !== p.amount)
      fail(`payment ${p.id}: amount ${p.amount} ≠ Σ splits ${sum} + unapplied ${p.unappliedAmount}`);
    if ((p.method === 'card') !== (p.cardBrand !== null && p.cardLast4 !== null))
      fail(`payment ${p.id}: card fields do not match method ${p.method}`);
  }
  const customerBalance = new Map<number, number>();
  for (const inv of store.all('invoice')) {
    for (const item of inv.items) {
      if (item.total !== lineTotal(item.quantityMilli, item.unitPrice))
        fail(`invoice ${inv.id}: line ${item.id} total ≠ quantity × price`);
      if ((item.type === 'Discount') !== item.total < 0)
        fail(`invoice ${inv.id}: line ${item.id} sign does not match its type`);
    }
    const computed = invoiceTotals(inv.items, inv.taxRatePpm);
    // A given tax (adjustment invoices) stands; the total must still add up with it.
    const t = inv.salesTaxGiven
      ? { ...computed, salesTax: inv.salesTax, total: computed.subTotal - computed.discount + inv.salesTax }
      : computed;
    if (
      t.subTotal !== inv.subTotal ||
      t.discount !== inv.discount ||
      t.salesTax !== inv.salesTax ||
      t.total !== inv.total
    ) {
      fail(
        `invoice ${inv.id}: totals ${JSON.stringify(t)} ≠ stored ${inv.subTotal}/${inv.discount}/${inv.salesTax}/${inv.total}`,
      );
    }
    const taxZone = store.get('taxZone', inv.taxZoneId);
    if (taxZone && taxZone.ratePpm !== inv.taxRatePpm)
      fail(`invoice ${inv.id}: tax rate differs from its zone`);
    const expected = inv.total - (applied.get(inv.id) ?? 0);
    if (inv.balance !== expected || inv.balance < 0)
      fail(`invoice ${inv.id}: balance ${inv.balance} ≠ total − payments ${expected}`);
    const job = store.get('job', inv.jobId);
    if (job && job.customerId !== inv.customerId) fail(`invoice ${inv.id}: customer differs from its job's`);
    if (inv.deletedOn === null)
      customerBalance.set(inv.customerId, (customerBalance.get(inv.customerId) ?? 0) + inv.balance);
  }
  for (const c of store.all('customer')) {
    const expected = customerBalance.get(c.id) ?? 0;
    if (c.balance !== expected)
      fail(`customer ${c.id}: balance ${c.balance} ≠ Σ invoice balances ${expected}`);
  }

  // change logs: the live entries are exactly the records, in rowVersion and modifiedOn order
  for (const entity of WORLD_ENTITIES) {
    const log = store.changeLog(entity);
    const live = new Set<number>();
    for (let i = 0; i < log.length; i++) {
      const e = log[i] as (typeof log)[number];
      const prev = log[i - 1];
      if (prev && (e.rowVersion <= prev.rowVersion || e.modifiedOn < prev.modifiedOn))
        fail(`${entity} log: out of order at rowVersion ${e.rowVersion}`);
      if (store.get(entity, e.id)?.rowVersion === e.rowVersion) live.add(e.id);
    }
    if (live.size !== store.count(entity))
      fail(`${entity} log: ${live.size} live entries for ${store.count(entity)} records`);
  }
  return out;
}

import { CustomerGenerator } from './world-customer.generator';
import { EquipmentGenerator } from './world-equipment.generator';
import { EstimateGenerator } from './world-estimate.generator';
import { GenerationTimeline } from './world-generation.timeline';
import { InvoiceGenerator } from './world-invoice.generator';
import { JobGenerator } from './world-job.generator';
import { MembershipGenerator } from './world-membership.generator';
import { PaymentGenerator } from './world-payment.generator';
import { PricebookGenerator } from './world-pricebook.generator';
import { WorldRng } from './world-rng.util';
import { SettingsGenerator } from './world-settings.generator';
import { StaffGenerator } from './world-staff.generator';
import { TechnicianCalendar } from './world-technician.calendar';
import { WorldClock } from './world.clock';
import type { WorldLoader } from './world.loader';
import { WorldStore } from './world.store';
import { WorldWriter } from './world.writer';
import { TomLedger } from './world-tom.ledger';
import { WorkizLedger } from './world-workiz.ledger';

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
  /**
   * What Workiz shows beyond the shared entities (leads, calls, SMS, service areas, sub-statuses),
   * generated from a random stream of its own after the world, outside the store: what every other
   * vendor sees is unchanged.
   */
  readonly workiz: WorkizLedger;
  /**
   * What Total Office Manager shows beyond the shared entities (warehouses and trucks, stock, purchase
   * orders, serialized units, accounting periods), from a random stream of its own, outside the store.
   */
  readonly tom: TomLedger;
}

export const DEFAULT_WORLD_NOW = Date.UTC(2026, 2, 2, 18, 0, 0, 0);
/** Records a customer brings along on average (locations, contacts, jobs, appointments, …), measured. */
const RECORDS_PER_CUSTOMER = 14.5;

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
  generateBusiness(new WorldRng(`world:${String(options.seed)}:${options.size}`), options.size, now, loader);
  const store = loader.finish();
  const workiz = WorkizLedger.generate(store, clock, options.seed, options.size);
  const tom = TomLedger.generate(store, clock, options.seed, options.size);
  return {
    seed: options.seed,
    size: options.size,
    clock,
    store,
    writer: new WorldWriter(store),
    workiz,
    tom,
  };
}

/**
 * The generation, family by family. The order of the steps is the order of the random draws (each
 * family draws from its own fork of the world's rng, and customers and everything they bring from one
 * shared fork), so it is part of the world: a new family draws from a fork of its own, or after every
 * existing draw.
 */
function generateBusiness(root: WorldRng, size: number, now: number, loader: WorldLoader): void {
  const timeline = new GenerationTimeline(now);
  const small = size < 300;

  // Settings, pricebook and staff: the tenant as set up before its customers.
  const settings = new SettingsGenerator(loader, timeline).generate(small);
  const pricebook = new PricebookGenerator(root.fork('pricebook'), loader, timeline, settings, size).generate(
    small,
  );
  const customerCount = Math.max(2, Math.round((size - loader.count) / RECORDS_PER_CUSTOMER));
  const staff = new StaffGenerator(root.fork('employees'), loader, timeline, settings).generate(
    customerCount,
  );

  // Customers and everything they bring, one customer at a time.
  const rng = root.fork('customers');
  const customers = new CustomerGenerator(rng, loader, timeline, settings);
  const memberships = new MembershipGenerator(rng, loader, timeline);
  const equipment = new EquipmentGenerator(rng, loader, timeline);
  const jobs = new JobGenerator(
    rng,
    loader,
    timeline,
    settings,
    staff,
    new TechnicianCalendar(timeline, staff),
  );
  for (let c = 0; c < customerCount; c++) {
    const planned = customers.plan(c);
    if (!planned) continue;
    memberships.plan(planned);
    equipment.planAtSites(planned.sites);
    jobs.planFor(planned);
  }

  // Money and sales of the jobs' history (it sets customers' balances and modifiedOn).
  const completed = jobs.planned.filter((j) => j.status === 'Completed');
  const invoices = new InvoiceGenerator(rng, loader, timeline, settings, pricebook);
  const payments = new PaymentGenerator(rng, loader, timeline, settings);
  const estimates = new EstimateGenerator(rng, loader, timeline, pricebook, staff);
  payments.plan(invoices.plan(completed, memberships.byCustomer()));
  estimates.plan(jobs.planned);
  equipment.planFromJobs(completed);

  // Insertion: parents before children, each entity in createdOn order (ids grow with createdOn).
  customers.insert();
  jobs.insert();
  estimates.insert();
  invoices.insert();
  payments.insert();
  memberships.insert();
  equipment.insert();
}

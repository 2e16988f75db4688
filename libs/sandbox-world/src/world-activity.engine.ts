import { BillingActivity } from './world-billing.activity';
import { BULK_EDITABLE, BulkEditActivity, type BulkEditable } from './world-bulk-edit.activity';
import { CustomerActivity } from './world-customer.activity';
import { ActivitySampler } from './world-activity.sampler';
import {
  DEFAULT_ACTIVITY_MIX,
  type ActivityEvent,
  type ActivityHandler,
  type ActivityKind,
  type ActivityMix,
  type ActivityOptions,
} from './world-activity.types';
import { WorldRuleError } from './world-rule.error';
import { WorldRng } from './world-rng.util';
import { SalesActivity } from './world-sales.activity';
import { ScheduleActivity } from './world-schedule.activity';
import type { WorldEntity } from './world.schema';
import type { WorldStore } from './world.store';
import type { WorldWriter } from './world.writer';

export { BULK_EDITABLE, type BulkEditable } from './world-bulk-edit.activity';
export {
  DEFAULT_ACTIVITY_MIX,
  type ActivityEvent,
  type ActivityKind,
  type ActivityMix,
  type ActivityOptions,
} from './world-activity.types';

const MINUTE = 60_000;

/**
 * Makes a world live: creates, status moves along legal transitions, reschedules, reassignments,
 * payments, soft deletes and merges, through the WorldWriter (so every vendor rule holds), at a
 * configurable rate on the world clock. Deterministic given its seed and the sequence of calls.
 *
 * Each kind of activity belongs to a family (customers, schedule, billing, sales) that draws through
 * one shared sampler; this class keeps the time (rate, bursts, the paging hook) and picks the kinds.
 *
 * The hard cases on demand: `burst(n)` writes n records sharing ONE modifiedOn; `betweenPages(entity)`
 * is the hook renderers call between two page requests, so records change while a client pages.
 */
export class ActivityEngine {
  private readonly rng: WorldRng;
  private readonly mix: ActivityMix;
  private readonly meanGapMs: number;
  private readonly store: WorldStore;
  private readonly sample: ActivitySampler;
  private readonly handlers: Readonly<Record<ActivityKind, ActivityHandler>>;
  private readonly bulk: BulkEditActivity;
  /** When runFor's next event is due (world time); undefined until runFor first schedules one. */
  private nextAt: number | undefined;

  constructor(writer: WorldWriter, options: ActivityOptions) {
    this.store = writer.store;
    this.rng = new WorldRng(`activity:${String(options.seed)}`);
    this.mix = { ...DEFAULT_ACTIVITY_MIX, ...options.mix };
    const rate = options.ratePerMinute ?? 2;
    if (!(rate > 0)) throw new RangeError('ratePerMinute must be > 0');
    this.meanGapMs = MINUTE / rate;
    this.sample = new ActivitySampler(this.rng, this.store, writer.rules);
    const billing = new BillingActivity(writer, this.store, this.sample);
    this.handlers = {
      ...new CustomerActivity(writer, this.store, this.sample).handlers,
      ...new ScheduleActivity(writer, this.store, this.sample, billing).handlers,
      ...billing.handlers,
      ...new SalesActivity(writer, this.sample).handlers,
    };
    this.bulk = new BulkEditActivity(this.store);
  }

  /** One event at the current time, then the clock moves on by a jittered 1/rate. */
  step(): ActivityEvent {
    const event = this.event(this.rng.weighted(this.mix));
    this.store.clock.advance(this.gap());
    this.nextAt = undefined;
    return event;
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
      const ids = this.sample.distinctIds(entity, n);
      for (const id of ids) out.push(this.bulk.edit(entity, id));
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
      for (const id of this.sample.distinctIds(entity, options.changes ?? 3)) {
        out.push(this.bulk.edit(entity as BulkEditable, id));
      }
    } else {
      for (let i = 0; i < (options.changes ?? 3); i++) out.push(this.event(this.rng.weighted(this.mix)));
    }
    if (entity === 'customer') out.push(this.event('createCustomer'));
    if (entity === 'job' || entity === 'appointment') out.push(this.event('createJob'));
    this.store.clock.advance(options.gapMs ?? 250);
    return out;
  }

  /** The world time to the next event: 1/rate, jittered ±50 %. */
  private gap(): number {
    return Math.max(1, Math.round(this.meanGapMs * (0.5 + this.rng.next())));
  }

  /** Does one thing of `kind` now; a refusal or a missing candidate is an event too. */
  private event(kind: ActivityKind): ActivityEvent {
    const at = this.store.clock.now();
    try {
      const touched = this.handlers[kind](this.store.clock.now());
      if (!touched) return { kind, at, ok: false, refused: 'no_candidate' };
      return { kind, at, ok: true, entity: touched[0], id: touched[1] };
    } catch (err) {
      if (err instanceof WorldRuleError) return { kind, at, ok: false, refused: err.code };
      throw err;
    }
  }
}
